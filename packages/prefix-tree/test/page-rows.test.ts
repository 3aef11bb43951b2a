/**
 * Stored page rows (README "Page rows"): what an update writes, and that the store always holds
 * exactly the rows a fresh build of the same leaves would write.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePageRow, fastSha256, MemoryPageStore, PrefixTree, ROW_VERSION } from "../src/index.ts";
import type { Page } from "../src/page.ts";
import { arbKey, arbRandomKey, arbValue, hex, randomBytes } from "./helpers.ts";
import { scaled } from "./scale.ts";

type Op = [Uint8Array, Uint8Array];

function storeDump(s: MemoryPageStore): Map<string, string> {
  return new Map([...s.pages].map(([id, b]) => [id, hex(b)]));
}

describe("page rows", () => {
  it("after any sequence of batches the store equals a fresh bulkBuild's, row for row", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.tuple(fc.oneof(arbKey, arbRandomKey), arbValue), { minLength: 1, maxLength: 30 }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 2, max: 9 }),
        (batches, maxLeavesPerPage) => {
          const store = new MemoryPageStore();
          const t = new PrefixTree({ store, maxLeavesPerPage, hash: fastSha256 });
          const latest = new Map<string, Op>();
          for (const b of batches) {
            t.setMany(
              b.map((o) => o[0]),
              b.map((o) => o[1]),
            );
            for (const o of b) latest.set(hex(o[0]), o);
          }
          expect(store.batches).toBe(batches.length);
          const ops = [...latest.values()];
          const fresh = new MemoryPageStore();
          const u = PrefixTree.bulkBuild(
            ops.map((o) => o[0]),
            ops.map((o) => o[1]),
            { store: fresh, maxLeavesPerPage, hash: fastSha256 },
          );
          expect(u.root()).toEqual(t.root());
          // Same ids and bytes: the layout does not depend on history and no changed row was missed.
          expect(storeDump(store)).toEqual(storeDump(fresh));
          const reopened = new PrefixTree({ store, maxLeavesPerPage, hash: fastSha256 });
          expect(reopened.root()).toEqual(t.root());
          for (const [k, v] of ops) {
            expect(reopened.get(k)).toEqual(v);
            expect(reopened.proveInclusion(k)).toEqual(t.proveInclusion(k));
          }
        },
      ),
      { numRuns: scaled(150, 10) },
    );
  });

  it("each update writes every changed row exactly once, in one putPages, also with bursts and evictions", () => {
    // Rows are encoded when the update is done with a page, pages a burst filled at the end, and
    // pages evicted mid-update on eviction: none may be written twice or left out.
    class OnceStore extends MemoryPageStore {
      override putPages(writes: readonly { id: string; bytes: Uint8Array }[]): void {
        const ids = writes.map((w) => w.id);
        expect(new Set(ids).size).toBe(ids.length);
        super.putPages(writes);
      }
    }
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(arbRandomKey, arbValue), { minLength: 1, maxLength: 40 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(undefined, 0, 20_000),
        (batches, maxLeavesPerPage, cacheBytes) => {
          const store = new OnceStore();
          const seed = randomBytes(300 * 32, 11);
          PrefixTree.bulkBuild(seed, seed, { store, maxLeavesPerPage, hash: fastSha256 });
          const t = new PrefixTree({ store, maxLeavesPerPage, hash: fastSha256, cacheBytes });
          const fresh = new MemoryPageStore();
          const all = new Map<string, Op>();
          for (let i = 0; i < 300; i++) {
            const k = seed.slice(i * 32, i * 32 + 32);
            all.set(hex(k), [k, k]);
          }
          for (const b of batches) {
            const r0 = t.stats().rowsWritten;
            const w0 = store.pagesWritten;
            t.setMany(
              b.map((o) => o[0]),
              b.map((o) => o[1]),
            );
            expect(store.pagesWritten - w0).toBe(t.stats().rowsWritten - r0);
            for (const o of b) all.set(hex(o[0]), o);
          }
          const ops = [...all.values()];
          PrefixTree.bulkBuild(
            ops.map((o) => o[0]),
            ops.map((o) => o[1]),
            { store: fresh, maxLeavesPerPage, hash: fastSha256 },
          );
          expect(storeDump(store)).toEqual(storeDump(fresh));
        },
      ),
      { numRuns: scaled(60, 10) },
    );
  });

  it("an update of one leaf writes one row per page on its path, and only the changed rows", () => {
    const n = 20_000;
    const keys = randomBytes(n * 32, 5);
    const store = new MemoryPageStore();
    const t = PrefixTree.bulkBuild(keys, keys, { store, hash: fastSha256, maxLeavesPerPage: 64 });
    const before = storeDump(store);
    const k = keys.slice(32 * 777, 32 * 778);
    const v = new Uint8Array(32).fill(9);
    const w0 = store.pagesWritten;
    t.set(k, v);
    const written = [...storeDump(store)].filter(([id, b]) => before.get(id) !== b).map(([id]) => id);
    // 20k leaves, 64 per page: the root page and the split page holding the leaf, one row each:
    // the row of the key's nibble after each page's prefix.
    expect(store.pagesWritten - w0).toBe(2);
    expect(written.sort()).toEqual([hex(k).slice(0, 1), hex(k).slice(0, 3)]);
    for (const id of written) {
      const row = decodePageRow(id, store.pages.get(id) as Uint8Array);
      expect(row.count).toBeLessThanOrEqual(16);
    }
    expect(new PrefixTree({ store, hash: fastSha256, maxLeavesPerPage: 64 }).get(k)).toEqual(v);
  });

  it("rows carry the format version and reject a page assembled from rows of different types", () => {
    const store = new MemoryPageStore();
    const keys = randomBytes(200 * 32, 8);
    new PrefixTree({ store, maxLeavesPerPage: 8 }).setMany(keys, keys);
    for (const b of store.pages.values()) expect(b[0]).toBe(ROW_VERSION);
    // Root rows are split rows; a bottom row from another tree under the same id must be refused.
    const other = new MemoryPageStore();
    new PrefixTree({ store: other, maxLeavesPerPage: 8 }).setMany(
      keys.subarray(0, 32 * 3),
      keys.subarray(0, 32 * 3),
    );
    const id = [...other.pages.keys()].find((i) => i.length === 1 && store.pages.has(i)) as string;
    const ids = [...store.pages.keys()].filter((i) => i.length === 1 && i !== id);
    expect(ids.length).toBeGreaterThan(0);
    store.pages.set(id, other.pages.get(id) as Uint8Array);
    expect(() => new PrefixTree({ store, maxLeavesPerPage: 8 })).toThrow();
  });
});

/** A MemoryPageStore whose `putPages` throws (writing nothing) while `failing` is set. */
class FlakyStore extends MemoryPageStore {
  failing = false;
  override putPages(writes: Parameters<MemoryPageStore["putPages"]>[0]): void {
    if (this.failing) throw new Error("disk full");
    super.putPages(writes);
  }
}

describe("page cache and failed writes", () => {
  it("a failed putPages leaves the tree exactly as before, and later updates continue", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ops: fc.array(fc.tuple(fc.oneof(arbKey, arbRandomKey), arbValue), {
              minLength: 1,
              maxLength: 25,
            }),
            fail: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(undefined, 0, 4096),
        (steps, maxLeavesPerPage, cacheBytes) => {
          const store = new FlakyStore();
          const t = new PrefixTree({ store, maxLeavesPerPage, cacheBytes });
          const reference = new PrefixTree({ maxLeavesPerPage });
          const seen: Uint8Array[] = [];
          for (const { ops, fail } of steps) {
            const before = t.root();
            store.failing = fail;
            const apply = () =>
              t.setMany(
                ops.map((o) => o[0]),
                ops.map((o) => o[1]),
              );
            if (fail) {
              expect(apply).toThrow("disk full");
              expect(t.root()).toEqual(before);
            } else {
              apply();
              reference.setMany(
                ops.map((o) => o[0]),
                ops.map((o) => o[1]),
              );
            }
            for (const o of ops) seen.push(o[0]);
            expect(t.root()).toEqual(reference.root());
            for (const k of seen) {
              expect(t.get(k)).toEqual(reference.get(k));
              expect(t.proveInclusion(k)).toEqual(reference.proveInclusion(k));
            }
          }
          store.failing = false;
          expect(new PrefixTree({ store, maxLeavesPerPage }).root()).toEqual(reference.root());
        },
      ),
      { numRuns: scaled(120, 10) },
    );
  });

  it("with a byte budget pages load on demand and are evicted; results equal an unbounded tree", () => {
    const n = 30_000;
    const keys = randomBytes(n * 32, 77);
    const store = new MemoryPageStore();
    const budget = 200_000;
    const t = PrefixTree.bulkBuild(keys, keys, { store, cacheBytes: budget, maxLeavesPerPage: 32 });
    const full = PrefixTree.bulkBuild(keys, keys, { maxLeavesPerPage: 32 });
    const s0 = t.stats();
    expect(s0.bytes).toBeLessThanOrEqual(budget);
    expect(s0.evictions).toBeGreaterThan(0);
    expect(full.stats().bytes).toBeGreaterThan(10 * budget);
    for (let round = 0; round < 5; round++) {
      const k = randomBytes(500 * 32, 100 + round);
      for (let i = 0; i < 500; i += 5)
        k.set(keys.subarray(((i * 59) % n) * 32, ((i * 59) % n) * 32 + 32), i * 32);
      const v = randomBytes(500 * 32, 200 + round);
      t.setMany(k, v);
      full.setMany(k, v);
      expect(t.root()).toEqual(full.root());
      expect(t.stats().bytes).toBeLessThanOrEqual(budget);
    }
    for (let i = 0; i < n; i += 997) {
      const k = keys.subarray(i * 32, i * 32 + 32);
      expect(t.proveInclusion(k)).toEqual(full.proveInclusion(k));
      expect(t.stats().bytes).toBeLessThanOrEqual(budget);
    }
    expect(t.stats().pageLoads).toBeGreaterThan(0);
    expect(() => new PrefixTree({ cacheBytes: 1 })).toThrow(TypeError);
    expect(() => new PrefixTree({ store, cacheBytes: -1 })).toThrow(RangeError);
  });
});

describe("pinned upper levels", () => {
  /** Counts the rows read, by page type (byte 1 of a row: bit 0 = split page). */
  class ReadCountingStore extends MemoryPageStore {
    splitReads = 0;
    bottomReads = 0;
    override getPage(id: string): Uint8Array | undefined {
      const b = super.getPage(id);
      if (b) {
        if (((b[1] as number) & 1) === 1) this.splitReads++;
        else this.bottomReads++;
      }
      return b;
    }
  }

  it("split pages stay loaded within half the budget: after warm-up a batch loads only bottom pages", () => {
    // Keys under 4 first bytes: the root page splits into 4 split pages of 256 buckets, whose
    // buckets (~29 leaves) are bottom pages of up to 64 leaves.
    const n = 30_000;
    const keys = randomBytes(n * 32, 11);
    for (let i = 0; i < n; i++) keys[i * 32] = (keys[i * 32] as number) & 3;
    const store = new ReadCountingStore();
    const full = PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 64 });
    const budget = 400_000;
    const t = new PrefixTree({ store, cacheBytes: budget, maxLeavesPerPage: 64 });
    const batch = (round: number) => {
      const k = randomBytes(400 * 32, 300 + round);
      for (let i = 0; i < 400; i++) k[i * 32] = (k[i * 32] as number) & 3;
      for (let i = 0; i < 400; i += 4)
        k.set(keys.subarray(((i * 71 + round) % n) * 32, ((i * 71 + round) % n) * 32 + 32), i * 32);
      const v = randomBytes(400 * 32, 400 + round);
      t.setMany(k, v);
      full.setMany(k, v);
      expect(t.root()).toEqual(full.root());
      expect(t.stats().bytes).toBeLessThanOrEqual(budget);
    };
    for (let round = 0; round < 3; round++) batch(round);
    const s0 = t.stats();
    expect(s0.pinned).toBe(4);
    expect(s0.evictions).toBeGreaterThan(0);
    store.splitReads = store.bottomReads = 0;
    for (let round = 3; round < 8; round++) batch(round);
    expect(store.bottomReads).toBeGreaterThan(0);
    expect(store.splitReads).toBe(0);
    expect(t.stats().pinned).toBe(s0.pinned);
    for (let i = 0; i < n; i += 503) {
      const k = keys.subarray(i * 32, i * 32 + 32);
      expect(t.proveInclusion(k)).toEqual(full.proveInclusion(k));
    }
  });

  it("only the top of the tree is pinned: a pinned page's parent is the root or pinned, through evictions", () => {
    // A tight budget over uneven split pages: a split page that does not fit when it loads can have
    // split children that would. Pinning one of those would keep it out of the LRU list under a
    // page that is evicted (and its bytes counted as pinned after it is gone).
    const n = 4583;
    const keys = randomBytes(n * 32, 31);
    for (let i = 0; i < n; i++) keys[i * 32] = (keys[i * 32] as number) & 1;
    const store = new MemoryPageStore();
    const full = PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 15, hash: fastSha256 });
    const t = new PrefixTree({ store, cacheBytes: 145_000, maxLeavesPerPage: 15, hash: fastSha256 });
    /** Pinned pages under an unpinned page other than the root, and pinned pages under pinned ones. */
    const pins = () => {
      let bad = 0;
      let pinned = 0;
      let deep = 0;
      const walk = (p: Page) => {
        if (!p.split) return;
        for (const c of p.children) {
          if (!c) continue;
          if (c.pinned) pinned++;
          if (c.pinned && p.pinned) deep++;
          if (c.pinned && p !== t.rootPage && !p.pinned) bad++;
          walk(c);
        }
      };
      walk(t.rootPage);
      expect(t.stats().pinned).toBe(pinned);
      return { bad, deep };
    };
    let evictions = 0;
    for (let round = 0; round < 6; round++) {
      const k = randomBytes(300 * 32, 900 + round);
      for (let i = 0; i < 300; i++) k[i * 32] = (k[i * 32] as number) & 1;
      const e0 = t.stats().evictions;
      t.setMany(k, k);
      full.setMany(k, k);
      evictions += t.stats().evictions - e0;
      expect(pins().bad).toBe(0);
      for (let i = 0; i < n; i += 151) t.proveInclusion(keys.subarray(i * 32, i * 32 + 32));
      expect(pins().bad).toBe(0);
      expect(t.root()).toEqual(full.root());
    }
    expect(evictions).toBeGreaterThan(0);
    // Pinning reaches below the root's children (the top is more than one level deep here).
    expect(pins().deep).toBeGreaterThan(0);
  });

  it("with no room to pin, split pages are evicted like the rest and results stay exact", () => {
    const n = 3000;
    const keys = randomBytes(n * 32, 12);
    const store = new MemoryPageStore();
    const full = PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
    const t = new PrefixTree({ store, cacheBytes: 2000, maxLeavesPerPage: 8 });
    for (let round = 0; round < 3; round++) {
      const k = randomBytes(50 * 32, 500 + round);
      const v = randomBytes(50 * 32, 600 + round);
      t.setMany(k, v);
      full.setMany(k, v);
      expect(t.root()).toEqual(full.root());
      expect(t.stats().pinned).toBe(0);
    }
    expect(t.stats().evictions).toBeGreaterThan(0);
  });
});

describe("evicting in the middle of an update", () => {
  // 40k leaves under 4 first bytes: 4 split pages over ~1,000 bottom pages of ~40 leaves (~6 KB
  // each, at most 64); a batch of 2,000 keys touches ~900 of them (~5 MB), 25x the budget.
  const n = scaled(40_000);
  const keys = randomBytes(n * 32, 21);
  for (let i = 0; i < n; i++) keys[i * 32] = (keys[i * 32] as number) & 3;
  const budget = scaled(200_000);
  const opts = { maxLeavesPerPage: 64 };
  const batchOf = (round: number, size = scaled(2000)) => {
    const k = randomBytes(size * 32, 700 + round);
    for (let i = 0; i < size; i++) k[i * 32] = (k[i * 32] as number) & 3;
    for (let i = 0; i < size; i += 3)
      k.set(keys.subarray(((i * 97 + round) % n) * 32, ((i * 97 + round) % n) * 32 + 32), i * 32);
    return { k, v: randomBytes(size * 32, 800 + round) };
  };
  const sample = (t: PrefixTree) => {
    const out: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < n; i += 1009) out.push(t.proveInclusion(keys.subarray(i * 32, i * 32 + 32)));
    return out;
  };

  it("a batch loading many times the budget stays near the budget while it runs; results exact", () => {
    const store = new MemoryPageStore();
    PrefixTree.bulkBuild(keys, keys, { ...opts, store });
    const full = PrefixTree.bulkBuild(keys, keys, opts);
    const fullStats = full.stats();
    const t = new PrefixTree({ ...opts, store, cacheBytes: budget });
    const batches0 = store.batches;
    for (let round = 0; round < 3; round++) {
      const { k, v } = batchOf(round);
      const s0 = t.stats();
      t.setMany(k, v);
      full.setMany(k, v);
      const s1 = t.stats();
      expect(t.root()).toEqual(full.root());
      // What the batch loaded would not fit: ~35x the budget.
      const loadedBytes = ((s1.pageLoads - s0.pageLoads) * fullStats.bytes) / fullStats.pages;
      expect(loadedBytes).toBeGreaterThan(15 * budget);
      // ... yet the loaded pages never held more than the budget plus a few pages.
      expect(s1.peakBytes).toBeLessThanOrEqual(budget + 60_000);
      // The peak records the overshoot: a page is loaded before older ones make room.
      expect(s1.peakBytes).toBeGreaterThan(budget);
      expect(s1.bytes).toBeLessThanOrEqual(budget);
    }
    // Still one putPages per update, and the store equals the unbounded tree's.
    expect(store.batches - batches0).toBe(3);
    expect(new PrefixTree({ ...opts, store }).root()).toEqual(full.root());
    expect(sample(t)).toEqual(sample(full));
  });

  /** Throws from `putPages` while `failPut`, or from the `failGetAfter`-th `getPage` from now. */
  class FailingStore extends MemoryPageStore {
    failPut = false;
    failGetAfter = Number.POSITIVE_INFINITY;
    override getPage(id: string): Uint8Array | undefined {
      if (--this.failGetAfter < 0) throw new Error("read failed");
      return super.getPage(id);
    }
    override putPages(writes: Parameters<MemoryPageStore["putPages"]>[0]): void {
      if (this.failPut) throw new Error("disk full");
      super.putPages(writes);
    }
  }

  it("a store failure after pages were evicted mid-batch leaves the tree as it was", () => {
    const store = new FailingStore();
    PrefixTree.bulkBuild(keys, keys, { ...opts, store });
    const reference = PrefixTree.bulkBuild(keys, keys, opts);
    const t = new PrefixTree({ ...opts, store, cacheBytes: budget });
    const apply = (tree: PrefixTree, round: number) => {
      const { k, v } = batchOf(round);
      tree.setMany(k, v);
    };
    apply(t, 0);
    apply(reference, 0);
    const before = t.root();
    const proofsBefore = sample(t);
    const rows = storeDump(store);
    // putPages fails after the batch had to evict pages it changed (their rows were pending).
    const e0 = t.stats().evictions;
    store.failPut = true;
    expect(() => apply(t, 1)).toThrow("disk full");
    store.failPut = false;
    expect(t.stats().evictions - e0).toBeGreaterThan(scaled(20));
    expect(t.root()).toEqual(before);
    expect(sample(t)).toEqual(proofsBefore);
    expect(storeDump(store)).toEqual(rows);
    // A read failing late in a batch (after mid-batch evictions) likewise.
    const e1 = t.stats().evictions;
    store.failGetAfter = scaled(1000);
    expect(() => apply(t, 2)).toThrow("read failed");
    store.failGetAfter = Number.POSITIVE_INFINITY;
    expect(t.stats().evictions - e1).toBeGreaterThan(scaled(20));
    expect(t.root()).toEqual(before);
    expect(sample(t)).toEqual(proofsBefore);
    expect(storeDump(store)).toEqual(rows);
    // Later updates continue and agree with a tree that never failed.
    apply(t, 3);
    apply(reference, 3);
    expect(t.root()).toEqual(reference.root());
    expect(sample(t)).toEqual(sample(reference));
    expect(t.stats().peakBytes).toBeLessThanOrEqual(budget + 60_000);
  });
});
