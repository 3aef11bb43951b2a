/**
 * SFrame header, RFC 9605 §4.3.
 *
 *   config byte: X(1) K(3) Y(1) C(3), then KID bytes (if X), then CTR bytes (if Y).
 *
 * A value 0–7 rides in the config byte with its flag clear; otherwise the flag is set, the 3-bit field is
 * (length - 1) and the value follows big-endian in the minimum number of bytes. §4.3 says the value
 * "MUST be encoded with the minimum number of bytes", so the decoder rejects every other encoding
 * (an extended field carrying 0–7, or a leading zero byte): one (KID, CTR) pair has exactly one header,
 * which keeps the AAD — and therefore authentication — unambiguous.
 */
import { U64_MAX } from "./bytes.ts";
import { DecodeError } from "./errors.ts";

export interface SFrameHeader {
  readonly kid: bigint;
  readonly ctr: bigint;
}

/** Longest header: config byte + 8-byte KID + 8-byte CTR. */
export const MAX_HEADER_LENGTH = 17;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes needed for `value` (>= 1). Per-frame code: stays in Number arithmetic below 2^53. */
function byteLength(value: bigint): number {
  if (value <= SAFE) {
    let v = Number(value);
    let n = 1;
    while (v >= 256) {
      n++;
      v = Math.floor(v / 256);
    }
    return n;
  }
  let n = 1;
  let v = value >> 8n;
  while (v > 0n) {
    n++;
    v >>= 8n;
  }
  return n;
}

/** Writes `value` big-endian into `len` bytes at `at`. */
function writeValue(out: Uint8Array, at: number, value: bigint, len: number): void {
  if (value <= SAFE) {
    let v = Number(value);
    for (let i = at + len - 1; i >= at; i--) {
      out[i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  for (let i = len - 1; i >= 0; i--) out[at + len - 1 - i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

function checkU64(value: bigint, name: string): void {
  if (typeof value !== "bigint") throw new TypeError(`"${name}" must be a bigint`);
  if (value < 0n || value > U64_MAX) throw new RangeError(`"${name}" must be a u64, got ${value}`);
}

/** Length in bytes of the header that encodes (kid, ctr). */
export function headerLength(kid: bigint, ctr: bigint): number {
  return 1 + (kid < 8n ? 0 : byteLength(kid)) + (ctr < 8n ? 0 : byteLength(ctr));
}

/** Writes the header for (kid, ctr) into `out` at `offset`; returns the number of bytes written. */
export function writeSFrameHeader(out: Uint8Array, offset: number, kid: bigint, ctr: bigint): number {
  checkU64(kid, "kid");
  checkU64(ctr, "ctr");
  const kidLen = kid < 8n ? 0 : byteLength(kid);
  const ctrLen = ctr < 8n ? 0 : byteLength(ctr);
  if (out.length - offset < 1 + kidLen + ctrLen) throw new RangeError(`"out" is too short for the header`);
  const k = kidLen === 0 ? Number(kid) : 0x8 | (kidLen - 1);
  const c = ctrLen === 0 ? Number(ctr) : 0x8 | (ctrLen - 1);
  out[offset] = (k << 4) | c;
  writeValue(out, offset + 1, kid, kidLen);
  writeValue(out, offset + 1 + kidLen, ctr, ctrLen);
  return 1 + kidLen + ctrLen;
}

/** `encode_sframe_header(CTR, KID)` of RFC 9605 §4.4.3. */
export function encodeSFrameHeader(header: SFrameHeader): Uint8Array {
  const out = new Uint8Array(headerLength(header.kid, header.ctr));
  writeSFrameHeader(out, 0, header.kid, header.ctr);
  return out;
}

function readValue(bytes: Uint8Array, at: number, len: number, field: string): bigint {
  if (bytes.length - at < len)
    throw new DecodeError("truncated", bytes.length, `${field} needs ${len} bytes`);
  if (bytes[at] === 0 && len > 1)
    throw new DecodeError("non-minimal", at, `${field} has a leading zero byte`);
  let v: bigint;
  if (len <= 6) {
    let n = 0;
    for (let i = 0; i < len; i++) n = n * 256 + (bytes[at + i] as number);
    v = BigInt(n);
  } else {
    v = 0n;
    for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(bytes[at + i] as number);
  }
  if (v < 8n) throw new DecodeError("non-minimal", at, `${field} ${v} must ride in the config byte`);
  return v;
}

/**
 * Parses the header at `offset` of `bytes` (the ciphertext may follow). Returns the values and the
 * header's length; throws `DecodeError` (truncated, non-minimal) on anything §4.3 does not allow.
 */
export function readSFrameHeader(
  bytes: Uint8Array,
  offset = 0,
): { kid: bigint; ctr: bigint; length: number } {
  if (offset >= bytes.length) throw new DecodeError("truncated", offset, "missing SFrame config byte");
  const config = bytes[offset] as number;
  const x = (config & 0x80) !== 0;
  const k = (config >> 4) & 0x7;
  const y = (config & 0x08) !== 0;
  const c = config & 0x7;
  let at = offset + 1;
  let kid = BigInt(k);
  if (x) {
    kid = readValue(bytes, at, k + 1, "KID");
    at += k + 1;
  }
  let ctr = BigInt(c);
  if (y) {
    ctr = readValue(bytes, at, c + 1, "CTR");
    at += c + 1;
  }
  return { kid, ctr, length: at - offset };
}

/** Decodes a byte string that must be exactly one SFrame header (trailing bytes are rejected). */
export function decodeSFrameHeader(bytes: Uint8Array): SFrameHeader {
  const { kid, ctr, length } = readSFrameHeader(bytes, 0);
  if (length !== bytes.length) throw new DecodeError("trailing", length, "bytes after the SFrame header");
  return { kid, ctr };
}
