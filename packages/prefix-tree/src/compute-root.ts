/**
 * The MPT root of a set of leaves computed from scratch, independently of `PrefixTree`'s pages:
 * sort, then Russ Cox's stack algorithm (merkle-patricia-tree.md "Memory-Efficient Root
 * Computation"), with objects and no shared code with page.ts so the tests cross-check two
 * implementations. O(n log n); for audits and tests, not the hot path.
 */
import { assertBytes, commonPrefixBits, compare32 } from "./bytes.ts";
import { PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
import { defaultSha256, type Sha256 } from "./hash.ts";

interface StackNode {
  key: Uint8Array;
  bits: number;
  hash: Uint8Array;
}

/** MPT(S) for leaves given as [key, value] pairs (keys distinct). */
export function computeRoot(
  leaves: ReadonlyArray<readonly [Uint8Array, Uint8Array]>,
  hash: Sha256 = defaultSha256,
): Uint8Array {
  const sorted = leaves.map(([k, v], i) => {
    assertBytes(k, `leaves[${i}][0]`, 32);
    assertBytes(v, `leaves[${i}][1]`, 32);
    return [k, v] as const;
  });
  sorted.sort((a, b) => compare32(a[0], 0, b[0], 0));
  if (sorted.length === 0) return hash(new Uint8Array(0));
  const overlap = (x: StackNode, y: StackNode) =>
    Math.min(commonPrefixBits(x.key, 0, y.key, 0), x.bits, y.bits);
  const merge = (x: StackNode, y: StackNode): StackNode => {
    const b = overlap(x, y);
    const buf = new Uint8Array(65);
    buf.set(x.hash, 0);
    buf.set(y.hash, 32);
    buf[64] = b;
    return { key: x.key, bits: b, hash: hash(buf) };
  };
  let s: StackNode[] = [];
  for (const [k, v] of sorted) {
    const buf = new Uint8Array(64);
    buf.set(k, 0);
    buf.set(v, 32);
    if (s.length > 0 && commonPrefixBits((s[s.length - 1] as StackNode).key, 0, k, 0) === 256) {
      throw new PrefixTreeError(PrefixTreeErrorCode.DuplicateKey, "duplicate key");
    }
    s.push({ key: k, bits: 256, hash: hash(buf) });
    while (s.length >= 3) {
      const [a, b, c] = s.slice(-3) as [StackNode, StackNode, StackNode];
      if (!(overlap(a, b) > overlap(b, c))) break;
      s = [...s.slice(0, -3), merge(a, b), c];
    }
  }
  while (s.length >= 2) {
    const [a, b] = s.slice(-2) as [StackNode, StackNode];
    s = [...s.slice(0, -2), merge(a, b)];
  }
  return (s[0] as StackNode).hash;
}
