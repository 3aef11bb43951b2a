/**
 * Entries tiles (waict-apis.md "Get Entries Tile"): up to 256 concatenated 80-byte `Entry`s of
 * one site, consecutive by position_in_chain, tile N starting at position N * 256. A full tile is
 * 256 entries (20,480 bytes); the last tile of a chain whose size is not a multiple of 256 is
 * partial, of width W = size mod 256, served at `<N>.p/<W>` (C2SP tlog-tiles "Partial Tiles").
 *
 * Tiles carry no chain hashes: a monitor verifies them by replaying all entries from the empty
 * chain to the digest it trusts (`verifyEntries`), or from a `/chain-hash` value onwards
 * (`verifyChainConsistency` with that value as the older checkpoint).
 */
import { assertBytes, U64_MAX } from "./bytes.ts";
import { assertEntry, ENTRY_SIZE, type Entry, readEntry, writeEntry } from "./entry.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { ENTRIES_TILE_INDEX_LIMIT, TILE_WIDTH } from "./tile-path.ts";

/** Byte size of a full entries tile. */
export const FULL_TILE_SIZE = TILE_WIDTH * ENTRY_SIZE;

export interface TileSpec {
  index: bigint;
  /** 256 for a full tile, 1..255 for the partial last tile. */
  width: number;
}

function checkIndex(index: bigint): void {
  if (typeof index !== "bigint") throw new TypeError('"index" must be a bigint');
  if (index < 0n || index >= ENTRIES_TILE_INDEX_LIMIT) {
    throw new RangeError(`"index" must be in [0, 2^24), got ${index}`);
  }
}

/**
 * Encodes a tile from its entries; they must be 1..256 entries at consecutive positions starting
 * at a multiple of 256 (so the tile index is implied).
 */
export function encodeEntriesTile(entries: readonly Entry[]): Uint8Array {
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new RangeError(`"entries" must hold 1..${TILE_WIDTH} entries`);
  }
  const first = entries[0]!;
  assertEntry(first, "entries[0]");
  if (first.positionInChain % BigInt(TILE_WIDTH) !== 0n) {
    throw new RangeError('"entries[0]" must start a tile (position a multiple of 256)');
  }
  checkIndex(first.positionInChain / BigInt(TILE_WIDTH));
  const out = new Uint8Array(entries.length * ENTRY_SIZE);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    assertEntry(e, `entries[${i}]`);
    if (e.positionInChain !== first.positionInChain + BigInt(i)) {
      throw new RangeError(`"entries[${i}]" is not at position ${first.positionInChain + BigInt(i)}`);
    }
    writeEntry(out, i * ENTRY_SIZE, e);
  }
  return out;
}

/**
 * Decodes tile `index` of the given width (256 = full). The length must be exactly width * 80 and
 * the positions must be index*256, index*256+1, ..., as the endpoint promises.
 */
export function decodeEntriesTile(b: Uint8Array, index: bigint, width: number = TILE_WIDTH): Entry[] {
  assertBytes(b, "bytes");
  checkIndex(index);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`"width" must be an integer in 1..${TILE_WIDTH}`);
  }
  const expected = width * ENTRY_SIZE;
  if (b.length < expected)
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, `tile of width ${width}`);
  if (b.length > expected) throw new DecodeError(HashChainErrorCode.Trailing, expected, "bytes after tile");
  const start = index * BigInt(TILE_WIDTH);
  const out: Entry[] = new Array(width);
  for (let i = 0; i < width; i++) {
    const e = readEntry(b, i * ENTRY_SIZE);
    if (e.positionInChain !== start + BigInt(i)) {
      throw new DecodeError(
        HashChainErrorCode.InvalidValue,
        i * ENTRY_SIZE,
        `entry not at position ${start + BigInt(i)}`,
      );
    }
    out[i] = e;
  }
  return out;
}

/** The tile holding position `position`. */
export function tileIndexOf(position: bigint): bigint {
  if (typeof position !== "bigint" || position < 0n || position > U64_MAX) {
    throw new RangeError('"position" must be a u64 bigint');
  }
  return position / BigInt(TILE_WIDTH);
}

/** The tiles (full, then at most one partial) that together hold a chain of `size` entries. */
export function tilesForSize(size: bigint): TileSpec[] {
  if (typeof size !== "bigint" || size < 0n || size > ENTRIES_TILE_INDEX_LIMIT * BigInt(TILE_WIDTH)) {
    throw new RangeError('"size" must be a bigint in [0, 2^32]');
  }
  const full = size / BigInt(TILE_WIDTH);
  const rest = Number(size % BigInt(TILE_WIDTH));
  const out: TileSpec[] = [];
  for (let i = 0n; i < full; i++) out.push({ index: i, width: TILE_WIDTH });
  if (rest > 0) out.push({ index: full, width: rest });
  return out;
}
