/**
 * resource_hash = SHA-256("waict-rh" || r) (waict-apis.md "Hash Computations"). For a manifest,
 * `r` is the exact bytes of the manifest line served to clients, never a re-serialization
 * (docs/wire-formats.md "Hash chain"): JSON has many encodings of one value, the hash commits to one.
 */
import { assertBytes, isAllZero } from "./bytes.ts";
import { type Sha256, sha256, Tag, taggedHash } from "./hash.ts";

export function resourceHash(resource: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  assertBytes(resource, "resource");
  return taggedHash(Tag.ResourceHash, resource, hash);
}

/** The tombstone resource hash: 32 zero bytes (a fresh copy each call). */
export function tombstoneResourceHash(): Uint8Array {
  return new Uint8Array(32);
}

/** True for the all-zero resource hash that marks unenrolment. */
export function isTombstoneHash(h: Uint8Array): boolean {
  assertBytes(h, "resourceHash", 32);
  return isAllZero(h);
}
