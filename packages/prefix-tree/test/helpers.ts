import { hash as nodeHash } from "node:crypto";
import fc from "fast-check";
import { PrefixTreeError, type Sha256 } from "../src/index.ts";

/** node:crypto SHA-256: an independent implementation to cross-check @noble/hashes. */
export const nodeSha256: Sha256 = (d) => new Uint8Array(nodeHash("sha256", d, "buffer"));

/**
 * 32-byte keys drawn from a small space so that sequences share long prefixes, collide and
 * cross page boundaries (bytes from a 4-letter alphabet in the first positions).
 */
export const arbKey = fc
  .tuple(
    fc.array(fc.constantFrom(0x00, 0x01, 0x80, 0xff), { minLength: 4, maxLength: 4 }),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([head, tail]) => {
    const k = new Uint8Array(32);
    k.set(head, 0);
    k[31] = tail;
    return k;
  });
export const arbValue = fc.uint8Array({ minLength: 32, maxLength: 32 });
export const arbRandomKey = fc.uint8Array({ minLength: 32, maxLength: 32 });

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

export function randomBytes(n: number, seed: number): Uint8Array {
  // xorshift32: deterministic test data without a CSPRNG
  let x = seed | 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * What `f` throws, as one comparable string: a `PrefixTreeError`'s code, else the error's name
 * ("RangeError", "TypeError"); undefined when it returns.
 */
export function thrown(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof PrefixTreeError ? e.code : (e as Error).name;
  }
  return undefined;
}
