/**
 * Asset host sets and their hash (waict-apis.md "The Transparency Service" and "Hash
 * Computations"):
 *
 *     struct { opaque url<1..511>; } AssetHost;
 *     AssetHost hosts<1..2^13-1>;
 *     asset_hosts_hash = SHA-256("waict-ah" || serialization of hosts sorted by url, ascending)
 *
 * TLS vectors (RFC 8446 §3.4) carry a length prefix just wide enough for their maximum *byte*
 * length: 2 bytes for `url<1..511>` and 2 bytes for the outer `<1..2^13-1>`, whose bound counts
 * bytes of serialized AssetHosts (each 2 + url length), not hosts.
 *
 * Choices where the draft is silent (README "Choices"): URLs are strings encoded as UTF-8 and
 * otherwise opaque (no URL parsing or normalization: the bytes the site sent are the bytes
 * hashed); sorting is bytewise on the url bytes, shorter prefix first; duplicates are rejected
 * rather than merged, because a set with a repeated host has two plausible canonical forms.
 */
import { assertBytes, compareBytes, readU16, writeU16 } from "./bytes.ts";
import { DecodeError, HashChainErrorCode } from "./errors.ts";
import { type Sha256, sha256, Tag, taggedHash } from "./hash.ts";

/** Bounds of `opaque url<1..511>`. */
export const ASSET_HOST_URL_MAX = 511;
/** Upper bound of the byte length of `AssetHost<1..2^13-1>`. */
export const ASSET_HOSTS_MAX_BYTES = 2 ** 13 - 1;

const utf8 = new TextEncoder();
// ignoreBOM: true keeps a leading U+FEFF in the decoded url (the default strips it, and the host would
// then re-encode to other bytes than the ones hashed and logged).
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function hostBytes(hosts: readonly string[]): Uint8Array[] {
  if (!Array.isArray(hosts)) throw new TypeError('"hosts" must be an array of strings');
  if (hosts.length === 0) throw new RangeError('"hosts" must name at least one asset host');
  const out: Uint8Array[] = [];
  for (let i = 0; i < hosts.length; i++) {
    const h: unknown = hosts[i];
    if (typeof h !== "string") throw new TypeError(`"hosts[${i}]" must be a string`);
    const b = utf8.encode(h);
    if (b.length < 1 || b.length > ASSET_HOST_URL_MAX) {
      throw new RangeError(`"hosts[${i}]" must be 1..${ASSET_HOST_URL_MAX} bytes of UTF-8, got ${b.length}`);
    }
    out.push(b);
  }
  out.sort(compareBytes);
  for (let i = 1; i < out.length; i++) {
    if (compareBytes(out[i - 1]!, out[i]!) === 0) throw new RangeError('"hosts" contains a duplicate URL');
  }
  return out;
}

/**
 * The canonical serialization of a host set: `AssetHost<1..2^13-1>` sorted bytewise, with its
 * 2-byte length prefix. This is also the `changed` body of a `TreeEvent`'s `NewAssetHosts`.
 * Throws `RangeError` on an empty set, an empty or > 511-byte URL, duplicates, or > 8191 bytes.
 */
export function encodeAssetHosts(hosts: readonly string[]): Uint8Array {
  const sorted = hostBytes(hosts);
  let body = 0;
  for (const b of sorted) body += 2 + b.length;
  if (body > ASSET_HOSTS_MAX_BYTES) {
    throw new RangeError(`"hosts" serialize to ${body} bytes, more than ${ASSET_HOSTS_MAX_BYTES}`);
  }
  const out = new Uint8Array(2 + body);
  writeU16(out, 0, body);
  let o = 2;
  for (const b of sorted) {
    writeU16(out, o, b.length);
    out.set(b, o + 2);
    o += 2 + b.length;
  }
  return out;
}

/**
 * Reads one canonical `AssetHost<1..2^13-1>` starting at `offset` (for decoders of enclosing
 * structures such as `TreeEvent`). Returns the hosts and the offset just past the vector.
 * Rejects unsorted or repeated hosts and URLs that are not UTF-8 as non-canonical.
 */
export function readAssetHosts(b: Uint8Array, offset: number): { hosts: string[]; end: number } {
  assertBytes(b, "bytes");
  if (offset + 2 > b.length)
    throw new DecodeError(HashChainErrorCode.Truncated, b.length, "AssetHost vector length");
  const len = readU16(b, offset);
  if (len === 0) throw new DecodeError(HashChainErrorCode.InvalidValue, offset, "empty AssetHost vector");
  if (len > ASSET_HOSTS_MAX_BYTES) {
    throw new DecodeError(HashChainErrorCode.Oversized, offset, `AssetHost vector of ${len} bytes`);
  }
  const end = offset + 2 + len;
  if (end > b.length) throw new DecodeError(HashChainErrorCode.Truncated, b.length, "AssetHost vector body");
  const hosts: string[] = [];
  let prev: Uint8Array | undefined;
  let o = offset + 2;
  while (o < end) {
    if (o + 2 > end) throw new DecodeError(HashChainErrorCode.Truncated, o, "AssetHost url length");
    const n = readU16(b, o);
    if (n === 0) throw new DecodeError(HashChainErrorCode.InvalidValue, o, "empty AssetHost url");
    if (n > ASSET_HOST_URL_MAX)
      throw new DecodeError(HashChainErrorCode.Oversized, o, `AssetHost url of ${n} bytes`);
    if (o + 2 + n > end) throw new DecodeError(HashChainErrorCode.Truncated, o + 2, "AssetHost url");
    const url = b.subarray(o + 2, o + 2 + n);
    if (prev !== undefined && compareBytes(prev, url) >= 0) {
      throw new DecodeError(HashChainErrorCode.NonCanonical, o, "AssetHosts not strictly sorted");
    }
    let s: string;
    try {
      s = utf8Strict.decode(url);
    } catch {
      throw new DecodeError(HashChainErrorCode.InvalidValue, o + 2, "AssetHost url is not UTF-8");
    }
    hosts.push(s);
    prev = url;
    o += 2 + n;
  }
  return { hosts, end };
}

/** Decodes a whole buffer holding exactly one canonical `AssetHost<1..2^13-1>`. */
export function decodeAssetHosts(b: Uint8Array): string[] {
  const { hosts, end } = readAssetHosts(b, 0);
  if (end !== b.length)
    throw new DecodeError(HashChainErrorCode.Trailing, end, "bytes after AssetHost vector");
  return hosts;
}

/** asset_hosts_hash = H("waict-ah" || encodeAssetHosts(hosts)). */
export function assetHostsHash(hosts: readonly string[], hash: Sha256 = sha256): Uint8Array {
  return taggedHash(Tag.AssetHostsHash, encodeAssetHosts(hosts), hash);
}
