/**
 * Inclusion and (experimental) non-inclusion proofs of the WAICT Merkle-Patricia tree.
 *
 * Inclusion (merkle-patricia-tree.md "Inclusion proof"; verification as in PR #31,
 * `VerifyInclusion`):
 *
 *     "mptproof" || 0x01 || value[32] || (u8 r || sibling[32])*      r strictly decreasing
 *
 * Non-inclusion is a draft TODO. Sealroom's experimental format (DESIGN.md) reuses the segments of
 * the inclusion proof of the leaf that a descent by the absent key's bits reaches:
 *
 *     "mptproof" || 0x00 || altKey[32] || altValue[32] || (u8 r || sibling[32])*
 *     "mptproof" || 0x00                                   (the empty tree, root = H(""))
 *
 * It proves `key` absent when the path folds to the root, `key != altKey`, and no segment has
 * r = d, the length of the common prefix of key and altKey: nodes above d are passed on the same
 * side by both keys, and every leaf under a node of bit r > d shares its first r bits with altKey,
 * so `key` (which differs at bit d) is under none of them.
 */
import { assertBytes, bitAt, commonPrefixBits, equal32 } from "./bytes.ts";
import { defaultSha256, type Sha256 } from "./hash.ts";

/** "mptproof" */
export const PROOF_MAGIC: Uint8Array = Uint8Array.of(0x6d, 0x70, 0x74, 0x70, 0x72, 0x6f, 0x6f, 0x66);
export const ProofVersion = { NonInclusion: 0x00, Inclusion: 0x01 } as const;
export type ProofVersion = (typeof ProofVersion)[keyof typeof ProofVersion];

const SEGMENT = 33;
const innerBuf = new Uint8Array(65);
const leafBuf = new Uint8Array(64);

function hasMagic(proof: Uint8Array, version: number): boolean {
  if (proof.length < 9) return false;
  for (let i = 0; i < 8; i++) if (proof[i] !== PROOF_MAGIC[i]) return false;
  return proof[8] === version;
}

/**
 * Folds the segments `proof[off..]` upwards from the leaf of key `key` whose hash is `node` (PR #31
 * `VerifyInclusion'`). Returns the computed root, or undefined when the segments are malformed (a
 * partial segment, r not strictly decreasing) or a segment has r = `avoidBit`.
 */
function fold(
  node: Uint8Array,
  key: Uint8Array,
  proof: Uint8Array,
  off: number,
  hash: Sha256,
  avoidBit: number,
): Uint8Array | undefined {
  const rest = proof.length - off;
  if (rest % SEGMENT !== 0) return undefined;
  let cur = node;
  let last = 256;
  for (let o = off; o < proof.length; o += SEGMENT) {
    const r = proof[o] as number;
    if (r >= last || r === avoidBit) return undefined;
    last = r;
    if (bitAt(key, 0, r) === 0) {
      innerBuf.set(cur, 0);
      innerBuf.set(proof.subarray(o + 1, o + SEGMENT), 32);
    } else {
      innerBuf.set(proof.subarray(o + 1, o + SEGMENT), 0);
      innerBuf.set(cur, 32);
    }
    innerBuf[64] = r;
    cur = hash(innerBuf);
  }
  return cur;
}

function leafHash(key: Uint8Array, value: Uint8Array, hash: Sha256): Uint8Array {
  leafBuf.set(key, 0);
  leafBuf.set(value, 32);
  return hash(leafBuf);
}

function checkArgs(root: Uint8Array, key: Uint8Array, proof: Uint8Array): void {
  assertBytes(root, "root", 32);
  assertBytes(key, "key", 32);
  assertBytes(proof, "proof");
}

/** PR #31 `VerifyInclusion`: true iff `proof` shows (key, value) in the tree with root `root`. */
export function verifyInclusion(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array,
  proof: Uint8Array,
  hash: Sha256 = defaultSha256,
): boolean {
  checkArgs(root, key, proof);
  assertBytes(value, "value", 32);
  if (proof.length < 41 || !hasMagic(proof, ProofVersion.Inclusion)) return false;
  if (!equal32(proof, 9, value, 0)) return false;
  const got = fold(leafHash(key, value, hash), key, proof, 41, hash, -1);
  return got !== undefined && got.length === 32 && equal32(got, 0, root, 0);
}

/** Experimental: true iff `proof` shows that `key` is not in the tree with root `root`. */
export function verifyNonInclusion(
  root: Uint8Array,
  key: Uint8Array,
  proof: Uint8Array,
  hash: Sha256 = defaultSha256,
): boolean {
  checkArgs(root, key, proof);
  if (!hasMagic(proof, ProofVersion.NonInclusion)) return false;
  if (proof.length === 9) {
    const empty = hash(new Uint8Array(0));
    return equal32(empty, 0, root, 0);
  }
  if (proof.length < 73) return false;
  const altKey = proof.subarray(9, 41);
  const altValue = proof.subarray(41, 73);
  const d = commonPrefixBits(key, 0, altKey, 0);
  if (d === 256) return false;
  const got = fold(leafHash(altKey, altValue, hash), altKey, proof, 73, hash, d);
  return got !== undefined && got.length === 32 && equal32(got, 0, root, 0);
}

/**
 * Assembles a proof from the first `n` top-down (bit, sibling) pairs collected during a descent
 * (`bits[i]`, `siblings[32i..32i+32)`), emitted leaf upwards.
 */
export function assembleProof(head: Uint8Array, bits: Uint8Array, siblings: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(head.length + n * SEGMENT);
  out.set(head, 0);
  let o = head.length;
  for (let i = n - 1; i >= 0; i--, o += SEGMENT) {
    out[o] = bits[i] as number;
    const s = i * 32;
    for (let b = 0; b < 32; b++) out[o + 1 + b] = siblings[s + b] as number;
  }
  return out;
}

/** `"mptproof" || version || parts...`: the fixed head of a proof. */
export function proofHeader(version: ProofVersion, ...parts: Uint8Array[]): Uint8Array {
  let n = 9;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out.set(PROOF_MAGIC, 0);
  out[8] = version;
  let o = 9;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
