/**
 * Byte helpers shared by the SFrame code (RFC 9605 §4.5.1 constant-time tag comparison, WebCrypto buffers).
 * Kept tiny and allocation-aware because they run once per media frame.
 */

/** 2^64 - 1: KID and CTR are u64 (RFC 9605 §4.3). */
export const U64_MAX = (1n << 64n) - 1n;

/** Constant-time equality for tags (RFC 9605 §4.5.1 `constant_time_equal`). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
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
