/**
 * The hash function and the tagged hashes of the WAICT transparency draft
 * (waict-transparency-spec, waict-apis.md "Hash Computations"): Hash = SHA-256, and every hashed
 * structure is prefixed by an 8-byte raw ASCII tag (`waict-rh`, `waict-ch`, `waict-ah`, ...).
 *
 * The default SHA-256 is `sha256Small` (sha256-small.ts: pure JS, no dependencies, runs in Node,
 * Workers and browsers, allocation-free form as `.into`). Every hashing function accepts an
 * injected synchronous `Sha256`, e.g. `node:crypto` in Node or in Workers with `nodejs_compat`,
 * which is faster on long inputs. Hashing is never asynchronous: a chain of n nodes would
 * otherwise cost n awaits.
 */
import { sha256Small } from "./sha256-small.ts";

/** A synchronous one-shot SHA-256: 32 bytes out for any input. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** Default SHA-256 (`sha256Small`, which also carries the allocation-free `.into`). */
export const sha256: Sha256 = sha256Small;

/** Length of every tag in the draft ("8 raw ASCII bytes"). */
export const TAG_SIZE = 8;
/** Hash output length. */
export const HASH_SIZE = 32;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Domain-separation tags of waict-apis.md "Hash Computations". Never mutate. */
export const Tag = {
  /** resource_hash = H("waict-rh" || resource) */
  ResourceHash: ascii("waict-rh"),
  /** chain_hash of the next node = H("waict-ch" || ChainNode) */
  ChainHash: ascii("waict-ch"),
  /** asset_hosts_hash = H("waict-ah" || AssetHost<1..2^13-1>) */
  AssetHostsHash: ascii("waict-ah"),
} as const;

/**
 * 32 zero bytes: the chain hash of a chain's first node, and the tombstone resource hash.
 * Exported as a shared array: treat it as read-only (typed arrays cannot be frozen). Nothing in
 * this package reads it back for a security decision; it compares against its own private copy.
 */
export const ZERO_HASH: Uint8Array = new Uint8Array(HASH_SIZE);

/** H(tag || data), with one copy of `data` into a buffer sized once. */
export function taggedHash(tag: Uint8Array, data: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  const buf = new Uint8Array(tag.length + data.length);
  buf.set(tag, 0);
  buf.set(data, tag.length);
  return checkDigest(hash(buf));
}

/** Guards against an injected hash that returns the wrong length (e.g. a hex string or SHA-512). */
export function checkDigest(d: Uint8Array): Uint8Array {
  if (!(d instanceof Uint8Array) || d.length !== HASH_SIZE) {
    throw new TypeError("the injected SHA-256 must return a 32-byte Uint8Array");
  }
  return d;
}
