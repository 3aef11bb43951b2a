/**
 * Byte helpers shared by the SFrame code (RFC 9605 §4: "encode_big_endian", concatenation, XOR).
 * Kept tiny and allocation-aware because they run once per media frame.
 */

/** 2^64 - 1: KID and CTR are u64 (RFC 9605 §4.3). */
export const U64_MAX = (1n << 64n) - 1n;

/** `encode_big_endian(x, n)` of RFC 9605 §4.4.3, for 0 <= x < 2^(8n). */
export function encodeBigEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`"value" ${value} does not fit in ${length} bytes`);
  return out;
}

/** Concatenate byte strings (the "+" of RFC 9605's pseudocode). */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Constant-time equality for tags (RFC 9605 §4.5.1 `constant_time_equal`). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Checks the argument is a Uint8Array, naming it in the TypeError otherwise. */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" must be a Uint8Array`);
}

/**
 * A Uint8Array whose buffer is a plain ArrayBuffer, as WebCrypto's `BufferSource` typing wants. Views on
 * a SharedArrayBuffer are copied; others are returned as is (no copy on the hot path).
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.buffer instanceof ArrayBuffer) return bytes as Uint8Array<ArrayBuffer>;
  return new Uint8Array(bytes);
}

/**
 * Per-frame variant of `bufferSource`: a type assertion only. Media frames are `ArrayBuffer`-backed
 * (RTCEncodedFrame.data); a SharedArrayBuffer view would make WebCrypto reject the call, which the
 * cryptor counts as a drop. Reading `.buffer` on every call costs more than it protects here.
 */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}
