/**
 * The tree's own 32-byte helpers: bit access in the draft's bit order (merkle-patricia-tree.md: "the
 * 0-th bit of `a: [u8; 32]` is the most significant bit of `a[0]`"), common-prefix length and
 * comparisons at offsets. Integers, argument checks and byte comparison come from
 * `@sealroom/hash-chain/bytes`; hex from `@noble/hashes/utils.js`. Internal: not exported.
 */

export { assertBytes } from "@sealroom/hash-chain/bytes";

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
