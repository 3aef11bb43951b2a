/**
 * SHA-256 helpers: the only hash WAICT v1 allows (waict-integrity "Security Considerations").
 * Synchronous (@sealroom/hash-chain's `sha256Small`, the family's one small SHA-256) so per-fetch
 * checks and proof verification need no async plumbing, and the browser verifier never imports
 * @noble/hashes' `sha2.js`, whose SHA-512 would come along up front (issue 12).
 */

import { encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { sha256Small as sha256 } from "@sealroom/hash-chain/sha256";

export { sha256 };

/** base64urlnopad(SHA-256(bytes)): the manifest's hash encoding. */
export function sha256B64u(bytes: Uint8Array): string {
  return encodeBase64UrlNoPad(sha256(bytes));
}
