/**
 * Recycled page buffers (src/buffer-pool.ts): class arithmetic, what a request gets back, the
 * byte limit, and that a tree recycling evicted pages' buffers keeps exact roots and proofs.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ceilClass,
  clearBufferPool,
  floorClass,
  POOL_LIMIT_BYTES,
  poolCounters,
  pooledBufferBytes,
  releaseBuffer,
  takeBuffer,
} from "../src/buffer-pool.ts";
import { MemoryPageStore, PrefixTree } from "../src/index.ts";
import { randomBytes } from "./helpers.ts";

describe("buffer pool", () => {
  beforeEach(() => clearBufferPool());

  it("classes: floor <= c <= ceil, both classes, at most 1/8 apart above 16", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 24 }), (c) => {
        const lo = floorClass(c);
        const hi = ceilClass(c);
        expect(lo).toBeLessThanOrEqual(c);
        expect(hi).toBeGreaterThanOrEqual(c);
        expect(floorClass(hi)).toBe(hi);
        expect(ceilClass(lo)).toBe(lo);
        if (c >= 16) expect(hi - lo).toBeLessThanOrEqual(c / 8);
        else expect(hi).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it("a request gets a zeroed buffer holding at least what it needs, from the three classes above it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 2000 }),
        (released, need) => {
          clearBufferPool();
          for (const cap of released) {
            const b = new ArrayBuffer(cap);
            new Uint8Array(b).fill(0xaa);
            releaseBuffer(b, cap);
          }
          const got = takeBuffer(need);
          // The classes looked in: the smallest fitting one and the next two.
          const k0 = ceilClass(need);
          const k1 = ceilClass(k0 + 1);
          const k2 = ceilClass(k1 + 1);
          const k3 = ceilClass(k2 + 1);
          if (got) {
            expect(got.cap).toBeGreaterThanOrEqual(need);
            expect(got.cap).toBeLessThan(k3);
            expect(released).toContain(got.cap);
            expect(new Uint8Array(got.buf).every((x) => x === 0)).toBe(true);
          } else expect(released.filter((c) => [k0, k1, k2].includes(floorClass(c)))).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps at most POOL_LIMIT_BYTES and never the same buffer twice", () => {
    const b = new ArrayBuffer(1000);
    releaseBuffer(b, 10);
    releaseBuffer(b, 10);
    expect(pooledBufferBytes()).toBe(1000);
    releaseBuffer(new ArrayBuffer(POOL_LIMIT_BYTES), 100);
    expect(pooledBufferBytes()).toBe(1000);
    expect(takeBuffer(10)?.buf).toBe(b);
    expect(takeBuffer(10)).toBeUndefined();
    expect(pooledBufferBytes()).toBe(0);
  });

  it("a cached tree reuses evicted pages' buffers and stays exact", () => {
    const n = 4000;
    const keys = randomBytes(n * 32, 5);
    const store = new MemoryPageStore();
    const full = PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 16 });
    const t = new PrefixTree({ store, cacheBytes: 30_000, maxLeavesPerPage: 16 });
    const hits0 = poolCounters.hits;
    for (let round = 0; round < 4; round++) {
      const k = randomBytes(300 * 32, 50 + round);
      for (let i = 0; i < 300; i += 3)
        k.set(keys.subarray(((i * 13) % n) * 32, ((i * 13) % n) * 32 + 32), i * 32);
      const v = randomBytes(300 * 32, 60 + round);
      t.setMany(k, v);
      full.setMany(k, v);
      expect(t.root()).toEqual(full.root());
    }
    for (let i = 0; i < n; i += 101) {
      const k = keys.subarray(i * 32, i * 32 + 32);
      expect(t.get(k)).toEqual(full.get(k));
      expect(t.proveInclusion(k)).toEqual(full.proveInclusion(k));
    }
    expect(t.stats().evictions).toBeGreaterThan(0);
    expect(poolCounters.hits).toBeGreaterThan(hits0);
  });
});
