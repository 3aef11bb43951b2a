/**
 * Byte helpers shared by the codecs: argument checks, bit access in the draft's bit order
 * (merkle-patricia-tree.md: "the 0-th bit of `a: [u8; 32]` is the most significant bit of `a[0]`"),
 * common-prefix length, comparisons. Internal: not exported from the package index.
 */

export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${name}" must be ${length} bytes, got ${value.length}`);
  }
}

/** Bit `i` (0 = MSB of byte 0) of the 32-byte value at `a[off..off+32]`. */
export function bitAt(a: Uint8Array, off: number, i: number): number {
  return ((a[off + (i >>> 3)] as number) >>> (7 - (i & 7))) & 1;
}

/** Number of leading bits shared by a[ao..ao+32] and b[bo..bo+32] (256 when equal). */
export function commonPrefixBits(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 32; i++) {
    const x = (a[ao + i] as number) ^ (b[bo + i] as number);
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return 256;
}

/** Lexicographic comparison of two 32-byte values. */
export function compare32(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 32; i++) {
    const d = (a[ao + i] as number) - (b[bo + i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

export function equal32(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < 32; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

export function toHex(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = "";
  for (let i = off; i < off + len; i++) s += ((b[i] as number) | 0x100).toString(16).slice(1);
  return s;
}

export function readU16(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 8) | (b[o + 1] as number);
}
export function readU24(b: Uint8Array, o: number): number {
  return ((b[o] as number) << 16) | ((b[o + 1] as number) << 8) | (b[o + 2] as number);
}
export function readU32(b: Uint8Array, o: number): number {
  return (
    (((b[o] as number) << 24) |
      ((b[o + 1] as number) << 16) |
      ((b[o + 2] as number) << 8) |
      (b[o + 3] as number)) >>>
    0
  );
}
export function readU64(b: Uint8Array, o: number): bigint {
  return (BigInt(readU32(b, o)) << 32n) | BigInt(readU32(b, o + 4));
}
export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}
export function writeU24(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 16;
  b[o + 1] = v >>> 8;
  b[o + 2] = v;
}
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
export function writeU64(b: Uint8Array, o: number, v: bigint): void {
  writeU32(b, o, Number(v >> 32n));
  writeU32(b, o + 4, Number(v & 0xffffffffn));
}
