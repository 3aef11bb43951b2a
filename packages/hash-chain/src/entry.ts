/**
 * `Entry`, one element of a site's chain (waict-apis.md "The Transparency Service"):
 *
 *     struct {
 *         uint64 position_in_chain;
 *         uint64 time_created;
 *         uint8 resource_hash[32];
 *         uint8 asset_hosts_hash[32];
 *     } Entry;                                   // 80 bytes, big-endian
 *
 * An entry whose resource hash is all zeros is a tombstone: the site unenrolled.
 */
import { assertBytes, assertU64, isAllZero, readU64, writeU64 } from "./bytes.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { HASH_SIZE } from "./hash.ts";

export interface Entry {
  /** 0 for the first entry of a chain, then +1 per append (u64). */
  positionInChain: bigint;
  /** Unix time in seconds when the service created the entry (u64). */
  timeCreated: bigint;
  /** H("waict-rh" || resource); all zeros marks a tombstone. */
  resourceHash: Uint8Array;
  /** H("waict-ah" || sorted AssetHost vector). */
  assetHostsHash: Uint8Array;
}

/** Encoded size of an `Entry`. */
export const ENTRY_SIZE = 80;

/** Checks the shape of an `Entry`, throwing `TypeError`/`RangeError` naming the bad field. */
export function assertEntry(e: Entry, name = "entry"): void {
  if (typeof e !== "object" || e === null) throw new TypeError(`"${name}" must be an Entry`);
  assertU64(e.positionInChain, `${name}.positionInChain`);
  assertU64(e.timeCreated, `${name}.timeCreated`);
  assertBytes(e.resourceHash, `${name}.resourceHash`, HASH_SIZE);
  assertBytes(e.assetHostsHash, `${name}.assetHostsHash`, HASH_SIZE);
}

/** Writes `e` at `offset` of `out` (which must have 80 bytes free there). */
export function writeEntry(out: Uint8Array, offset: number, e: Entry): void {
  writeU64(out, offset, e.positionInChain);
  writeU64(out, offset + 8, e.timeCreated);
  out.set(e.resourceHash, offset + 16);
  out.set(e.assetHostsHash, offset + 48);
}

/** Reads an entry at `offset`; the caller has checked that 80 bytes are present. Copies the hashes. */
export function readEntry(b: Uint8Array, offset: number): Entry {
  return {
    positionInChain: readU64(b, offset),
    timeCreated: readU64(b, offset + 8),
    resourceHash: b.slice(offset + 16, offset + 48),
    assetHostsHash: b.slice(offset + 48, offset + 80),
  };
}

export function encodeEntry(e: Entry): Uint8Array {
  assertEntry(e);
  const out = new Uint8Array(ENTRY_SIZE);
  writeEntry(out, 0, e);
  return out;
}

/** Decodes exactly one 80-byte `Entry`; any other length is a `DecodeError`. */
export function decodeEntry(b: Uint8Array): Entry {
  assertBytes(b, "bytes");
  if (b.length < ENTRY_SIZE) {
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, `Entry needs ${ENTRY_SIZE} bytes`);
  }
  if (b.length > ENTRY_SIZE) {
    throw new DecodeError(HashChainErrorCode.Trailing, ENTRY_SIZE, "bytes after Entry");
  }
  return readEntry(b, 0);
}

/** A tombstone entry (all-zero resource hash) records that the site unenrolled. */
export function isTombstone(e: Entry): boolean {
  assertBytes(e.resourceHash, "entry.resourceHash", HASH_SIZE);
  return isAllZero(e.resourceHash);
}

/** Field-by-field equality of two entries. */
export function entriesEqual(a: Entry, b: Entry): boolean {
  if (a.positionInChain !== b.positionInChain || a.timeCreated !== b.timeCreated) return false;
  for (let i = 0; i < HASH_SIZE; i++) {
    if (a.resourceHash[i] !== b.resourceHash[i] || a.assetHostsHash[i] !== b.assetHostsHash[i]) return false;
  }
  return true;
}
