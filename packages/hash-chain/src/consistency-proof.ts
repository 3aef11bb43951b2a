/**
 * Hash chain consistency proof (WAICT blog post "Hash Chain", https://blog.cloudflare.com/improving-the-trustworthiness-of-javascript-on-the-web/): "to prove consistency between the
 * chains of size i and j, the prover provides the elements between i and j". The verifier starts
 * from the digest it trusts for size m, hashes the entries m .. n-1 on top of it and compares with
 * the digest it is shown for size n. This is the per-site check a monitor or a witness runs.
 *
 * Wire format (ours; README "Choices"):
 *
 *     struct {
 *         uint64 old_size;                    // m
 *         Entry entries<0..2^32-1>;           // positions m .. n-1, 80 bytes each
 *     } ChainConsistencyProof;
 */
import { assertBytes, assertU64, bytesEqual, readU64, writeU64 } from "./bytes.ts";
import { assertCheckpoint, type ChainCheckpoint, lastTimeMatches, replayEntries } from "./checkpoint.ts";
import type { Entry } from "./entry.ts";
import { entryVectorSize, readEntryVector, writeEntryVector } from "./entry-vector.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { type Sha256, sha256 } from "./hash.ts";

export interface ChainConsistencyProof {
  oldSize: bigint;
  entries: Entry[];
}

const HEADER = 8;

export function encodeChainConsistencyProof(p: ChainConsistencyProof): Uint8Array {
  assertU64(p.oldSize, "proof.oldSize");
  const out = new Uint8Array(HEADER + entryVectorSize(p.entries, "proof.entries"));
  writeU64(out, 0, p.oldSize);
  writeEntryVector(out, HEADER, p.entries, "proof.entries");
  return out;
}

export function decodeChainConsistencyProof(b: Uint8Array): ChainConsistencyProof {
  assertBytes(b, "bytes");
  if (b.length < HEADER + 4)
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, "ChainConsistencyProof header");
  const oldSize = readU64(b, 0);
  return { oldSize, entries: readEntryVector(b, HEADER, oldSize, "entries") };
}

/**
 * True iff the chain committed to by `newer` extends the one committed to by `older` by exactly
 * `proof.entries`, all obeying the chain rules. Equal sizes verify only with equal digests and an
 * empty proof.
 */
export function verifyChainConsistency(
  older: ChainCheckpoint,
  newer: ChainCheckpoint,
  proof: ChainConsistencyProof,
  hash: Sha256 = sha256,
): boolean {
  assertCheckpoint(older, "older");
  assertCheckpoint(newer, "newer");
  assertU64(proof.oldSize, "proof.oldSize");
  if (proof.oldSize !== older.size || newer.size < older.size) return false;
  if (BigInt(proof.entries.length) !== newer.size - older.size) return false;
  const digest = replayEntries(older.digest, older.size, older.lastTime ?? 0n, proof.entries, hash);
  if (digest === undefined || !bytesEqual(digest, newer.digest)) return false;
  if (proof.entries.length === 0) {
    return older.lastTime === undefined || newer.lastTime === undefined || older.lastTime === newer.lastTime;
  }
  return lastTimeMatches(newer, proof.entries);
}
