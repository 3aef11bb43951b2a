/**
 * `TreeEvent` and `TreeEventBatch` (waict-apis.md "The Transparency Service", "Get Tree Event
 * Batch"), TLS presentation language, big-endian:
 *
 *     struct { opaque url<1..511>; } AssetHost;
 *     enum { changed(0), unchanged(1) } NewAssetHostsTag;
 *     struct {
 *       NewAssetHostsTag type;                       // u8
 *       select (type) {
 *         case changed: AssetHost<1..2^13-1>;        // u16 byte length, then u16-prefixed urls
 *         case unchanged: opaque[0];
 *       };
 *     } NewAssetHosts;
 *     struct {
 *       opaque domain<1..255>;                       // u8 length
 *       NewAssetHosts asset_hosts;
 *       opaque new_resource_hash[32];
 *       uint64 timestamp;
 *     } TreeEvent;
 *     struct {
 *       uint16 num_events;
 *       TreeEvent events<1..2^24-1>;                 // u24 byte length
 *     } TreeEventBatch;
 *
 * The decoder checks both counts (num_events against the events parsed, the u24 length against
 * the bytes present), every vector bound, and that asset hosts are sorted ascending bytewise as
 * the draft requires of the service ("sorted ascending lexicographically as bytestrings"); like
 * @sealroom/hash-chain, a repeated host is rejected (a set has one canonical form). Domain
 * bytes are carried as a Latin-1 string (lossless); whether a domain is well formed is checked on
 * replay (`applyBatch`), which the draft makes the place to reject events.
 */
import { encodeAssetHosts, readAssetHosts, U64_MAX } from "@sealroom/hash-chain";
import {
  assertBytes,
  readU16,
  readU24,
  readU64,
  writeU16,
  writeU24,
  writeU64,
} from "@sealroom/hash-chain/bytes";
import { DecodeError as HashChainDecodeError } from "@sealroom/hash-chain/errors";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";

export const NewAssetHostsTag = { Changed: 0, Unchanged: 1 } as const;
export type NewAssetHostsTag = (typeof NewAssetHostsTag)[keyof typeof NewAssetHostsTag];

export const BATCH_MAX_EVENTS = 0xffff;
export const BATCH_MAX_BYTES = 2 ** 24 - 1;

export interface TreeEvent {
  /** The domain bytes as a Latin-1 string (normally a lowercase A-label name). */
  domain: string;
  /** The new asset hosts (`changed`), or null for `unchanged`. */
  assetHosts: readonly string[] | null;
  newResourceHash: Uint8Array;
  /** Seconds since the epoch (u64). */
  timestamp: bigint;
}

export interface TreeEventBatch {
  events: TreeEvent[];
}

function encodeEventParts(e: TreeEvent, name: string): Uint8Array[] {
  if (typeof e !== "object" || e === null) throw new TypeError(`"${name}" must be a TreeEvent`);
  if (typeof e.domain !== "string" || e.domain.length < 1 || e.domain.length > 255) {
    throw new RangeError(`"${name}.domain" must be 1..255 characters`);
  }
  const d = new Uint8Array(1 + e.domain.length);
  d[0] = e.domain.length;
  for (let i = 0; i < e.domain.length; i++) {
    const c = e.domain.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`"${name}.domain" must be bytes (Latin-1)`);
    d[1 + i] = c;
  }
  const parts = [d];
  if (e.assetHosts === null) parts.push(Uint8Array.of(NewAssetHostsTag.Unchanged));
  else {
    if (!Array.isArray(e.assetHosts) || e.assetHosts.length === 0) {
      throw new RangeError(`"${name}.assetHosts" must be null or a non-empty array`);
    }
    let body: Uint8Array;
    try {
      body = encodeAssetHosts(e.assetHosts);
    } catch (err) {
      throw new RangeError(`"${name}.assetHosts": ${(err as Error).message}`);
    }
    const h = new Uint8Array(1 + body.length);
    h[0] = NewAssetHostsTag.Changed;
    h.set(body, 1);
    parts.push(h);
  }
  assertBytes(e.newResourceHash, `${name}.newResourceHash`, 32);
  if (typeof e.timestamp !== "bigint" || e.timestamp < 0n || e.timestamp > U64_MAX) {
    throw new RangeError(`"${name}.timestamp" must be a u64 bigint`);
  }
  const tail = new Uint8Array(40);
  tail.set(e.newResourceHash, 0);
  writeU64(tail, 32, e.timestamp);
  parts.push(tail);
  return parts;
}

function concat(parts: Uint8Array[], extra = 0): { out: Uint8Array; at: number } {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(extra + n);
  let o = extra;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { out, at: extra };
}

/** Encodes one `TreeEvent` (asset hosts are sorted as the draft requires). */
export function encodeTreeEvent(e: TreeEvent): Uint8Array {
  return concat(encodeEventParts(e, "event")).out;
}

/** Encodes a `TreeEventBatch` of 1..65535 events. */
export function encodeTreeEventBatch(batch: TreeEventBatch): Uint8Array {
  if (typeof batch !== "object" || batch === null || !Array.isArray(batch.events)) {
    throw new TypeError('"batch" must be a TreeEventBatch');
  }
  const n = batch.events.length;
  if (n < 1 || n > BATCH_MAX_EVENTS)
    throw new RangeError(`"batch.events" must hold 1..${BATCH_MAX_EVENTS} events`);
  const parts = batch.events.flatMap((e, i) => encodeEventParts(e, `batch.events[${i}]`));
  const { out } = concat(parts, 5);
  const len = out.length - 5;
  if (len > BATCH_MAX_BYTES) throw new RangeError(`"batch" events exceed ${BATCH_MAX_BYTES} bytes`);
  writeU16(out, 0, n);
  writeU24(out, 2, len);
  return out;
}

function need(b: Uint8Array, o: number, n: number, end: number, what: string): void {
  if (o + n > end) throw new DecodeError(PrefixTreeErrorCode.Truncated, Math.min(b.length, end), what);
}

/** Reads one event from b[o..end); returns it and the offset after it. */
export function readTreeEvent(b: Uint8Array, o: number, end: number): { event: TreeEvent; end: number } {
  need(b, o, 1, end, "domain length");
  const dl = b[o] as number;
  if (dl === 0) throw new DecodeError(PrefixTreeErrorCode.Malformed, o, "empty domain");
  need(b, o + 1, dl, end, "domain");
  let domain = "";
  for (let i = 0; i < dl; i++) domain += String.fromCharCode(b[o + 1 + i] as number);
  o += 1 + dl;
  need(b, o, 1, end, "asset hosts tag");
  const tag = b[o] as number;
  o += 1;
  let assetHosts: string[] | null = null;
  if (tag === NewAssetHostsTag.Changed) {
    // The AssetHost vector is hash-chain's (same draft struct): its decoder, bounded by this
    // event's end, with its error passed through as ours (same offset; invalid-value -> malformed).
    try {
      const r = readAssetHosts(end === b.length ? b : b.subarray(0, end), o);
      assetHosts = r.hosts;
      o = r.end;
    } catch (err) {
      if (err instanceof HashChainDecodeError) throw DecodeError.at(err, 0);
      throw err;
    }
  } else if (tag !== NewAssetHostsTag.Unchanged) {
    throw new DecodeError(PrefixTreeErrorCode.BadTag, o - 1, "unknown NewAssetHostsTag");
  }
  need(b, o, 40, end, "resource hash and timestamp");
  const newResourceHash = b.slice(o, o + 32);
  const timestamp = readU64(b, o + 32);
  return { event: { domain, assetHosts, newResourceHash, timestamp }, end: o + 40 };
}

/** Decodes exactly one `TreeEvent`. */
export function decodeTreeEvent(b: Uint8Array): TreeEvent {
  assertBytes(b, "bytes");
  const { event, end } = readTreeEvent(b, 0, b.length);
  if (end !== b.length) throw new DecodeError(PrefixTreeErrorCode.Trailing, end, "bytes after TreeEvent");
  return event;
}

/** Decodes a `TreeEventBatch`, checking num_events and the u24 byte length. */
export function decodeTreeEventBatch(b: Uint8Array): TreeEventBatch {
  assertBytes(b, "bytes");
  if (b.length < 5) throw new DecodeError(PrefixTreeErrorCode.Truncated, b.length, "batch header");
  const n = readU16(b, 0);
  const len = readU24(b, 2);
  if (len === 0) throw new DecodeError(PrefixTreeErrorCode.Malformed, 2, "events<1..2^24-1> is empty");
  if (5 + len > b.length)
    throw new DecodeError(PrefixTreeErrorCode.Truncated, b.length, "events shorter than their length");
  if (5 + len < b.length)
    throw new DecodeError(PrefixTreeErrorCode.Trailing, 5 + len, "bytes after TreeEventBatch");
  const events: TreeEvent[] = [];
  let o = 5;
  while (o < b.length) {
    if (events.length === n)
      throw new DecodeError(PrefixTreeErrorCode.CountMismatch, o, "more events than num_events");
    const r = readTreeEvent(b, o, b.length);
    events.push(r.event);
    o = r.end;
  }
  if (events.length !== n)
    throw new DecodeError(
      PrefixTreeErrorCode.CountMismatch,
      o,
      `num_events ${n} but ${events.length} events`,
    );
  return { events };
}
