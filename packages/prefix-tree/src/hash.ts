/**
 * SHA-256 for the WAICT Merkle-Patricia tree (merkle-patricia-tree.md: "H be the SHA256 hash
 * function"). The default is @sealroom/hash-chain's `sha256Small` (small, dependency-free, with an
 * allocation-free `.into`), which runs everywhere; callers may inject any
 * synchronous one-shot SHA-256 (e.g. `node:crypto`'s `hash("sha256", d, "buffer")` in Node, or in
 * Workers with `nodejs_compat`), or `fastSha256` (sha256-into.ts), which also carries an
 * allocation-free form (`.into`) that the hot paths use. Hashing is synchronous on purpose: the
 * update path hashes tens of nodes per leaf and an await per node would dominate the cost.
 */
import { sha256Small } from "@sealroom/hash-chain/sha256";

/**
 * SHA-256 of `data[offset .. offset + length)` written to `out[outOffset .. outOffset + 32)`,
 * allocating nothing.
 */
export type Sha256Into = (
  data: Uint8Array,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset: number,
) => void;

/**
 * A synchronous one-shot SHA-256: 32 bytes out for any input. It may carry an allocation-free
 * form as `.into` (e.g. `fastSha256`); the tree then hashes every node through it.
 */
export interface Sha256 {
  (data: Uint8Array): Uint8Array;
  readonly into?: Sha256Into | undefined;
}

/**
 * Default SHA-256: @sealroom/hash-chain's `sha256Small` (FIPS 180-4, ~0.6 KB, allocation-free form
 * as `.into`, which the tree's hot paths use). `fastSha256` (sha256-into.ts) is the unrolled,
 * faster and larger variant for building big trees.
 */
export const defaultSha256: Sha256 = sha256Small;

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

const adapters = new WeakMap<Sha256, Sha256Into>();

/**
 * The allocation-free form of `hash`: its own `.into` when it has one, else an adapter that calls
 * it (one call and one digest copy per hash; no subarray when the whole buffer is hashed, which is
 * what the tree's hot paths do). An injected `.into` (e.g. `fastSha256`'s `sha256Into`) is used
 * exactly as given.
 */
export function intoOf(hash: Sha256): Sha256Into {
  const own = hash.into;
  if (typeof own === "function") {
    assertSha256(hash); // once per function (cached): an injected `.into` must be SHA-256 too
    return own;
  }
  let a = adapters.get(hash);
  if (!a) {
    a = (data, offset, length, out, outOffset) => {
      const input = offset === 0 && length === data.length ? data : data.subarray(offset, offset + length);
      out.set(checkedDigest(hash(input)), outOffset);
    };
    adapters.set(hash, a);
  }
  return a;
}

/** SHA-256("") = e3b0c442...b855 (one known answer, checked cheaply). */
function isEmptyDigest(d: Uint8Array, o: number): boolean {
  return d[o] === 0xe3 && d[o + 1] === 0xb0 && d[o + 30] === 0xb8 && d[o + 31] === 0x55;
}
/** SHA-256("abc") = ba7816bf...15ad. */
function isAbcDigest(d: Uint8Array, o: number): boolean {
  return d[o] === 0xba && d[o + 1] === 0x78 && d[o + 30] === 0x15 && d[o + 31] === 0xad;
}

/**
 * Checks that an injected hash is a working SHA-256 (known answers for both its forms), once per
 * function.
 */
const checked = new WeakSet<Sha256>();
export function assertSha256(hash: Sha256): void {
  if (checked.has(hash)) return;
  if (typeof hash !== "function") throw new TypeError('"hash" must be a function');
  const d = checkedDigest(hash(new Uint8Array(0)));
  if (!isEmptyDigest(d, 0)) throw new TypeError('"hash" is not SHA-256');
  const into = hash.into;
  if (into !== undefined) {
    if (typeof into !== "function") throw new TypeError('"hash.into" must be a function');
    // Hash "abc" from the middle of a buffer into the middle of another: offsets must be honoured.
    const src = Uint8Array.of(0, 0x61, 0x62, 0x63, 0);
    const out = new Uint8Array(34);
    into(src, 1, 3, out, 1);
    if (!isAbcDigest(out, 1) || out[0] !== 0 || out[33] !== 0)
      throw new TypeError('"hash.into" is not SHA-256');
    into(src, 0, 0, out, 2);
    if (!isEmptyDigest(out, 2)) throw new TypeError('"hash.into" is not SHA-256');
  }
  checked.add(hash);
}
