/**
 * A small allocation-free SHA-256 (FIPS 180-4 §6.2; padding §5.1.1, initial hash value §5.3.3,
 * constants §4.2.2): the default hash of @sealroom/hash-chain, @sealroom/prefix-tree and the
 * @sealroom/manifest client verifier (chain hashes, tree keys and values, the MPT proof walk, key
 * IDs of signed notes, asset hashes).
 *
 * Why our own and not @noble/hashes: noble's one-shot `sha256()` builds a hasher object, a DataView
 * and a digest per call (about 4 µs per 65-byte node, which made a page's proof walk cost more than
 * a signature check, issue 12), and its `sha2.js` module holds SHA-224/256/384/512 together, so a
 * browser bundle that imports SHA-256 up front and SHA-512 lazily (Ed25519) gets the whole module
 * up front. This one is the plain round loop over one reused schedule (~0.6 KB gzipped), with no
 * imports and no side effects, and it carries the `.into` form (`(data, offset, length, out,
 * outOffset)`) that prefix-tree's proof walk hashes through. prefix-tree's `fastSha256` is the
 * unrolled variant for building trees of millions of nodes (kilobytes larger, ~20 % faster).
 *
 * The schedule, hash value and padding block are module-level scratch (JavaScript is single-threaded
 * and nothing here is re-entered). Not constant-time in the input length: every input hashed by
 * these packages is public. Cross-checked against node:crypto in test/sha256-small.test.ts.
 */

/** A synchronous one-shot SHA-256 that also carries its allocation-free form as `.into`. */
export interface Sha256WithInto {
  (data: Uint8Array): Uint8Array;
  readonly into: typeof sha256SmallInto;
}

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64
// primes, and §5.3.3 the initial hash value.
const K = Int32Array.from(
  "428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2".split(
    " ",
  ),
  (h) => Number.parseInt(h, 16) | 0,
);
const IV = Int32Array.from(
  "6a09e667 bb67ae85 3c6ef372 a54ff53a 510e527f 9b05688c 1f83d9ab 5be0cd19".split(" "),
  (h) => Number.parseInt(h, 16) | 0,
);
const W = new Int32Array(64);
const S = new Int32Array(8);
const block = new Uint8Array(64);

function compress(m: Uint8Array, p: number): void {
  for (let t = 0; t < 16; t++, p += 4)
    W[t] = (m[p]! << 24) | (m[p + 1]! << 16) | (m[p + 2]! << 8) | m[p + 3]!;
  for (let t = 16; t < 64; t++) {
    const a = W[t - 15]!;
    const b = W[t - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[t] = (s1 + W[t - 7]! + s0 + W[t - 16]!) | 0;
  }
  let a = S[0]!;
  let b = S[1]!;
  let c = S[2]!;
  let d = S[3]!;
  let e = S[4]!;
  let f = S[5]!;
  let g = S[6]!;
  let h = S[7]!;
  for (let t = 0; t < 64; t++) {
    const t1 =
      (h +
        (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) +
        K[t]! +
        W[t]!) |
      0;
    const t2 =
      ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) |
      0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  S[0] = (S[0]! + a) | 0;
  S[1] = (S[1]! + b) | 0;
  S[2] = (S[2]! + c) | 0;
  S[3] = (S[3]! + d) | 0;
  S[4] = (S[4]! + e) | 0;
  S[5] = (S[5]! + f) | 0;
  S[6] = (S[6]! + g) | 0;
  S[7] = (S[7]! + h) | 0;
}

/**
 * SHA-256 of `data[offset .. offset + length)` written to `out[outOffset .. outOffset + 32)`.
 * `out` may overlap the input: the digest is written after the whole input has been read. Throws
 * `TypeError`/`RangeError` for non-`Uint8Array` arguments and out-of-bounds ranges.
 */
export function sha256SmallInto(
  data: Uint8Array,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset: number,
): void {
  if (!(data instanceof Uint8Array) || !(out instanceof Uint8Array))
    throw new TypeError('sha256SmallInto: "data" and "out" must be Uint8Arrays');
  // `>= 0` is false for NaN; integers only, so no fractional index ever reads `undefined`.
  if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0))
    throw new RangeError('sha256SmallInto: "offset" and "length" must be non-negative integers');
  if (offset + length > data.length) throw new RangeError("sha256SmallInto: input range out of bounds");
  if (!(Number.isInteger(outOffset) && outOffset >= 0 && outOffset + 32 <= out.length))
    throw new RangeError("sha256SmallInto: output range out of bounds");
  S.set(IV);
  const end = offset + length;
  let p = offset;
  for (; p + 64 <= end; p += 64) compress(data, p);
  // §5.1.1 padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const rest = end - p;
  block.fill(0);
  for (let i = 0; i < rest; i++) block[i] = data[p + i]!;
  block[rest] = 0x80;
  if (rest >= 56) {
    compress(block, 0);
    block.fill(0);
  }
  const bits = length * 8;
  const hi = Math.floor(bits / 0x100000000);
  block[56] = hi >>> 24;
  block[57] = hi >>> 16;
  block[58] = hi >>> 8;
  block[59] = hi;
  block[60] = bits >>> 24;
  block[61] = bits >>> 16;
  block[62] = bits >>> 8;
  block[63] = bits;
  compress(block, 0);
  for (let i = 0; i < 8; i++) {
    const w = S[i]!;
    const o = outOffset + 4 * i;
    out[o] = w >>> 24;
    out[o + 1] = w >>> 16;
    out[o + 2] = w >>> 8;
    out[o + 3] = w;
  }
}

/** One-shot SHA-256 (a new 32-byte array per call) with the allocation-free form attached as `.into`. */
export const sha256Small: Sha256WithInto = Object.assign(
  (data: Uint8Array): Uint8Array => {
    // A non-Uint8Array `data` is refused by sha256SmallInto (TypeError).
    const out = new Uint8Array(32);
    sha256SmallInto(data, 0, data.length, out, 0);
    return out;
  },
  { into: sha256SmallInto },
);
