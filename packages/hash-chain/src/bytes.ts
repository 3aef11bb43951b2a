/**
 * Byte helpers: big-endian integers as in the TLS presentation language (RFC 8446 §3.3), argument
 * checks and comparisons. Not in the package index; published as the subpath
 * `@sealroom/hash-chain/bytes` so the other `@sealroom` packages that already depend on hash-chain
 * (prefix-tree, manifest, committer) use these instead of copies. Callers check bounds first: the
 * readers do not.
 */

export const U64_MAX = (1n << 64n) - 1n;

/** Throws a `TypeError` naming `name` unless `value` is a `Uint8Array` (of `length`, if given). */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${name}" must be ${length} bytes, got ${value.length}`);
  }
}

/** Throws unless `value` is a bigint in [0, 2^64). */
export function assertU64(value: unknown, name: string): asserts value is bigint {
  if (typeof value !== "bigint") throw new TypeError(`"${name}" must be a bigint`);
  if (value < 0n || value > U64_MAX) throw new RangeError(`"${name}" must fit in u64, got ${value}`);
}

// One scratch DataView: its big-endian setBigUint64 is about twice as fast as splitting the bigint
// with shifts, and creating a DataView per call would cost more than either.
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

export function writeU64(out: Uint8Array, offset: number, value: bigint): void {
  scratchView.setBigUint64(0, value);
  for (let i = 0; i < 8; i++) out[offset + i] = scratch[i]!;
}

export function readU32(b: Uint8Array, offset: number): number {
  // `>>> 0` keeps the result unsigned; callers have checked that 4 bytes are present.
  return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
}

export function readU64(b: Uint8Array, offset: number): bigint {
  return (BigInt(readU32(b, offset)) << 32n) | BigInt(readU32(b, offset + 4));
}

export function writeU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

export function writeU16(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 8;
  out[offset + 1] = value & 0xff;
}

export function readU16(b: Uint8Array, offset: number): number {
  return (b[offset]! << 8) | b[offset + 1]!;
}

export function readU24(b: Uint8Array, offset: number): number {
  return (b[offset]! << 16) | (b[offset + 1]! << 8) | b[offset + 2]!;
}

export function writeU24(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 16) & 0xff;
  out[offset + 1] = (value >>> 8) & 0xff;
  out[offset + 2] = value & 0xff;
}

/** Byte equality. Hashes compared here are public values, so timing does not matter. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytewise lexicographic order (a shorter prefix sorts first), as the draft's asset host sort. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}
