/**
 * Shared test helpers: fast-check arbitraries for entries and chains, an independent SHA-256
 * (node:crypto, tests only), and the decoder fuzz driver every decoder goes through.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { expect } from "vitest";
import { DecodeError, type Entry, type Sha256, SiteChain } from "../src/index.ts";

export const nodeSha256: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

export const entryArb: fc.Arbitrary<Entry> = fc.record({
  positionInChain: u64,
  timeCreated: u64,
  resourceHash: hash32,
  assetHostsHash: hash32,
});

/** A step of a chain: time delta, resource hash (sometimes a tombstone), optional new hosts hash. */
export const stepArb = fc.record({
  dt: fc.bigInt({ min: 0n, max: 5000n }),
  resourceHash: fc.oneof(
    { weight: 9, arbitrary: hash32 },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(32)) },
  ),
  hosts: fc.option(hash32, { nil: undefined }),
});
export type Step = { dt: bigint; resourceHash: Uint8Array; hosts: Uint8Array | undefined };

export function buildChain(
  steps: readonly Step[],
  start = 1_700_000_000n,
  chain = new SiteChain(),
): SiteChain {
  let t = start;
  for (const s of steps) {
    t += s.dt;
    chain.append({
      timeCreated: t,
      resourceHash: s.resourceHash,
      assetHostsHash: s.hosts ?? (chain.size === 0n ? new Uint8Array(32).fill(7) : undefined),
    });
  }
  return chain;
}

/**
 * Fuzzes `decode` with >= `runs` inputs built four ways: valid encodings cut short (truncated),
 * valid encodings with bytes appended (trailing), valid encodings with a mutated length/byte
 * (oversized / corrupted), and raw random bytes. Every input must either decode to something
 * that re-encodes to the same bytes, or throw a DecodeError; nothing else may escape.
 */
export function fuzzDecoder<T>(
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
  valid: fc.Arbitrary<Uint8Array>,
  runs = 10_000,
): { ok: number; rejected: number } {
  const stats = { ok: 0, rejected: 0 };
  const truncated = valid.chain((v) =>
    fc.nat({ max: Math.max(0, v.length - 1) }).map((n) => v.subarray(0, n)),
  );
  const trailing = fc
    .tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 40 }))
    .map(([v, t]) => Uint8Array.from([...v, ...t]));
  const mutated = fc
    .tuple(valid, fc.nat(), fc.integer({ min: 1, max: 255 }))
    .filter(([v]) => v.length > 0)
    .map(([v, i, x]) => {
      const c = v.slice();
      c[i % c.length]! ^= x;
      return c;
    });
  const random = fc.uint8Array({ maxLength: 400 });
  const input = fc.oneof(truncated, trailing, mutated, random, valid);
  fc.assert(
    fc.property(input, (b) => {
      let v: T;
      try {
        v = decode(b);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        expect(e.offset).toBeGreaterThanOrEqual(0);
        expect(e.offset).toBeLessThanOrEqual(b.length);
        stats.rejected++;
        return;
      }
      expect(hex(encode(v))).toBe(hex(b));
      stats.ok++;
    }),
    { numRuns: runs },
  );
  return stats;
}
