/**
 * `Entry entries<0..2^32-1>`: the TLS vector of 80-byte entries that both chain proofs carry
 * (README "Byte formats"). One encoder and one strict decoder, so inclusion and consistency proofs
 * cannot drift apart in how they bound, frame or reject the vector.
 */
import { readU32, U64_MAX, writeU32 } from "./bytes.ts";
import { assertEntry, ENTRY_SIZE, type Entry, readEntry, writeEntry } from "./entry.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";

/** Largest entry vector a u32 length prefix can carry, in entries. */
export const MAX_PROOF_ENTRIES = Math.floor(0xffffffff / ENTRY_SIZE);

/** Bytes of the vector: 4-byte length prefix plus the entries. */
export function entryVectorSize(entries: readonly Entry[], name: string): number {
  if (!Array.isArray(entries)) throw new TypeError(`"${name}" must be an array`);
  if (entries.length > MAX_PROOF_ENTRIES) throw new RangeError(`"${name}" is too long`);
  return 4 + entries.length * ENTRY_SIZE;
}

/** Writes the vector at `at` (the caller sized `out` with `entryVectorSize`). */
export function writeEntryVector(out: Uint8Array, at: number, entries: readonly Entry[], name: string): void {
  writeU32(out, at, entries.length * ENTRY_SIZE);
  let o = at + 4;
  for (const e of entries) {
    assertEntry(e, `${name}[]`);
    writeEntry(out, o, e);
    o += ENTRY_SIZE;
  }
}

/**
 * Reads the vector at `at`, which must end exactly at the end of `b` (a proof ends with it).
 * `firstPosition` is the chain position of the first entry: the vector may not run past u64.
 */
export function readEntryVector(b: Uint8Array, at: number, firstPosition: bigint, what: string): Entry[] {
  const len = readU32(b, at);
  if (len % ENTRY_SIZE !== 0) {
    throw new DecodeError(HashChainErrorCode.InvalidValue, at, `${what} length not a multiple of 80`);
  }
  // Cap before touching the body: the declared length must match what is actually there.
  const end = at + 4 + len;
  if (end > b.length) throw new DecodeError(HashChainErrorCode.Truncated, b.length, what);
  if (end < b.length) throw new DecodeError(HashChainErrorCode.Trailing, end, `bytes after ${what}`);
  const count = len / ENTRY_SIZE;
  if (BigInt(count) > U64_MAX - firstPosition) {
    throw new DecodeError(HashChainErrorCode.Oversized, 0, `${what} run past u64 positions`);
  }
  const entries: Entry[] = new Array(count);
  for (let i = 0; i < count; i++) entries[i] = readEntry(b, at + 4 + i * ENTRY_SIZE);
  return entries;
}
