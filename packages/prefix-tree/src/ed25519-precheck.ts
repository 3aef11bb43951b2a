/**
 * Byte-level checks that every Sealroom Ed25519 backend applies before verifying (see ed25519.ts):
 * no curve arithmetic and no imports, so the WebCrypto path of a page can run them without loading
 * a JS Ed25519.
 *
 * Go's crypto/ed25519 and BoringSSL (Chromium's WebCrypto) accept a small-order public key or R
 * and a non-canonical public key encoding; the OpenSSL 3.5 in Node 24 (node:crypto and Node's
 * WebCrypto) refuses them. Refusing them everywhere is the one rule all backends can share, and
 * costs nothing: honest keys and R values are multiples of the base point, never small-order, and
 * are encoded canonically.
 */

/**
 * The encodings of the eight small-order points of edwards25519 and their six non-canonical
 * alternatives (y >= p, or x = -0), as listed by C2SP CCTV ed25519/README.md.
 */
const SMALL_ORDER: readonly Uint8Array[] = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000080",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
].map((h) => Uint8Array.from(h.match(/../g) as string[], (b) => Number.parseInt(b, 16)));

function isSmallOrderEncoding(b: Uint8Array, off: number): boolean {
  outer: for (const e of SMALL_ORDER) {
    for (let i = 0; i < 32; i++) if (b[off + i] !== e[i]) continue outer;
    return true;
  }
  return false;
}

/** True iff the y coordinate of the point encoding at `b[off..off+32)` is >= p = 2^255 - 19. */
function isNonCanonicalY(b: Uint8Array, off: number): boolean {
  if (((b[off + 31] as number) & 0x7f) !== 0x7f) return false;
  for (let i = 1; i < 31; i++) if (b[off + i] !== 0xff) return false;
  return (b[off] as number) >= 0xed;
}

/**
 * False if the inputs are refused before any Ed25519 arithmetic: wrong types or lengths, a
 * public key that is small-order or not canonically encoded, or an R that is small-order.
 * (S >= L and a non-canonical R are refused by every backend's own check.)
 */
export function ed25519Precheck(signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (isNonCanonicalY(publicKey, 0) || isSmallOrderEncoding(publicKey, 0)) return false;
  return !isSmallOrderEncoding(signature, 0);
}
