/**
 * SHA-256 helpers: the only hash WAICT v1 allows (waict-integrity "Security Considerations").
 * Synchronous @noble/hashes so per-fetch checks and proof verification need no async plumbing.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";

export { sha256 };

/** base64urlnopad(SHA-256(bytes)): the manifest's hash encoding. */
export function sha256B64u(bytes: Uint8Array): string {
  return encodeBase64UrlNoPad(sha256(bytes));
}
