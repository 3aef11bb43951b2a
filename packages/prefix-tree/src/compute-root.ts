/**
 * The MPT root of a set of leaves computed from scratch, independently of `PrefixTree`'s pages:
 * sort, then Russ Cox's stack algorithm (merkle-patricia-tree.md "Memory-Efficient Root
 * Computation"), sharing no code with page.ts so that the tests cross-check two implementations.
 * The stack is flat (key references, bit counts and a column of 32-byte hashes), so nodes are
 * hashed in place with no allocation per node. O(n log n); for audits and tests.
 */
import { assertBytes, commonPrefixBits, compare32 } from "./bytes.ts";
import { PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
import { defaultSha256, intoOf, type Sha256 } from "./hash.ts";

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
  const into = intoOf(hash);
  const root = new Uint8Array(32);
  if (sorted.length === 0) {
    into(root, 0, 0, root, 0);
    return root;
  }
  // Stack entry i: the leftmost key of the subtree, its prefix length in bits (256 for a leaf),
  // and its hash at stHash[32i..32i+32).
  let cap = 64;
  const stKey: Uint8Array[] = [];
  let stBits = new Int32Array(cap);
  let stHash = new Uint8Array(cap * 32);
  const buf = new Uint8Array(65);
  let sp = 0;
  const overlap = (i: number, j: number): number =>
    Math.min(
      commonPrefixBits(stKey[i] as Uint8Array, 0, stKey[j] as Uint8Array, 0),
      stBits[i] as number,
      stBits[j] as number,
    );
  // Replaces entries i and i+1 by their parent, H(left || right || bitpos), in slot i.
  const merge = (i: number): void => {
    const b = overlap(i, i + 1);
    for (let x = 0; x < 64; x++) buf[x] = stHash[i * 32 + x] as number;
    buf[64] = b;
    into(buf, 0, 65, stHash, i * 32);
    stBits[i] = b;
  };
  for (const [k, v] of sorted) {
    if (sp > 0 && commonPrefixBits(stKey[sp - 1] as Uint8Array, 0, k, 0) === 256) {
      throw new PrefixTreeError(PrefixTreeErrorCode.DuplicateKey, "duplicate key");
    }
    if (sp === cap) {
      cap *= 2;
      const bits = new Int32Array(cap);
      bits.set(stBits);
      const hashes = new Uint8Array(cap * 32);
      hashes.set(stHash);
      stBits = bits;
      stHash = hashes;
    }
    buf.set(k, 0);
    buf.set(v, 32);
    into(buf, 0, 64, stHash, sp * 32);
    stKey[sp] = k;
    stBits[sp] = 256;
    sp++;
    while (sp >= 3 && overlap(sp - 3, sp - 2) > overlap(sp - 2, sp - 1)) {
      merge(sp - 3);
      // The top entry moves down into the freed slot.
      stKey[sp - 2] = stKey[sp - 1] as Uint8Array;
      stBits[sp - 2] = stBits[sp - 1] as number;
      stHash.copyWithin((sp - 2) * 32, (sp - 1) * 32, sp * 32);
      sp--;
    }
  }
  while (sp >= 2) {
    merge(sp - 2);
    sp--;
  }
  root.set(stHash.subarray(0, 32));
  return root;
}
