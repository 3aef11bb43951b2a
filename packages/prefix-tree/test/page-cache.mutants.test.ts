/**
 * The page cache's eviction order (prefix-tree.ts `child`, `touch`, `trim`): least recently used
 * first, where a read of a cached page counts as a use. Mutation testing found that results and
 * byte bounds stayed the same when a read no longer moved its page to the front (tooling/mutate/
 * RESULTS.md), so only the reload counts below tell an LRU cache from a FIFO one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { clearBufferPool } from "../src/buffer-pool.ts";
import { MemoryPageStore, PrefixTree } from "../src/index.ts";

// Eight groups of ten keys (first byte 0x00, 0x20, ..): with 16 leaves per page the root splits by
// the first byte into eight bottom pages of ten leaves, all the same size.
const GROUPS = 8;
function key(g: number, i: number): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = g * 0x20;
  k[1] = i;
  k[31] = 0x5a;
  return k;
}

function storeWithGroups(): MemoryPageStore {
  const store = new MemoryPageStore();
  const t = new PrefixTree({ store, maxLeavesPerPage: 16 });
  const keys: Uint8Array[] = [];
  for (let g = 0; g < GROUPS; g++) for (let i = 0; i < 10; i++) keys.push(key(g, i));
  t.setMany(keys, keys);
  clearBufferPool(); // building gave buffers back: loads below get fresh ones, all of one size
  return store;
}

describe("page cache eviction order", () => {
  // Page sizes must repeat from run to run: a pooled buffer may be larger than a fresh one.
  beforeEach(() => clearBufferPool());

  it("evicts the least recently used page: a read moves its page to the front", () => {
    const store = storeWithGroups();
    // Bytes of the root and two loaded pages: a third does not fit.
    const probe = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: 1e9 });
    probe.get(key(0, 1));
    probe.get(key(1, 1));
    const twoPages = probe.stats().bytes;
    expect(probe.stats().pages).toBe(3);

    const t = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: twoPages });
    const loads = () => t.stats().pageLoads;
    const read = (g: number) => expect(t.get(key(g, 3))).toEqual(key(g, 3));
    read(0);
    read(1);
    expect([loads(), t.stats().evictions]).toEqual([2, 0]);
    read(0); // cached: now the most recently used
    expect(loads()).toBe(2);
    read(2); // over budget: evicts page 1, the least recently used
    expect([loads(), t.stats().evictions, t.stats().pages]).toEqual([3, 1, 3]);
    expect(t.stats().bytes).toBeLessThanOrEqual(twoPages);
    read(0);
    expect(loads()).toBe(3);
    read(1);
    expect([loads(), t.stats().evictions]).toEqual([4, 2]); // page 2 went: read before page 0's last read
    read(0);
    expect(loads()).toBe(4);
    read(2);
    expect(loads()).toBe(5);
  });

  it("in an update, evicts least recently used pages only until the cache fits (exactly full is full enough)", () => {
    const store = storeWithGroups();
    const probe = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: 1e9 });
    for (const g of [0, 1, 2]) probe.get(key(g, 1));
    const threePages = probe.stats().bytes;
    clearBufferPool();
    const t = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: threePages });
    for (const g of [0, 1, 2]) t.get(key(g, 1));
    expect(t.stats()).toMatchObject({ pages: 4, evictions: 0, bytes: threePages });
    // A new value in page 3 (its size unchanged): loading it goes over the budget by one page, so
    // the update evicts page 0 alone, which leaves the cache exactly at the budget.
    const value = key(3, 3).map((b) => b ^ 0xff);
    t.setMany([key(3, 3)], [value]);
    expect(t.stats()).toMatchObject({ pages: 4, evictions: 1, pageLoads: 4, bytes: threePages });
    for (const g of [1, 2, 3]) t.get(key(g, 2));
    expect(t.stats().pageLoads).toBe(4);
    expect(t.get(key(3, 3))).toEqual(value);
  });

  it("proofs count as uses too, and a read of the newest page changes nothing", () => {
    const store = storeWithGroups();
    const probe = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: 1e9 });
    probe.get(key(0, 1));
    probe.get(key(1, 1));
    probe.get(key(2, 1));
    const threePages = probe.stats().bytes;
    const t = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: threePages });
    t.get(key(0, 1));
    t.get(key(1, 1));
    t.get(key(2, 1));
    t.get(key(2, 2)); // the newest again
    expect(t.proveInclusion(key(0, 4))).toBeDefined(); // page 0 to the front
    expect(t.proveNonInclusion(key(1, 200))).toBeDefined(); // then page 1
    t.get(key(3, 1)); // evicts page 2
    expect(t.stats().pageLoads).toBe(4);
    t.get(key(0, 1));
    t.get(key(1, 1));
    expect(t.stats().pageLoads).toBe(4);
    t.get(key(2, 1));
    expect(t.stats().pageLoads).toBe(5);
  });
  it("evicting a split page evicts the pages loaded below it at once", () => {
    // Bucket 0x10: a split page S of 101 items (100 inline leaves and the page G of six keys under
    // 0x10 0x80); bucket 0x20: a bottom page X of six keys. S is more than half the budget, so it
    // is not pinned and can be evicted.
    const keys: Uint8Array[] = [];
    const k = (a: number, b: number, c: number) => {
      const x = new Uint8Array(32);
      x[0] = a;
      x[1] = b;
      x[2] = c;
      x[31] = 0x77;
      return x;
    };
    for (let i = 0; i < 100; i++) keys.push(k(0x10, i, 0));
    for (let i = 0; i < 6; i++) keys.push(k(0x10, 0x80, i), k(0x20, i, 0));
    const store = new MemoryPageStore();
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
    clearBufferPool(); // the build gave buffers back; loads below must get fresh ones, of one size
    const probe = new PrefixTree({ store, maxLeavesPerPage: 8, cacheBytes: 1e9 });
    probe.get(k(0x10, 0x80, 1)); // loads S and G
    probe.get(k(0x20, 1, 0)); // loads X
    const all = probe.stats().bytes;
    expect(probe.stats().pages).toBe(4);

    const t = new PrefixTree({ store, maxLeavesPerPage: 8, cacheBytes: all - 1 });
    expect(t.get(k(0x10, 0x80, 1))).toEqual(k(0x10, 0x80, 1));
    expect(t.stats()).toMatchObject({ pages: 3, pinned: 0, evictions: 0 });
    // X does not fit: S, the least recently used, goes, and G with it.
    expect(t.get(k(0x20, 1, 0))).toEqual(k(0x20, 1, 0));
    expect(t.stats()).toMatchObject({ pages: 2, evictions: 2, pageLoads: 3 });
    expect(t.get(k(0x10, 0x80, 2))).toEqual(k(0x10, 0x80, 2));
    expect(t.stats().pageLoads).toBe(5);
  });
});
