/**
 * What `stats()` reports, checked against what the tree hands its store and what it holds:
 * mutation testing (tooling/mutate/RESULTS.md) found that the counters and the byte accounting
 * behind the cache budget could drift (a page's growth not counted, a page counted as written
 * twice, the peak lowered) with every root and proof still right.
 */
import { describe, expect, it } from "vitest";
import { MemoryPageStore, type PageWrite, PrefixTree, PrefixTreeErrorCode } from "../src/index.ts";
import { randomBytes, thrown } from "./helpers.ts";

/** A MemoryPageStore that records each putPages call's row ids and each getPages call's ids. */
class RecordingStore extends MemoryPageStore {
  readonly writes: string[][] = [];
  readonly reads: number[] = [];
  override putPages(writes: readonly PageWrite[]): void {
    this.writes.push(writes.map((w) => w.id));
    super.putPages(writes);
  }
  getPages(ids: readonly string[]): (Uint8Array | undefined)[] {
    this.reads.push(ids.length);
    return ids.map((id) => this.getPage(id));
  }
}

/** Pages written by the recorded calls: each call's distinct page ids (a row id less its nibble). */
function pagesIn(writes: string[][]): number {
  let n = 0;
  for (const ids of writes) n += new Set(ids.map((id) => id.slice(0, -1))).size;
  return n;
}

// randomBytes uses seed | 1: odd seeds only, so that different seeds give different keys.
const batchOf = (n: number, seed: number) => randomBytes(n * 32, 2 * seed + 1);

describe("tree stats", () => {
  it("rows and pages written are those handed to the store; updates and leaves count the keys", () => {
    const store = new RecordingStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 8 });
    const sizes = [1, 5, 40, 3, 200, 1, 60];
    let leaves = 0;
    for (const [i, n] of sizes.entries()) {
      const keys = batchOf(n, 100 + i);
      t.setMany(keys, keys);
      leaves += n;
      const s = t.stats();
      expect(s.rowsWritten).toBe(store.pagesWritten);
      expect(s.pagesWritten).toBe(pagesIn(store.writes));
      expect(s.updates).toBe(leaves);
      expect(s.leaves).toBe(leaves);
    }
    // A rewrite of present keys counts as updates, not as new leaves.
    const again = batchOf(40, 102);
    t.setMany(again, again.slice().reverse());
    expect([t.stats().updates, t.stats().leaves]).toEqual([leaves + 40, leaves]);
    expect(t.stats().pagesWritten).toBe(pagesIn(store.writes));
    // Without a store the same counts (the rows that would have been written).
    const bare = new PrefixTree({ maxLeavesPerPage: 8 });
    for (const [i, n] of sizes.entries()) {
      const keys = batchOf(n, 100 + i);
      bare.setMany(keys, keys);
    }
    bare.setMany(again, again.slice().reverse());
    const { pagesWritten, rowsWritten, updates, leaves: l } = t.stats();
    expect(bare.stats()).toMatchObject({ pagesWritten, rowsWritten, updates, leaves: l });
  });

  it("bulkBuild counts its keys and the rows and pages it wrote", () => {
    const store = new RecordingStore();
    const keys = batchOf(300, 7);
    const t = PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
    expect(store.writes.length).toBe(1);
    expect(t.stats()).toMatchObject({
      updates: 300,
      leaves: 300,
      rowsWritten: store.pagesWritten,
      pagesWritten: pagesIn(store.writes),
    });
  });

  it("bulkBuild finds a duplicate key anywhere in the batch", () => {
    const keys = batchOf(100, 9);
    for (const at of [1, 37, 98]) {
      const dup = new Uint8Array(101 * 32);
      dup.set(keys);
      dup.set(keys.subarray(at * 32, at * 32 + 32), 100 * 32);
      expect(thrown(() => PrefixTree.bulkBuild(dup, dup))).toBe(PrefixTreeErrorCode.DuplicateKey);
    }
  });

  it("an empty batch writes nothing and counts nothing", () => {
    const store = new RecordingStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 8 });
    const keys = batchOf(20, 3);
    t.setMany(keys, keys);
    const before = t.stats();
    t.setMany([], []);
    t.setMany(new Uint8Array(0), new Uint8Array(0));
    expect(store.writes.length).toBe(1);
    expect(t.stats()).toEqual(before);
  });

  it("the bytes counted for the cache are the bytes of the loaded pages, through growth and bursts", () => {
    // A budget no update reaches: nothing is evicted, so the peak is the current size.
    const t = new PrefixTree({ store: new MemoryPageStore(), maxLeavesPerPage: 16, cacheBytes: 1e12 });
    for (let i = 0; i < 30; i++) {
      const keys = batchOf(1 + ((i * 7) % 23), 500 + i);
      t.setMany(keys, keys);
      const s = t.stats();
      expect(s.evictions).toBe(0);
      expect(s.peakBytes).toBe(s.bytes);
    }
  });

  it("with a budget: after every call the loaded bytes fit it, and the peak only grows", () => {
    const store = new MemoryPageStore();
    const all = batchOf(2000, 41);
    PrefixTree.bulkBuild(all, all, { store, maxLeavesPerPage: 16 });
    // The root page (never evicted) and room for about ten bottom pages.
    const budget = new PrefixTree({ store, maxLeavesPerPage: 16 }).stats().bytes + 30_000;
    const t = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: budget });
    let peak = t.stats().peakBytes;
    const check = () => {
      const s = t.stats();
      expect(s.bytes).toBeLessThanOrEqual(budget);
      expect(s.peakBytes).toBeGreaterThanOrEqual(Math.max(peak, s.bytes));
      peak = s.peakBytes;
    };
    for (let i = 0; i < 2000; i += 97) {
      const k = all.subarray(i * 32, i * 32 + 32);
      expect(t.get(k)).toEqual(k);
      check();
      expect(t.proveInclusion(all.subarray((i + 5) * 32, (i + 6) * 32))).toBeDefined();
      check();
      expect(t.proveNonInclusion(batchOf(1, i + 1))).toBeDefined();
      check();
      if (i % 3 === 0) {
        const more = batchOf(50, 900 + i);
        t.setMany(more, more);
        check();
      }
    }
    expect(t.stats().evictions).toBeGreaterThan(10);
  });

  it("a page load reads its 16 row ids in one getPages call", () => {
    const store = new RecordingStore();
    const keys = batchOf(400, 17);
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
    store.reads.length = 0;
    const t = new PrefixTree({ store, maxLeavesPerPage: 8 });
    expect(store.reads).toEqual([16]); // the root page
    t.get(keys.subarray(0, 32));
    expect(store.reads.length).toBeGreaterThan(1);
    expect(store.reads.every((n) => n === 16)).toBe(true);
  });

  it("reading an absent key whose bucket holds another page loads nothing", () => {
    const store = new MemoryPageStore();
    const keys = batchOf(400, 19);
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 4 });
    const t = new PrefixTree({ store, maxLeavesPerPage: 4 });
    const root = t.rootPage;
    // A key whose first byte no root item has: the descent ends at an item of another bucket.
    const present = new Set<number>();
    for (let j = 0; j < root.itemCount; j++) present.add(root.keys[j * 32] as number);
    const missing = [...Array(256).keys()].find((b) => !present.has(b)) as number;
    expect(missing).toBeDefined();
    const absent = new Uint8Array(32).fill(missing);
    expect(t.get(absent)).toBeUndefined();
    expect(t.proveInclusion(absent)).toBeUndefined();
    expect(t.stats().pageLoads).toBe(0);
  });
});
