/**
 * Chain checkpoints and replay: the verifier's side of the WAICT blog post's hash chain ("Hash Chain" in
 * the WAICT blog post, docs/README.md) over the WAICT node format (waict-apis.md "Hash Computations").
 *
 * A checkpoint is what a verifier trusts about a chain: its size and its digest, where the digest
 * of a chain of size n > 0 is H("waict-ch" || node n-1) (the prefix tree value, and the
 * `chain_hash` the next node would carry), and the digest of the empty chain is 32 zero bytes
 * (the first node's `chain_hash`). So node k's `chain_hash` is exactly the digest at size k, and
 * the draft's `/chain-hash/<domain>/<N>` ("the chain hash after the N-th entry") is the digest at
 * size N + 1.
 *
 * Replaying entries from a checkpoint recomputes the digest and also enforces the append rules
 * (positions consecutive, time_created non-decreasing), so a proof only verifies for a chain that
 * `SiteChain` itself would have accepted.
 */
import { assertBytes, assertU64, bytesEqual, U64_MAX } from "./bytes.ts";
import { CHAIN_NODE_SIZE, type ChainNode, nextChainHash } from "./chain-node.ts";
import { assertEntry, ENTRY_SIZE, type Entry, writeEntry } from "./entry.ts";
import { checkDigest, HASH_SIZE, type Sha256, sha256, TAG_SIZE, Tag } from "./hash.ts";

export interface ChainCheckpoint {
  /** Number of entries (u64). */
  size: bigint;
  /** ZERO_HASH for size 0, else H("waict-ch" || last node). */
  digest: Uint8Array;
  /**
   * time_created of the last entry, when the verifier knows it (e.g. from a trusted head). If
   * present, entries replayed on top of this checkpoint must not be older.
   */
  lastTime?: bigint;
}

const ZERO = new Uint8Array(HASH_SIZE);

/** The checkpoint of the empty chain. */
export function emptyCheckpoint(): ChainCheckpoint {
  return { size: 0n, digest: new Uint8Array(HASH_SIZE) };
}

/** The checkpoint of the chain whose head node is `head` (size = position + 1). */
export function checkpointOf(head: ChainNode, hash: Sha256 = sha256): ChainCheckpoint {
  const digest = nextChainHash(head, hash);
  if (head.entry.positionInChain === U64_MAX) throw new RangeError('"head" is at the last u64 position');
  return { size: head.entry.positionInChain + 1n, digest, lastTime: head.entry.timeCreated };
}

export function assertCheckpoint(c: ChainCheckpoint, name: string): void {
  if (typeof c !== "object" || c === null) throw new TypeError(`"${name}" must be a ChainCheckpoint`);
  assertU64(c.size, `${name}.size`);
  assertBytes(c.digest, `${name}.digest`, HASH_SIZE);
  if (c.lastTime !== undefined) assertU64(c.lastTime, `${name}.lastTime`);
}

/**
 * Replays `entries` as positions `start`, `start+1`, ... on top of a chain whose digest is
 * `digest` and whose last entry is no newer than `minTime`. Returns the new digest, or undefined
 * if an entry breaks a chain rule. The empty chain's digest must be zero (first-node rule).
 */
export function replayEntries(
  digest: Uint8Array,
  start: bigint,
  minTime: bigint,
  entries: readonly Entry[],
  hash: Sha256,
): Uint8Array | undefined {
  if (start === 0n && !bytesEqual(digest, ZERO)) return undefined;
  // One buffer for the whole replay: "waict-ch" is written once, then each step overwrites the
  // entry and the running chain hash and hashes the 120 bytes in place.
  const buf = new Uint8Array(TAG_SIZE + CHAIN_NODE_SIZE);
  buf.set(Tag.ChainHash, 0);
  let h = digest;
  let pos = start;
  let time = minTime;
  for (const e of entries) {
    assertEntry(e, "entry");
    if (e.positionInChain !== pos || e.timeCreated < time) return undefined;
    writeEntry(buf, TAG_SIZE, e);
    buf.set(h, TAG_SIZE + ENTRY_SIZE);
    h = checkDigest(hash(buf));
    pos += 1n;
    time = e.timeCreated;
  }
  return h;
}

/**
 * Verifies that `entries` are the whole chain committed to by `head` (e.g. all entries tiles of a
 * site, as a monitor fetches them): replays from the empty chain and compares digests.
 */
export function verifyEntries(
  head: ChainCheckpoint,
  entries: readonly Entry[],
  hash: Sha256 = sha256,
): boolean {
  assertCheckpoint(head, "head");
  if (BigInt(entries.length) !== head.size) return false;
  const d = replayEntries(ZERO, 0n, 0n, entries, hash);
  return d !== undefined && bytesEqual(d, head.digest) && lastTimeMatches(head, entries);
}

/** A checkpoint's optional lastTime must equal the replayed head's time when both are known. */
export function lastTimeMatches(head: ChainCheckpoint, entries: readonly Entry[]): boolean {
  if (head.lastTime === undefined || entries.length === 0) return true;
  return entries[entries.length - 1]!.timeCreated === head.lastTime;
}
