/**
 * The resource hash of a manifest line (waict-apis.md "Hash Computations"):
 * `SHA-256("waict-rh" || r)` where `r` is the exact served bytes of the manifest line (docs/wire-formats.md "Hash chain").
 * Delegates to @sealroom/hash-chain so there is one implementation of the tag.
 */
import { resourceHash } from "@sealroom/hash-chain";

export function resourceHashOf(manifestLine: Uint8Array): Uint8Array {
  return resourceHash(manifestLine);
}
