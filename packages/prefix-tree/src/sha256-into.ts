/**
 * An allocation-free one-shot SHA-256 (FIPS 180-4 §6.2 "SHA-256"; padding §5.1.1, initial hash
 * value §5.3.3, constants §4.2.2, functions §4.1.2) that reads its input straight from a caller's
 * `Uint8Array` range and writes the 32-byte digest into a caller's buffer.
 *
 * Why our own: the tree hashes tens of millions of 64- and 65-byte inputs (merkle-patricia-tree.md
 * leaf `H(key || value)`, inner `H(left || right || bitpos)`), and both @noble/hashes' `sha256()`
 * and `node:crypto`'s `hash()` spend most of their time on that size in per-call overhead (hasher
 * objects, output buffers, the JS/C++ boundary), not in the compression function. Here nothing is
 * allocated per call: the message schedule `W` and the padding block are module-level scratch
 * (JavaScript is single-threaded and this function calls nothing else, so it is not re-entered),
 * the working variables live in locals, and message words are read big-endian from the bytes.
 *
 * It is not constant-time with respect to the input length (nor needs to be: every input hashed
 * by the tree is public), and it is checked against node:crypto in test/sha256-into.test.ts.
 */
import type { Sha256, Sha256Into } from "./hash.ts";

/** §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** §6.2.2 step 1: the message schedule, reused by every call. */
const W = new Int32Array(64);
/** The final one or two blocks (§5.1.1 padding) of the message being hashed. */
const TAIL = new Uint8Array(128);

/**
 * SHA-256 of `data[offset .. offset + length)` written to `out[outOffset .. outOffset + 32)`.
 * `out` may overlap the input: the digest is written after the whole input has been read.
 */
export function sha256Into(
  data: Uint8Array,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset: number,
): void {
  if (!(data instanceof Uint8Array) || !(out instanceof Uint8Array)) {
    throw new TypeError("sha256Into: data and out must be Uint8Arrays");
  }
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > data.length
  ) {
    throw new RangeError("sha256Into: input range out of bounds");
  }
  if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + 32 > out.length) {
    throw new RangeError("sha256Into: output range out of bounds");
  }

  // §5.1.1: the message, a 1 bit, zeros up to 56 mod 64 bytes, then the bit length as a u64.
  const full = Math.floor(length / 64);
  const rem = length - full * 64;
  const tailLen = rem < 56 ? 64 : 128;
  const src = offset + full * 64;
  for (let i = 0; i < rem; i++) TAIL[i] = data[src + i] as number;
  TAIL[rem] = 0x80;
  for (let i = rem + 1; i < tailLen - 8; i++) TAIL[i] = 0;
  const hi = Math.floor(length / 0x20000000); // (8 * length) >> 32, exact for any array length
  const lo = (length * 8) >>> 0;
  TAIL[tailLen - 8] = hi >>> 24;
  TAIL[tailLen - 7] = hi >>> 16;
  TAIL[tailLen - 6] = hi >>> 8;
  TAIL[tailLen - 5] = hi;
  TAIL[tailLen - 4] = lo >>> 24;
  TAIL[tailLen - 3] = lo >>> 16;
  TAIL[tailLen - 2] = lo >>> 8;
  TAIL[tailLen - 1] = lo;

  // §5.3.3: initial hash value.
  let h0 = 0x6a09e667 | 0;
  let h1 = 0xbb67ae85 | 0;
  let h2 = 0x3c6ef372 | 0;
  let h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f | 0;
  let h5 = 0x9b05688c | 0;
  let h6 = 0x1f83d9ab | 0;
  let h7 = 0x5be0cd19 | 0;

  const blocks = full + tailLen / 64;
  for (let blk = 0; blk < blocks; blk++) {
    // Whole blocks are read in place from `data`; the last one or two come from TAIL.
    let m: Uint8Array;
    let p: number;
    if (blk < full) {
      m = data;
      p = offset + blk * 64;
    } else {
      m = TAIL;
      p = (blk - full) * 64;
    }
    // §6.2.2 step 1: prepare the message schedule (big-endian words).
    for (let t = 0; t < 16; t++, p += 4) {
      W[t] =
        ((m[p] as number) << 24) |
        ((m[p + 1] as number) << 16) |
        ((m[p + 2] as number) << 8) |
        (m[p + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15] as number;
      const y = W[t - 2] as number;
      // σ0 (§4.1.2 (4.6)) and σ1 (4.7)
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = (s1 + (W[t - 7] as number) + s0 + (W[t - 16] as number)) | 0;
    }
    // §6.2.2 steps 2-3: the working variables and 64 rounds.
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      // Σ1 (4.5), Ch (4.2), Σ0 (4.4), Maj (4.3)
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    // §6.2.2 step 4: the intermediate hash value.
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }

  // §6.2.2: H(N) = H0 || ... || H7, big-endian.
  writeWord(out, outOffset, h0);
  writeWord(out, outOffset + 4, h1);
  writeWord(out, outOffset + 8, h2);
  writeWord(out, outOffset + 12, h3);
  writeWord(out, outOffset + 16, h4);
  writeWord(out, outOffset + 20, h5);
  writeWord(out, outOffset + 24, h6);
  writeWord(out, outOffset + 28, h7);
}

function writeWord(out: Uint8Array, o: number, w: number): void {
  out[o] = w >>> 24;
  out[o + 1] = w >>> 16;
  out[o + 2] = w >>> 8;
  out[o + 3] = w;
}

/**
 * `sha256Into` as a `Sha256` (one new 32-byte array per call) that also carries the
 * allocation-free form as `.into`, which the tree's hot paths use when present. Pass it as the
 * `hash` option (or argument) to get the fast path: `new PrefixTree({ hash: fastSha256 })`.
 */
export const fastSha256: Sha256 = Object.assign(
  (data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(32);
    sha256Into(data, 0, data.length, out, 0);
    return out;
  },
  { into: sha256Into as Sha256Into },
);
