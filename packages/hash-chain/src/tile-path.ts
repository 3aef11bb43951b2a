/**
 * Tile index paths (C2SP tlog-tiles "Merkle Tree", reused by waict-apis.md "Get Entries Tile"):
 * an index is written as zero-padded 3-digit path elements, every element but the last prefixed
 * with `x`, e.g. 1234067 -> `x001/x234/067`, 5 -> `005`. A partial tile adds `.p/<W>` with W in
 * 1..255, decimal, no leading zeros.
 *
 * The WAICT endpoints that use this encoding:
 *   /entries-tile/<domain>/<N>[.p/<W>]   N in [0, 2^24)
 *   /chain-hash/<domain>/<N>             N in [0, 2^32)
 *   /tree-event-batch/<N>                N in [0, 2^64)
 *
 * Parsing is strict (only the one canonical spelling is accepted, so a cache or a file system
 * never holds one tile under two names): no `x000` leading element, exactly 3 digits per element.
 */
import { DecodeError, HashChainErrorCode } from "./errors.ts";

/** Bounds of the index `<N>` per endpoint (exclusive upper bounds). */
export const ENTRIES_TILE_INDEX_LIMIT = 1n << 24n;
export const CHAIN_HASH_INDEX_LIMIT = 1n << 32n;
export const TREE_EVENT_BATCH_INDEX_LIMIT = 1n << 64n;

/** Entries per full tile. */
export const TILE_WIDTH = 256;

function toIndex(n: bigint | number, name: string): bigint {
  if (typeof n === "number") {
    if (!Number.isSafeInteger(n)) throw new RangeError(`"${name}" must be a safe integer`);
    return BigInt(n);
  }
  if (typeof n !== "bigint") throw new TypeError(`"${name}" must be a bigint or number`);
  return n;
}

/** `x001/x234/067` for 1234067. */
export function formatTileIndex(n: bigint | number, limit: bigint = TREE_EVENT_BATCH_INDEX_LIMIT): string {
  const v = toIndex(n, "index");
  if (v < 0n || v >= limit) throw new RangeError(`"index" must be in [0, ${limit}), got ${v}`);
  const parts: string[] = [];
  let rest = v;
  do {
    parts.push((rest % 1000n).toString().padStart(3, "0"));
    rest /= 1000n;
  } while (rest > 0n);
  parts.reverse();
  return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join("/");
}

/** Inverse of `formatTileIndex`; throws `DecodeError` (offset = character index) on any other spelling. */
export function parseTileIndex(s: string, limit: bigint = TREE_EVENT_BATCH_INDEX_LIMIT): bigint {
  if (typeof s !== "string") throw new TypeError('"path" must be a string');
  const parts = s.split("/");
  let v = 0n;
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const last = i === parts.length - 1;
    const digits = last ? p : p.slice(1);
    if ((!last && p[0] !== "x") || !/^[0-9]{3}$/.test(digits)) {
      throw new DecodeError(HashChainErrorCode.InvalidValue, at, `bad tile index element "${p}"`);
    }
    if (i === 0 && !last && digits === "000") {
      throw new DecodeError(HashChainErrorCode.NonCanonical, at, "leading x000 element");
    }
    v = v * 1000n + BigInt(digits);
    if (v >= limit) throw new DecodeError(HashChainErrorCode.Oversized, at, `tile index beyond ${limit}`);
    at += p.length + 1;
  }
  return v;
}

const DOMAIN = /^[A-Za-z0-9.-]{1,255}$/;

function checkDomain(domain: string): void {
  // The draft rejects enrolment of domains outside [a-zA-Z0-9.-] (waict-apis.md "Enrollment");
  // a path segment with anything else could escape the endpoint.
  if (typeof domain !== "string" || !DOMAIN.test(domain)) {
    throw new RangeError(
      `"domain" must be 1..255 characters of [A-Za-z0-9.-], got ${JSON.stringify(domain)}`,
    );
  }
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`"width" must be an integer in 1..${TILE_WIDTH}, got ${width}`);
  }
}

/** `/entries-tile/<domain>/<N>` for a full tile (width 256), `.../<N>.p/<W>` for a partial one. */
export function entriesTilePath(domain: string, index: bigint | number, width: number = TILE_WIDTH): string {
  checkDomain(domain);
  checkWidth(width);
  const n = formatTileIndex(index, ENTRIES_TILE_INDEX_LIMIT);
  return `/entries-tile/${domain}/${n}${width === TILE_WIDTH ? "" : `.p/${width}`}`;
}

export interface EntriesTileRef {
  domain: string;
  index: bigint;
  /** 256 for a full tile, 1..255 for a partial tile. */
  width: number;
}

/** Parses `/entries-tile/<domain>/<N>[.p/<W>]` strictly. */
export function parseEntriesTilePath(path: string): EntriesTileRef {
  if (typeof path !== "string") throw new TypeError('"path" must be a string');
  const prefix = "/entries-tile/";
  if (!path.startsWith(prefix))
    throw new DecodeError(HashChainErrorCode.InvalidValue, 0, "not an entries-tile path");
  const slash = path.indexOf("/", prefix.length);
  if (slash < 0) throw new DecodeError(HashChainErrorCode.Truncated, path.length, "missing tile index");
  const domain = path.slice(prefix.length, slash);
  if (!DOMAIN.test(domain))
    throw new DecodeError(HashChainErrorCode.InvalidValue, prefix.length, "bad domain");
  let rest = path.slice(slash + 1);
  let width = TILE_WIDTH;
  const p = rest.indexOf(".p/");
  if (p >= 0) {
    const w = rest.slice(p + 3);
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) {
      throw new DecodeError(HashChainErrorCode.InvalidValue, slash + 1 + p + 3, `bad partial width "${w}"`);
    }
    width = Number(w);
    rest = rest.slice(0, p);
  }
  let index: bigint;
  try {
    index = parseTileIndex(rest, ENTRIES_TILE_INDEX_LIMIT);
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new DecodeError(e.code, slash + 1 + e.offset, "bad entries-tile index");
    }
    throw e;
  }
  return { domain, index, width };
}

/** `/chain-hash/<domain>/<N>`: the chain hash after entry N (the digest at size N + 1). */
export function chainHashPath(domain: string, n: bigint | number): string {
  checkDomain(domain);
  return `/chain-hash/${domain}/${formatTileIndex(n, CHAIN_HASH_INDEX_LIMIT)}`;
}
