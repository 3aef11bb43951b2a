/**
 * SHA-256 for the WAICT Merkle-Patricia tree (merkle-patricia-tree.md: "H be the SHA256 hash
 * function"). The default is @noble/hashes, which runs everywhere; callers may inject any
 * synchronous one-shot SHA-256 (e.g. `node:crypto`'s `hash("sha256", d, "buffer")` in Node, or in
 * Workers with `nodejs_compat`). Hashing is synchronous on purpose: the update path hashes tens of
 * nodes per leaf and an await per node would dominate the cost.
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

/** A synchronous one-shot SHA-256: 32 bytes out for any input. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** Default SHA-256 (@noble/hashes). */
export const defaultSha256: Sha256 = (data) => nobleSha256(data);

export const HASH_SIZE = 32;
export const KEY_SIZE = 32;

/** `H("")`: the root of the empty tree (merkle-patricia-tree.md, `MPT'({})`). */
export function emptyRoot(hash: Sha256 = defaultSha256): Uint8Array {
  return checkedDigest(hash(new Uint8Array(0)));
}

/** Guards against an injected hash returning something other than 32 bytes. */
export function checkedDigest(d: Uint8Array): Uint8Array {
  if (!(d instanceof Uint8Array) || d.length !== HASH_SIZE) {
    throw new TypeError("the injected SHA-256 must return a 32-byte Uint8Array");
  }
  return d;
}

/** Checks that an injected hash is a working SHA-256 (one known answer), once per function. */
const checked = new WeakSet<Sha256>();
export function assertSha256(hash: Sha256): void {
  if (checked.has(hash)) return;
  if (typeof hash !== "function") throw new TypeError('"hash" must be a function');
  const d = checkedDigest(hash(new Uint8Array(0)));
  // SHA-256("") = e3b0c442...b855
  if (d[0] !== 0xe3 || d[1] !== 0xb0 || d[30] !== 0xb8 || d[31] !== 0x55) {
    throw new TypeError('"hash" is not SHA-256');
  }
  checked.add(hash);
}
