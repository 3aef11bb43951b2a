/**
 * Fallback Ed25519 verifier for runtimes without WebCrypto Ed25519: @noble/ed25519 in strict RFC 8032
 * mode (`zip215: false`, the same setting as @sealroom/prefix-tree's `verifyEd25519`), with its async
 * API so SHA-512 comes from WebCrypto too. Imported dynamically by `ed25519.ts`, and deliberately not
 * through prefix-tree's signed-note module: that module is also in the verifier's static graph, and
 * sharing it would pull noble (and a JS SHA-512) into the page's main chunk. Without
 * `crypto.subtle` at all (an insecure context) verification fails closed.
 */
import { verifyAsync } from "@noble/ed25519";

export async function verifyEd25519(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  try {
    return await verifyAsync(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
