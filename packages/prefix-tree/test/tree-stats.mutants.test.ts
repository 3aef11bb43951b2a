/**
 * What `stats()` reports, checked against what the tree hands its store and what it holds:
 * mutation testing (tooling/mutate/RESULTS.md) found that the counters and the byte accounting
 * behind the cache budget could drift (a page's growth not counted, a page counted as written
 * twice, the peak lowered) with every root and proof still right.
 */
import { describe, expect, it } from "vitest";
import { clearBufferPool } from "../src/buffer-pool.ts";
import { MemoryPageStore, type PageWrite, PrefixTree, PrefixTreeErrorCode } from "../src/index.ts";
import type { Page } from "../src/page.ts";
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

/**
 * A store holding `keys` (8 leaves a page), and an empty buffer pool: the pages loaded next get fresh
 * buffers, whose sizes repeat from tree to tree (a pooled buffer may be larger).
 */
function storeOf(keys: Uint8Array[]): MemoryPageStore {
  const store = new MemoryPageStore();
  PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
  clearBufferPool();
  return store;
}

/** Pages written by the recorded calls: each call's distinct page ids (a row id less its nibble). */
function pagesIn(writes: string[][]): number {
  let n = 0;
  for (const ids of writes) n += new Set(ids.map((id) => id.slice(0, -1))).size;
  return n;
}

// randomBytes uses seed | 1: odd seeds only, so that different seeds give different keys.
const batchOf = (n: number, seed: number) => randomBytes(n * 32, 2 * seed + 1);
const split32 = (b: Uint8Array) =>
  Array.from({ length: b.length / 32 }, (_, i) => b.slice(i * 32, i * 32 + 32));

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

  it("with a budget: after every call the loaded bytes fit it, the peak only grows, writes are counted once", () => {
    const store = new RecordingStore();
    const all = batchOf(2000, 41);
    PrefixTree.bulkBuild(all, all, { store, maxLeavesPerPage: 16 });
    const full = PrefixTree.bulkBuild(all, all, { maxLeavesPerPage: 16 }); // no store, no budget
    store.writes.length = 0;
    store.pagesWritten = 0;
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
      // Absent keys: the pages their walk loaded are trimmed too.
      expect(t.proveInclusion(batchOf(1, i + 3))).toBeUndefined();
      check();
      expect(t.get(batchOf(1, i + 5))).toBeUndefined();
      check();
      if (i % 3 === 0) {
        const more = batchOf(50, 900 + i);
        const evictions = t.stats().evictions;
        t.setMany(more, more);
        full.setMany(more, more);
        check();
        // Pages evicted in the middle of the update had their rows written with the rest, once.
        expect(t.stats().evictions).toBeGreaterThan(evictions);
        expect(t.stats()).toMatchObject({
          rowsWritten: store.pagesWritten,
          pagesWritten: pagesIn(store.writes),
        });
        expect(t.root()).toEqual(full.root());
      }
    }
    expect(t.stats().evictions).toBeGreaterThan(10);
  });

  it("a bottom page holds up to maxLeavesPerPage leaves, bursts only past that, and an update rewrites only its changed row", () => {
    const store = new RecordingStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 4 });
    const keys = batchOf(5, 91);
    for (let i = 0; i < 5; i++) keys[i * 32] = 0x10 * i + 3; // one key per row of the root
    for (let i = 0; i < 4; i++) t.set(keys.subarray(i * 32, i * 32 + 32), keys.subarray(0, 32));
    expect(t.rootPage.split).toBe(false); // exactly 4: still one bottom page
    expect(t.stats().pages).toBe(1);
    const rows = t.stats().rowsWritten;
    t.set(keys.subarray(2 * 32, 3 * 32), keys.subarray(32, 64)); // a value in row 2 only
    expect(t.stats().rowsWritten - rows).toBe(1);
    expect(store.writes.at(-1)).toEqual(["2"]);
    t.set(keys.subarray(4 * 32, 5 * 32), keys.subarray(0, 32)); // the fifth: the page bursts
    expect(t.rootPage.split).toBe(true);
  });

  it("an update that only grows the root page still leaves the cache within its budget", () => {
    const store = new MemoryPageStore();
    const opts = { store, maxLeavesPerPage: 32 }; // ~12 keys a bucket: bottom pages, none pinned
    const all = batchOf(1500, 81);
    for (let i = 0; i < 1500; i++) all[i * 32] = (all[i * 32] as number) & 0xfe; // odd buckets stay empty
    PrefixTree.bulkBuild(all, all, opts);
    // Room for the root twice over (it may double as it grows) and about ten bottom pages.
    const budget = 2 * new PrefixTree(opts).stats().bytes + 30_000;
    const t = new PrefixTree({ ...opts, cacheBytes: budget });
    for (let i = 0; i < 1500; i += 7) t.get(all.subarray(i * 32, i * 32 + 32)); // fill the cache
    const rootBefore = t.rootPage.byteSize();
    expect(t.stats().pinned).toBe(0);
    expect(t.stats().bytes).toBeGreaterThan(budget - 5_000);
    // 100 keys in odd buckets, one each: inline leaves of the root, no child page touched.
    const fresh = batchOf(100, 82);
    for (let i = 0; i < 100; i++) fresh[i * 32] = 2 * i + 1;
    const loads = t.stats().pageLoads;
    t.setMany(fresh, fresh);
    expect(t.stats().pageLoads).toBe(loads);
    expect(t.rootPage.byteSize()).toBeGreaterThan(rootBefore + 5_000);
    expect(t.stats().bytes).toBeLessThanOrEqual(budget);
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

  it("the read-ahead stops at the end of the page's part of the batch", () => {
    // Split pages A (first byte 0x42) and B (0x43), each over bottom pages for second bytes
    // 0x10..0x1f (three keys each). The batch changes A/10, A/11 and B/12: reading A/10 reads A/11
    // with it, but not A/12, whose second byte is that of the next key in the batch (in B).
    const key = (a: number, b: number, c: number) => {
      const k = batchOf(1, 9000 + a * 4096 + b * 16 + c);
      k[0] = a;
      k[1] = b;
      return k;
    };
    const keys: Uint8Array[] = [];
    for (const a of [0x42, 0x43])
      for (let b = 0x10; b < 0x20; b++) for (let c = 0; c < 3; c++) keys.push(key(a, b, c));
    const store = new RecordingStore();
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 4 });
    const t = new PrefixTree({ store, maxLeavesPerPage: 4 });
    t.get(key(0x42, 0x20, 0)); // absent: loads A, not its children
    t.get(key(0x43, 0x20, 0)); // loads B
    expect(t.stats().pages).toBe(3);
    const readIds: string[][] = [];
    const getPages = store.getPages.bind(store);
    store.getPages = (ids) => {
      readIds.push([...new Set(ids.map((id) => id.slice(0, -1)))]);
      return getPages(ids);
    };
    const batch = [key(0x42, 0x10, 5), key(0x42, 0x11, 5), key(0x43, 0x12, 5)];
    t.setMany(batch, batch);
    expect(readIds).toEqual([["4210", "4211"], ["4312"]]);
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
  // At depth 1 every key starts with 0x42: the pages read are the children of split page "42"
  // (stratum 1), where the scan for the next buckets reads key byte 1, not 0.
  it.each([0, 1])(
    "an update reads each unloaded child page it needs once, six pages per getPages call (depth %i)",
    (depth) => {
      const store = new RecordingStore();
      // First key bytes: 0xf0..0xff hold one key each (inline leaves of the root), bytes 0x00, 0x10,
      // .., 0xe0 none (absent buckets), the others about twelve (child pages).
      const all = batchOf(3000, 23);
      const dense = [...Array(0xf0).keys()].filter((b) => b % 16 !== 0);
      for (let i = 0; i < 3000; i++) {
        all[i * 32 + depth] =
          i < 16 ? 0xf0 + i : (dense[(all[i * 32 + depth + 1] as number) % dense.length] as number);
        if (depth === 1) all[i * 32] = 0x42;
      }
      PrefixTree.bulkBuild(all, all, { store, maxLeavesPerPage: 16 });
      const t = new PrefixTree({ store, maxLeavesPerPage: 16 });
      // The split page whose children the batch reads: the root, or page "42" (loaded by a read).
      if (depth === 1) t.get(all.subarray(0, 32));
      const root = depth === 0 ? t.rootPage : (t.rootPage.children[0] as NonNullable<Page["children"][0]>);
      expect(root.split).toBe(true);
      expect(root.stratum).toBe(depth);
      // Buckets of the root holding a bottom child page (2..16 keys), by first key byte.
      const perByte = new Array(256).fill(0);
      for (let i = 0; i < 3000; i++) perByte[all[i * 32 + depth] as number]++;
      expect([perByte[0xe0], perByte[0xf5]]).toEqual([0, 1]);
      const pageBuckets: number[] = [];
      for (let j = 0; j < root.itemCount; j++) {
        const byte = root.keys[j * 32 + depth] as number;
        if (root.kinds[j] === 1 && perByte[byte] <= 14) pageBuckets.push(byte);
      }
      expect(pageBuckets.length).toBeGreaterThan(40);
      const keyIn = (byte: number, n: number) => {
        const k = batchOf(1, 7000 + byte * 4 + n);
        k[depth] = byte;
        if (depth === 1) k[0] = 0x42;
        return k;
      };
      // Warm five of the first twenty pages up; the batch then touches all twenty (two keys each,
      // in reverse order), two pages far above them, an absent bucket (0xe0) and an inline leaf
      // (0xf5) between and after those: the last read (5 pages) looks at both and must skip them.
      // Pages stay bottom pages (at most 16 keys).
      const touched = pageBuckets.slice(0, 20);
      for (const byte of touched.slice(3, 8)) t.get(keyIn(byte, 0));
      const far = pageBuckets.slice(-2);
      expect(far[0]).toBeGreaterThan(touched.at(-1) as number);
      const batch = [...touched, ...far, 0xe0, 0xf5]
        .reverse()
        .flatMap((byte) => [keyIn(byte, 1), keyIn(byte, 2)]);
      store.reads.length = 0;
      const loadsBefore = t.stats().pageLoads;
      const readIds: string[][] = [];
      const getPages = store.getPages.bind(store);
      store.getPages = (ids) => {
        readIds.push([...ids]);
        return getPages(ids);
      };
      t.setMany(batch, batch);
      const need = 15 + far.length; // the unloaded ones
      expect(t.stats().pageLoads - loadsBefore).toBe(need);
      const pagesRead = readIds.flatMap((ids) => [...new Set(ids.map((id) => id.slice(0, -1)))]);
      expect(new Set(pagesRead).size).toBe(pagesRead.length); // none twice
      const hex = (b: number) => (depth === 1 ? "42" : "") + b.toString(16).padStart(2, "0");
      const unloaded = [...touched.slice(0, 3), ...touched.slice(8), ...far].map(hex).sort();
      expect([...pagesRead].sort()).toEqual(unloaded);
      for (const ids of readIds) {
        expect(ids.length % 16).toBe(0);
        expect(ids.length).toBeLessThanOrEqual(96);
      }
      expect(readIds.length).toBe(Math.ceil(need / 6));
      // The same update on a fresh tree gives the same root.
      const fresh = PrefixTree.bulkBuild(all, all, { maxLeavesPerPage: 16 });
      fresh.setMany(batch, batch);
      expect(t.root()).toEqual(fresh.root());
    },
  );
  it("a key repeated in one batch in an empty bucket becomes one inline leaf, not a page", () => {
    const keys = batchOf(64, 31);
    for (let i = 0; i < 64; i++) keys[i * 32] = i * 2; // even first bytes: odd buckets are empty
    const t = PrefixTree.bulkBuild(keys, keys, { maxLeavesPerPage: 8 });
    const pages = t.stats().pages;
    const k = batchOf(1, 32);
    k[0] = 0x41;
    const v1 = batchOf(1, 33);
    const v2 = batchOf(1, 34);
    t.setMany([k, k, k], [v1, v1, v2]);
    expect(t.stats().pages).toBe(pages);
    expect(t.get(k)).toEqual(v2);
    // Two different keys in another empty bucket do make a page.
    const k2 = k.slice();
    k2[0] = 0x43;
    const k3 = k2.slice();
    k3[31] = (k3[31] as number) ^ 1;
    t.setMany([k2, k3, k2], [v1, v1, v2]);
    expect(t.stats().pages).toBe(pages + 1);
    expect([t.get(k2), t.get(k3)]).toEqual([v2, v1]);
    const all = [keys, k, k2, k3];
    const fresh = PrefixTree.bulkBuild(
      Uint8Array.from(all.flatMap((a) => [...a])),
      Uint8Array.from([...keys, ...v2, ...v2, ...v1]),
      { maxLeavesPerPage: 8 },
    );
    expect(t.root()).toEqual(fresh.root());
  });
  it("a split page is pinned when it fits half the budget exactly, not one byte less", () => {
    // 40 keys under first byte 0x10 with distinct second bytes: a split child page of 40 inline
    // leaves; and a few other first bytes, inline leaves of the root.
    const keys = batchOf(48, 37);
    for (let i = 0; i < 48; i++) {
      keys[i * 32] = i < 40 ? 0x10 : 0x80 + i;
      keys[i * 32 + 1] = i;
    }
    const store = new MemoryPageStore();
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 8 });
    // Fresh buffers only: a pooled one may be larger (buffer-pool.ts), and the size must repeat.
    clearBufferPool();
    const probe = new PrefixTree({ store, maxLeavesPerPage: 8, cacheBytes: 1e9 });
    const rootBytes = probe.stats().bytes;
    expect(probe.get(keys.subarray(0, 32))).toEqual(keys.subarray(0, 32));
    const size = probe.stats().bytes - rootBytes;
    expect(probe.stats()).toMatchObject({ pages: 2, pinned: 1 });
    const pinnedWith = (cacheBytes: number) => {
      const t = new PrefixTree({ store, maxLeavesPerPage: 8, cacheBytes });
      clearBufferPool();
      t.get(keys.subarray(0, 32));
      return t.stats().pinned;
    };
    expect(pinnedWith(2 * size)).toBe(1);
    expect(pinnedWith(2 * size - 2)).toBe(0);
  });
  it("a pinned page that grows counts its new bytes against the pin budget", () => {
    // Two split pages under the root: S1 (first byte 0x10) and S2 (0x20), 40 inline leaves each.
    const key = (a: number, b: number) => {
      const k = batchOf(1, a * 256 + b);
      k[0] = a;
      k[1] = b;
      return k;
    };
    const keys: Uint8Array[] = [];
    for (let b = 0; b < 40; b++) keys.push(key(0x10, b), key(0x20, b));
    const more: Uint8Array[] = [];
    for (let b = 100; b < 140; b++) more.push(key(0x10, b)); // 40 new leaves in S1
    const build = () => storeOf(keys);
    const probe = new PrefixTree({ store: build(), maxLeavesPerPage: 8, cacheBytes: 1e9 });
    const r = probe.stats().bytes;
    probe.get(key(0x10, 1));
    const s1 = probe.stats().bytes - r;
    probe.get(key(0x20, 1));
    const s2 = probe.stats().bytes - r - s1;
    probe.setMany(more, more);
    const grown = probe.stats().bytes - r - s2;
    expect(grown).toBeGreaterThan(s1);
    expect(probe.stats().pinned).toBe(2);

    // Half the budget holds S1 and S2 as loaded, not S1 grown and S2: S2, loaded after S1 grew,
    // is not pinned.
    const t = new PrefixTree({ store: build(), maxLeavesPerPage: 8, cacheBytes: 2 * (s1 + s2) });
    t.get(key(0x10, 1));
    expect(t.stats().pinned).toBe(1);
    t.setMany(more, more);
    clearBufferPool(); // S1's old buffer: S2 gets a fresh one, of the size measured
    t.get(key(0x20, 1));
    expect(t.stats()).toMatchObject({ pinned: 1, pages: 3 });
  });
  it("a bottom page's growth does not count against the pin budget", () => {
    // Under the root: S (first byte 0x10), a split page of 40 inline leaves, and B (0x30), a
    // bottom page of three keys that grows to seven.
    const key = (a: number, b: number) => {
      const k = batchOf(1, 5000 + a * 256 + b);
      k[0] = a;
      k[1] = b;
      return k;
    };
    const keys: Uint8Array[] = [];
    for (let b = 0; b < 40; b++) keys.push(key(0x10, b));
    for (let b = 0; b < 3; b++) keys.push(key(0x30, b));
    const more = [4, 5, 6, 7].map((b) => key(0x30, b));
    const build = () => storeOf(keys);
    const probe = new PrefixTree({ store: build(), maxLeavesPerPage: 8, cacheBytes: 1e9 });
    const r = probe.stats().bytes;
    probe.get(key(0x10, 1));
    const size = probe.stats().bytes - r;
    expect(probe.stats().pinned).toBe(1);
    // Half the budget is exactly S's size: S is pinned after B grew, as before.
    const t = new PrefixTree({ store: build(), maxLeavesPerPage: 8, cacheBytes: 2 * size });
    t.get(key(0x30, 1));
    const before = t.stats().bytes;
    t.setMany(more, more);
    expect(t.stats().bytes).toBeGreaterThan(before); // B grew (the root did not: same items)
    expect(t.stats().pinned).toBe(0);
    clearBufferPool(); // B's old buffer: S gets a fresh one, of the size measured
    t.get(key(0x10, 1));
    expect(t.stats()).toMatchObject({ pinned: 1, pages: 3 });
  });

  it("a second key in an inline leaf's bucket makes a page, and the other items stay as they were", () => {
    // 40 inline leaves of the root (first bytes 0, 6, 12, ..), then a key sharing each one's bucket.
    const keys = batchOf(40, 51);
    for (let i = 0; i < 40; i++) keys[i * 32] = i * 6;
    const values = batchOf(40, 52);
    const store = new MemoryPageStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 8 });
    t.setMany(keys, values);
    for (const i of [7, 33, 0, 20]) {
      const k = batchOf(1, 60 + i);
      k[0] = i * 6;
      t.setMany([k], [k]);
      expect(t.get(k)).toEqual(k);
      for (let x = 0; x < 40; x++)
        expect(t.get(keys.subarray(x * 32, x * 32 + 32))).toEqual(values.subarray(x * 32, x * 32 + 32));
    }
    expect(new PrefixTree({ store, maxLeavesPerPage: 8 }).root()).toEqual(t.root());
  });

  it("a batch that changes an inline leaf's value and adds a key to its bucket does both", () => {
    const keys = batchOf(40, 71);
    for (let i = 0; i < 40; i++) keys[i * 32] = i * 6;
    const values = batchOf(40, 72);
    const t = new PrefixTree({ maxLeavesPerPage: 8 });
    t.setMany(keys, values);
    // The inline leaf of bucket 5 * 6 first in the batch (with a new value), then a new key there.
    const old = keys.slice(5 * 32, 6 * 32);
    const added = batchOf(1, 73);
    added[0] = 5 * 6;
    const v1 = batchOf(1, 74);
    const v2 = batchOf(1, 75);
    t.setMany([old, added], [v1, v2]);
    expect(t.get(old)).toEqual(v1);
    expect(t.get(added)).toEqual(v2);
    // The root equals a tree built from the final leaves at once.
    const finalValues = values.slice();
    finalValues.set(v1, 5 * 32);
    const ref = PrefixTree.bulkBuild([...split32(keys), added], [...split32(finalValues), v2]);
    expect(t.root()).toEqual(ref.root());
  });
});
