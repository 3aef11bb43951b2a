/**
 * Hash chain inclusion proof (WAICT blog post "Hash Chain", https://blog.cloudflare.com/improving-the-trustworthiness-of-javascript-on-the-web/): "to prove inclusion of the element
 * at index i, the prover provides the chain hash before i, and all the elements after i". The
 * verifier rebuilds node i from the entry and that chain hash, hashes forward through the later
 * entries and compares with the digest it trusts (the prefix tree value of the site).
 *
 * Wire format (ours; the drafts define no chain proofs — README "Choices"):
 *
 *     struct {
 *         uint64 index;                       // position of the proven entry
 *         uint8 chain_hash_before[32];        // chain_hash of node `index` (zeros for index 0)
 *         Entry entries_after<0..2^32-1>;     // positions index+1 .. size-1, 80 bytes each
 *     } ChainInclusionProof;
 *
 * The proven entry itself is not in the proof: the verifier brings it (it holds the manifest,
 * hence the resource hash, and the entry it wants to check).
 */
import { assertBytes, assertU64, bytesEqual, readU64, writeU64 } from "./bytes.ts";
import { assertCheckpoint, type ChainCheckpoint, lastTimeMatches, replayEntries } from "./checkpoint.ts";
import { assertEntry, type Entry } from "./entry.ts";
import { entryVectorSize, readEntryVector, writeEntryVector } from "./entry-vector.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { HASH_SIZE, type Sha256, sha256 } from "./hash.ts";

export interface ChainInclusionProof {
  index: bigint;
  chainHashBefore: Uint8Array;
  entriesAfter: Entry[];
}

const HEADER = 8 + HASH_SIZE;

export function encodeChainInclusionProof(p: ChainInclusionProof): Uint8Array {
  assertU64(p.index, "proof.index");
  assertBytes(p.chainHashBefore, "proof.chainHashBefore", HASH_SIZE);
  const out = new Uint8Array(HEADER + entryVectorSize(p.entriesAfter, "proof.entriesAfter"));
  writeU64(out, 0, p.index);
  out.set(p.chainHashBefore, 8);
  writeEntryVector(out, HEADER, p.entriesAfter, "proof.entriesAfter");
  return out;
}

export function decodeChainInclusionProof(b: Uint8Array): ChainInclusionProof {
  assertBytes(b, "bytes");
  if (b.length < HEADER + 4)
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, "ChainInclusionProof header");
  const index = readU64(b, 0);
  const entriesAfter = readEntryVector(b, HEADER, index, "entries_after");
  return { index, chainHashBefore: b.slice(8, 8 + HASH_SIZE), entriesAfter };
}

/**
 * True iff `entry` sits at `proof.index` in the chain committed to by `head`: the replay from
 * (chain_hash_before, entry) through `entries_after` obeys the chain rules, ends at position
 * head.size - 1 and reproduces head.digest.
 */
export function verifyChainInclusion(
  head: ChainCheckpoint,
  entry: Entry,
  proof: ChainInclusionProof,
  hash: Sha256 = sha256,
): boolean {
  assertCheckpoint(head, "head");
  assertEntry(entry, "entry");
  assertU64(proof.index, "proof.index");
  assertBytes(proof.chainHashBefore, "proof.chainHashBefore", HASH_SIZE);
  if (entry.positionInChain !== proof.index) return false;
  if (proof.index >= head.size) return false;
  if (BigInt(proof.entriesAfter.length) !== head.size - proof.index - 1n) return false;
  // Node `index` must itself be well formed: the first node's chain hash is zero, and for any
  // other node the recomputation below binds it.
  const afterEntry = replayEntries(proof.chainHashBefore, proof.index, 0n, [entry], hash);
  if (afterEntry === undefined) return false;
  const digest = replayEntries(afterEntry, proof.index + 1n, entry.timeCreated, proof.entriesAfter, hash);
  if (digest === undefined || !bytesEqual(digest, head.digest)) return false;
  return lastTimeMatches(head, proof.entriesAfter.length > 0 ? proof.entriesAfter : [entry]);
}
