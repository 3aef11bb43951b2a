/**
 * Fallback Ed25519 verifier for runtimes without WebCrypto Ed25519: Sealroom's one verification rule
 * (@sealroom/prefix-tree `verifyEd25519With`: cofactorless, canonical S and R, small-order and
 * non-canonical keys refused) computed with @noble/ed25519's point arithmetic and @noble/hashes'
 * SHA-512. Imported dynamically by `ed25519.ts`: noble is only imported here (prefix-tree's rule
 * module imports no curve code), so it stays out of the page's main chunk.
 */
import { Point } from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { verifyEd25519With } from "@sealroom/prefix-tree/note";

const arith = { Point, sha512 };

export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return verifyEd25519With(arith, signature, message, publicKey);
}
