/**
 * Inclusion and non-inclusion proofs of the WAICT Merkle-Patricia tree, framed as in Russ Cox's
 * MPT (Go package `mpt`, the tree WAICT's draft is built on; docs/wire-formats.md "MPT proofs"):
 *
 *     "mptproof" || 0x00                                                the empty tree, root = H("")
 *     "mptproof" || 0x01 || value[32] || (u8 r || sibling[32])*         key present
 *     "mptproof" || 0x02 || altKey[32] || altValue[32] || (u8 r || sibling[32])*   key absent
 *
 * Segments run leaf upwards with `r` strictly decreasing. Inclusion is merkle-patricia-tree.md
 * "Inclusion proof" (verification as in PR #31, `VerifyInclusion`); the draft leaves non-inclusion
 * as a TODO, and Sealroom uses rsc's absence proof: the leaf that a search for `key` reaches, and
 * its inclusion path. It proves `key` absent iff the path folds to the root, `key != altKey`, and
 * `key` has the same bit as `altKey` at every segment's `r`: a search for `key` then takes altKey's
 * side at every node and ends at altKey's leaf, so exactly one absence proof exists per key and root.
 */
import { assertBytes, bitAt, equal32 } from "./bytes.ts";
import { defaultSha256, intoOf, type Sha256, type Sha256Into } from "./hash.ts";

/** "mptproof" */
export const PROOF_MAGIC: Uint8Array = Uint8Array.of(0x6d, 0x70, 0x74, 0x70, 0x72, 0x6f, 0x6f, 0x66);
/** The tag after the magic (rsc's framed MPT proofs): empty tree, key present, key absent. */
export const ProofVersion = { Empty: 0x00, Inclusion: 0x01, NonInclusion: 0x02 } as const;
export type ProofVersion = (typeof ProofVersion)[keyof typeof ProofVersion];

const SEGMENT = 33;
// Reused hash input (`left || right || bitpos`, or `key || value` in its first 64 bytes) and the
// running node hash: verification allocates nothing per node.
const innerBuf = new Uint8Array(65);
const cur = new Uint8Array(32);

// A proof shorter than 9 bytes fails here too: its missing bytes read as undefined.
function hasMagic(proof: Uint8Array, version: number): boolean {
  for (let i = 0; i < 8; i++) if (proof[i] !== PROOF_MAGIC[i]) return false;
  return proof[8] === version;
}

/**
 * Hashes the leaf `key || value` (read from `key[ko..ko+32)` and `value[vo..vo+32)`) into `cur`,
 * then folds the segments `proof[off..]` upwards (PR #31 `VerifyInclusion'`) on the sides that
 * `target[to..to+32)`'s bits say. Returns true iff they are well formed (whole segments, r strictly
 * decreasing), the leaf key agrees with `target` at every segment's bit r (always so for
 * inclusion, where they are the same key), and the result equals `root`.
 */
function foldToRoot(
  root: Uint8Array,
  key: Uint8Array,
  ko: number,
  value: Uint8Array,
  vo: number,
  proof: Uint8Array,
  off: number,
  hash: Sha256Into,
  target: Uint8Array,
  to: number,
): boolean {
  const rest = proof.length - off;
  if (rest % SEGMENT !== 0) return false;
  // Check the segments' bits before hashing anything: a malformed proof costs no hashes.
  let last = 256;
  for (let o = off; o < proof.length; o += SEGMENT) {
    const r = proof[o] as number;
    if (r >= last || bitAt(target, to, r) !== bitAt(key, ko, r)) return false;
    last = r;
  }
  for (let i = 0; i < 32; i++) {
    innerBuf[i] = key[ko + i] as number;
    innerBuf[32 + i] = value[vo + i] as number;
  }
  hash(innerBuf, 0, 64, cur, 0);
  for (let o = off; o < proof.length; o += SEGMENT) {
    const r = proof[o] as number;
    // cur on the side that key's bit r says, the sibling on the other.
    const co = bitAt(key, ko, r) === 0 ? 0 : 32;
    const so = 32 - co;
    for (let i = 0; i < 32; i++) {
      innerBuf[co + i] = cur[i] as number;
      innerBuf[so + i] = proof[o + 1 + i] as number;
    }
    innerBuf[64] = r;
    hash(innerBuf, 0, 65, cur, 0);
  }
  return equal32(cur, 0, root, 0);
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
  return foldToRoot(root, key, 0, value, 0, proof, 41, intoOf(hash), key, 0);
}

/**
 * True iff `proof` shows that `key` is not in the tree with root `root`: either the empty-tree
 * proof against `H("")`, or an absence proof whose alt leaf a search for `key` reaches (rsc's
 * `mpt.Verify` with tag 0x00 or 0x02).
 */
export function verifyNonInclusion(
  root: Uint8Array,
  key: Uint8Array,
  proof: Uint8Array,
  hash: Sha256 = defaultSha256,
): boolean {
  checkArgs(root, key, proof);
  if (hasMagic(proof, ProofVersion.Empty)) {
    if (proof.length !== 9) return false;
    intoOf(hash)(proof, 0, 0, cur, 0);
    return equal32(cur, 0, root, 0);
  }
  if (proof.length < 73 || !hasMagic(proof, ProofVersion.NonInclusion)) return false;
  // altKey = proof[9..41), altValue = proof[41..73)
  if (equal32(key, 0, proof, 9)) return false;
  return foldToRoot(root, proof, 9, proof, 41, proof, 73, intoOf(hash), key, 0);
}

/**
 * Assembles a proof from the first `n` top-down (bit, sibling) pairs collected during a descent
 * (`bits[i]`, `siblings[32i..32i+32)`), emitted leaf upwards.
 */
export function assembleProof(
  head: Uint8Array,
  bits: Uint8Array,
  siblings: Uint8Array,
  n: number,
): Uint8Array {
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
