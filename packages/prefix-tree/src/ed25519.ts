/**
 * Ed25519 signature verification (RFC 8032 §5.1.7) with the one rule every Sealroom verifier uses
 * (WebCrypto, node:crypto, this module; docs/wire-formats.md "Ed25519"): the "classic" ref10 rule
 * of Go's crypto/ed25519, BoringSSL (Chromium's WebCrypto) and OpenSSL (node:crypto, Node's
 * WebCrypto), plus the byte-level refusals of `ed25519Precheck` that OpenSSL 3.5 applies and Go
 * and BoringSSL do not:
 *
 * - refused first (ed25519-precheck.ts): a small-order `A` or `R`, a non-canonical `A` (y >= p);
 * - `S` must be canonical (`S < L`);
 * - `A` decodes as in ref10/Go (mixed-order keys are accepted);
 * - `k = SHA-512(R || A || M) mod L` over the bytes as received;
 * - the *cofactorless* point `[S]B − [k]A` must encode (canonically) to exactly the 32 bytes `R`.
 *   So a non-canonical `R` never verifies, and neither does a signature whose small-order
 *   components only cancel after multiplying by the cofactor (C2SP CCTV `low_order_residue`).
 *
 * @noble/ed25519's own `verify` checks the cofactored equation (and with `zip215: false` also
 * refuses small-order keys), so it is used only for point arithmetic, which the caller passes in:
 * this module imports no curve code, so a page can load noble lazily (as @sealroom/manifest does)
 * and still run this exact rule. `verifyEd25519` in signed-note.ts passes noble synchronously.
 * See vectors/ed25519/README.md for the adversarial vectors every backend is tested with.
 */
import type { Point } from "@noble/ed25519";
import { ed25519Precheck } from "./ed25519-precheck.ts";

/** The curve arithmetic `verifyEd25519With` needs: @noble/ed25519's `Point` and a SHA-512. */
export interface Ed25519Arithmetic {
  Point: typeof Point;
  sha512: (data: Uint8Array) => Uint8Array;
}

/** The order of the prime-order subgroup, 2^252 + 27742317777372353535851937790883648493. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function scalarLE(b: Uint8Array, off: number, len: number): bigint {
  let n = 0n;
  for (let i = off + len - 1; i >= off; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
}

/**
 * True iff `signature` (`R[32] || S[32]`) is a valid Ed25519 signature of `message` under
 * `publicKey`, by the rule above, computed with `arith`. Never throws: wrong types or lengths and
 * undecodable points return false.
 */
export function verifyEd25519With(
  arith: Ed25519Arithmetic,
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (!(message instanceof Uint8Array) || !ed25519Precheck(signature, publicKey)) return false;
  const s = scalarLE(signature, 32, 32);
  if (s >= L) return false;
  let A: Point;
  try {
    A = arith.Point.fromBytes(publicKey, true); // ref10/Go decoding (y >= p was refused above)
  } catch {
    return false; // no x for this y
  }
  const h = new Uint8Array(64 + message.length);
  h.set(signature.subarray(0, 32), 0);
  h.set(publicKey, 32);
  h.set(message, 64);
  const k = scalarLE(arith.sha512(h), 0, 64) % L;
  const check = arith.Point.BASE.multiply(s, false).subtract(A.multiply(k, false)).toBytes();
  let d = 0;
  for (let i = 0; i < 32; i++) d |= (check[i] as number) ^ (signature[i] as number);
  return d === 0;
}
