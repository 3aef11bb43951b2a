/**
 * `PreloadList`: the Sealroom extension that makes WAICT hard to strip (the WAICT blog post,
 * "Signaling transparency" and "Cooldown"; the drafts dropped it). Clients ship the list of
 * enrolled sites; a site on it must present a transparency proof. The dev-ids list (same format,
 * another `kind`) names the sites that opted into code signing. Byte format, all integers
 * big-endian (TLS presentation language), documented in docs/preload-list.md:
 *
 *     struct {
 *       opaque magic[8] = "sr-preld";
 *       uint8  format = 1;
 *       uint8  kind;            // 1 = transparency (enrolled sites), 2 = dev-ids (code signing)
 *       uint64 version;         // position of this list's entry in its preload chain: 0, 1, 2, ...
 *       uint64 tree_size;       // N: derived from the tree after batches [0, N)
 *       uint8  root[32];        // that tree's root
 *       uint64 expires;         // Unix seconds; the list does not apply at or after this time
 *       uint32 count;           // <= MAX_PRELOAD_DOMAINS
 *       PreloadEntry entries[count];   // domains strictly increasing bytewise (sorted, unique)
 *     } PreloadList;
 *     struct {
 *       uint8  domain<1..253>;  // normalised A-label (prefix-tree normalizeDomain), ASCII
 *       uint64 chain_size;      // >= 1: the site's chain size (head position + 1) in tree N
 *     } PreloadEntry;
 *
 * `chain_size` lets a client refuse a proof for a head older than the one already in the list's
 * tree (a replayed old manifest with its old, still-fresh proof). Decoding is strict: one encoding
 * per list, so the list hash names exactly one list.
 */

import { resourceHash, U64_MAX } from "@sealroom/hash-chain";
import { DOMAIN_MAX_LENGTH, isNormalizedDomain, normalizeDomain } from "@sealroom/prefix-tree";
import { PreloadListDecodeError } from "./errors.ts";

export const PRELOAD_LIST_MAGIC = "sr-preld";
export const PRELOAD_LIST_FORMAT = 1;
/** Which client rule a list drives. */
export const PreloadListKind = { transparency: 1, devIds: 2 } as const;
export type PreloadListKind = (typeof PreloadListKind)[keyof typeof PreloadListKind];
/** At most 2^22 domains (about 4 M; a list is shipped to every client). */
export const MAX_PRELOAD_DOMAINS = 2 ** 22;
/** At most 64 MiB of encoded list, checked before parsing. */
export const MAX_PRELOAD_LIST_BYTES = 64 * 1024 * 1024;
/** Bytes before the entries. */
export const PRELOAD_LIST_HEADER_BYTES = 8 + 1 + 1 + 8 + 8 + 32 + 8 + 4;
const MIN_ENTRY = 1 + 1 + 8;

export interface PreloadEntry {
  domain: string;
  chainSize: bigint;
}

export interface PreloadList {
  kind: PreloadListKind;
  version: bigint;
  treeSize: bigint;
  root: Uint8Array;
  expires: bigint;
  /** Sorted by domain, unique. */
  entries: PreloadEntry[];
}

const MAGIC = Uint8Array.from(PRELOAD_LIST_MAGIC, (c) => c.charCodeAt(0));
const latin1 = new TextDecoder("latin1");

/**
 * prefix-tree's `isNormalizedDomain` on bytes, without building a string first (a list holds up
 * to millions): [a-z0-9-] labels of 1..63 bytes, not starting or ending with '-', joined by '.',
 * at most DOMAIN_MAX_LENGTH bytes. The test suite cross-checks it against `isNormalizedDomain`.
 */
export function isNormalizedDomainBytes(b: Uint8Array, start: number, len: number): boolean {
  if (len < 1 || len > DOMAIN_MAX_LENGTH) return false;
  let labelStart = start;
  const end = start + len;
  for (let i = start; i <= end; i++) {
    const c = i < end ? b[i]! : 0x2e;
    if (c === 0x2e) {
      const l = i - labelStart;
      if (l === 0 || l > 63 || b[labelStart] === 0x2d || b[i - 1] === 0x2d) return false;
      labelStart = i + 1;
    } else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return true;
}

function assertU64(v: bigint, name: string): void {
  if (typeof v !== "bigint") throw new TypeError(`"${name}" must be a bigint`);
  if (v < 0n || v > U64_MAX) throw new RangeError(`"${name}" must be a u64`);
}

function isKind(k: number): k is PreloadListKind {
  return k === PreloadListKind.transparency || k === PreloadListKind.devIds;
}

/** Encodes a list; throws `TypeError`/`RangeError` naming the field for anything the decoder would reject. */
export function encodePreloadList(l: PreloadList): Uint8Array {
  if (typeof l !== "object" || l === null) throw new TypeError('"list" must be a PreloadList');
  if (!isKind(l.kind)) throw new RangeError('"list.kind" must be a PreloadListKind');
  assertU64(l.version, "list.version");
  assertU64(l.treeSize, "list.treeSize");
  assertU64(l.expires, "list.expires");
  if (!(l.root instanceof Uint8Array) || l.root.length !== 32)
    throw new TypeError('"list.root" must be 32 bytes');
  if (!Array.isArray(l.entries)) throw new TypeError('"list.entries" must be an array');
  if (l.entries.length > MAX_PRELOAD_DOMAINS)
    throw new RangeError(`"list.entries" holds more than ${MAX_PRELOAD_DOMAINS} domains`);
  let size = PRELOAD_LIST_HEADER_BYTES;
  for (let i = 0; i < l.entries.length; i++) {
    const e = l.entries[i]!; // a hole or null: TypeError on reading its domain
    if (typeof e.domain !== "string" || !isNormalizedDomain(e.domain))
      throw new RangeError(`"list.entries"[${i}].domain is not a normalised domain`);
    if (i > 0 && !(l.entries[i - 1]!.domain < e.domain))
      throw new RangeError(`"list.entries" must be sorted by domain and unique (at ${i})`);
    assertU64(e.chainSize, `list.entries[${i}].chainSize`);
    if (e.chainSize < 1n) throw new RangeError(`"list.entries"[${i}].chainSize must be >= 1`);
    size += 1 + e.domain.length + 8;
  }
  if (size > MAX_PRELOAD_LIST_BYTES) throw new RangeError(`list larger than ${MAX_PRELOAD_LIST_BYTES} bytes`);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[8] = PRELOAD_LIST_FORMAT;
  out[9] = l.kind;
  dv.setBigUint64(10, l.version);
  dv.setBigUint64(18, l.treeSize);
  out.set(l.root, 26);
  dv.setBigUint64(58, l.expires);
  dv.setUint32(66, l.entries.length);
  let o = PRELOAD_LIST_HEADER_BYTES;
  for (const e of l.entries) {
    out[o++] = e.domain.length;
    for (let i = 0; i < e.domain.length; i++) out[o++] = e.domain.charCodeAt(i);
    dv.setBigUint64(o, e.chainSize);
    o += 8;
  }
  return out;
}

/** Decodes exactly one list; throws `PreloadListDecodeError` (reason `invalid_preload_list`). */
export function decodePreloadList(b: Uint8Array): PreloadList {
  if (!(b instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  const err = (code: string, message: string, offset: number) =>
    new PreloadListDecodeError(code, message, offset);
  if (b.length > MAX_PRELOAD_LIST_BYTES)
    throw err("too_large", "preload list too large", MAX_PRELOAD_LIST_BYTES);
  if (b.length < PRELOAD_LIST_HEADER_BYTES) throw err("truncated", "preload list header truncated", b.length);
  for (let i = 0; i < 8; i++)
    if (b[i] !== MAGIC[i]) throw err("bad_magic", 'not a preload list ("sr-preld")', i);
  if (b[8] !== PRELOAD_LIST_FORMAT) throw err("bad_format", `unknown preload list format ${b[8]}`, 8);
  const kind = b[9]!;
  if (!isKind(kind)) throw err("bad_kind", `unknown preload list kind ${kind}`, 9);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = dv.getUint32(66);
  // Bound the count by the bytes present before allocating anything for it.
  if (count > MAX_PRELOAD_DOMAINS)
    throw err("too_many", `${count} domains exceed ${MAX_PRELOAD_DOMAINS}`, 66);
  if (count * MIN_ENTRY > b.length - PRELOAD_LIST_HEADER_BYTES)
    throw err("truncated", `${count} domains cannot fit in ${b.length} bytes`, b.length);
  const entries: PreloadEntry[] = new Array(count);
  let o = PRELOAD_LIST_HEADER_BYTES;
  let prev = ""; // below every domain (domains are non-empty)
  for (let i = 0; i < count; i++) {
    if (o + 1 > b.length) throw err("truncated", `entry ${i} truncated`, b.length);
    const len = b[o]!;
    if (len < 1 || len > DOMAIN_MAX_LENGTH) throw err("bad_domain", `entry ${i}: domain length ${len}`, o);
    if (o + 1 + len + 8 > b.length) throw err("truncated", `entry ${i} truncated`, b.length);
    if (!isNormalizedDomainBytes(b, o + 1, len))
      throw err("bad_domain", `entry ${i}: not a normalised domain`, o);
    const domain = latin1.decode(b.subarray(o + 1, o + 1 + len));
    if (!(prev < domain)) throw err("unsorted", `entry ${i}: domains must be sorted and unique`, o);
    const chainSize = dv.getBigUint64(o + 1 + len);
    if (chainSize < 1n) throw err("bad_chain_size", `entry ${i}: chain_size 0`, o + 1 + len);
    entries[i] = { domain, chainSize };
    prev = domain;
    o += 1 + len + 8;
  }
  if (o !== b.length) throw err("trailing", "bytes after the preload list", o);
  return {
    kind,
    version: dv.getBigUint64(10),
    treeSize: dv.getBigUint64(18),
    root: b.slice(26, 58),
    expires: dv.getBigUint64(58),
    entries,
  };
}

/**
 * The list's hash as logged: the `resource_hash` of its preload chain entry,
 * H("waict-rh" || list bytes) (waict-apis.md "Hash Computations"): the list is the resource.
 */
export function preloadListHash(bytes: Uint8Array): Uint8Array {
  return resourceHash(bytes);
}

/** The entry for `domain` (normalised first) by binary search, or undefined. */
export function findPreloadEntry(list: PreloadList, domain: string): PreloadEntry | undefined {
  let d: string;
  try {
    d = normalizeDomain(domain);
  } catch {
    return undefined;
  }
  let lo = 0;
  let hi = list.entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = list.entries[mid]!.domain;
    if (m === d) return list.entries[mid];
    if (m < d) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The domain of the hash chain that logs a service's lists of `kind` (Sealroom's choice, fixed by
 * the client, never by a response): `preload.<service host>` and `dev-ids.preload.<service host>`,
 * where the service host is the note's `<tdomain>` without a `:port`. The service controls its
 * own subdomains, so no site can enrol these names. Throws `DomainError` for a bad name.
 */
export function preloadChainDomain(service: string, kind: PreloadListKind): string {
  const host = service.replace(/:\d+$/, "");
  return normalizeDomain(kind === PreloadListKind.devIds ? `dev-ids.preload.${host}` : `preload.${host}`);
}

/**
 * A list from unsorted input (what a service derives): domains normalised, sorted bytewise; a
 * domain given twice is a `RangeError` (two chain sizes for one site would be ambiguous).
 */
export function makePreloadList(
  input: Omit<PreloadList, "entries"> & { entries: Iterable<PreloadEntry> },
): PreloadList {
  const entries = [...input.entries].map((e) => ({
    domain: normalizeDomain(e.domain),
    chainSize: e.chainSize,
  }));
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.domain)) throw new RangeError(`"entries" names ${e.domain} twice`);
    seen.add(e.domain);
  }
  // Domains are distinct now, so "not less" means "greater".
  entries.sort((a, b) => (a.domain < b.domain ? -1 : 1));
  return { ...input, root: input.root.slice(), entries };
}
