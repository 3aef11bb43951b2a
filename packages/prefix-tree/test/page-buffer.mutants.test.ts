/**
 * A page's one buffer (page.ts `allocate`, `release`, `reserve`) and the buffer pool (buffer-pool.ts):
 * an evicted page gives its buffer back and reads as empty, a page that grows gives back its old
 * buffer and keeps its items, growth is geometric, and the bytes a page counts for the cache budget
 * (found by mutation testing: nothing checked that buffers reach the pool, how often a growing page
 * reallocates, or what a split page's children array adds).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { clearBufferPool, poolCounters, pooledBufferBytes } from "../src/buffer-pool.ts";
import { MemoryPageStore, PrefixTree } from "../src/index.ts";
import { ItemKind, NO_REF, Page, RowArena } from "../src/page.ts";

const keyOf = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(0, i);
  k[31] = 0xa5;
  return k;
};

describe("page buffers", () => {
  beforeEach(() => clearBufferPool());

  it("release gives the buffer to the pool once and leaves the page empty; the next page of that size reuses it", () => {
    const p = new Page("ab", 1, 40);
    for (let i = 0; i < 3; i++) p.addItem(ItemKind.Leaf, keyOf(i), 0, 32);
    p.root = 0;
    const buf = p.left.buffer;
    expect(pooledBufferBytes()).toBe(0);

    p.release();
    expect(pooledBufferBytes()).toBe(buf.byteLength);
    expect([p.itemCount, p.nodeCount, p.root]).toEqual([0, 0, NO_REF]);
    for (const a of [
      p.kinds,
      p.keys,
      p.values,
      p.itemHash,
      p.nodeBit,
      p.nodeHash,
      p.nodeDirty,
      p.left,
      p.right,
    ])
      expect(a.length).toBe(0);
    expect(p.children).toEqual([]);

    p.release(); // an already released page has nothing left to give
    expect(pooledBufferBytes()).toBe(buf.byteLength);

    const q = new Page("cd", 1, 40);
    expect(q.left.buffer).toBe(buf);
    expect(pooledBufferBytes()).toBe(0);
    expect(new Uint8Array(buf).every((b) => b === 0)).toBe(true);
  });

  it("a page the tree's cache evicts gives its buffer to the pool, and the next load reuses it", () => {
    const store = new MemoryPageStore();
    const keys = new Uint8Array(32 * 600);
    for (let i = 0; i < 600; i++) keys.set(keyOf(i * 7_000_000), i * 32);
    PrefixTree.bulkBuild(keys, keys, { store, maxLeavesPerPage: 16 });
    const t = new PrefixTree({ store, maxLeavesPerPage: 16, cacheBytes: 1 });
    clearBufferPool();
    t.get(keys.subarray(0, 32)); // loads a bottom page; the budget of 1 byte evicts it at once
    expect(t.stats()).toMatchObject({ pages: 1, evictions: 1 });
    // The peak remembers the page that was loaded for the read, then evicted.
    expect(t.stats().peakBytes).toBeGreaterThan(t.stats().bytes);
    const pooled = pooledBufferBytes();
    expect(pooled).toBeGreaterThan(0);
    const { hits } = poolCounters;
    t.get(keys.subarray(32, 64)); // the same page again: loaded into the pooled buffer
    expect(poolCounters.hits).toBe(hits + 1);
    expect(pooledBufferBytes()).toBe(pooled);
    expect(t.stats().evictions).toBe(2);
  });

  it("a page that grows gives its old buffer to the pool and keeps its items", () => {
    const p = new Page("", 0, 4);
    for (let i = 0; i < 4; i++) p.addItem(ItemKind.Leaf, keyOf(i), 0, 32);
    const old = p.left.buffer;
    expect(pooledBufferBytes()).toBe(0);
    p.addItem(ItemKind.Leaf, keyOf(4), 0, 32);
    expect(p.left.buffer).not.toBe(old);
    expect(pooledBufferBytes()).toBe(old.byteLength);
    expect(p.itemCount).toBe(5);
    for (let i = 0; i < 5; i++) expect(p.keys.subarray(i * 32, i * 32 + 32)).toEqual(keyOf(i));
  });

  it("growth is geometric: 1,000 items added one by one take 36 allocations, not one per item", () => {
    // Each allocation asks the pool first (poolCounters.takes); capacity grows to
    // max(needed, cap + cap/8 + 2) from 4: 4, 6, 8, 11, 14, 17, 21, ... 1,029.
    const takes0 = poolCounters.takes;
    const p = new Page("", 0, 4);
    for (let i = 0; i < 1000; i++) {
      p.addItem(ItemKind.Leaf, keyOf(i), 0, 32);
      expect(p.kinds.length).toBeGreaterThanOrEqual(p.itemCount);
    }
    expect(poolCounters.takes - takes0).toBe(36);
    expect(p.kinds.length).toBe(1029);
    for (const i of [0, 499, 999]) expect(p.keys.subarray(i * 32, i * 32 + 32)).toEqual(keyOf(i));
  });

  it("byteSize: the buffer, the page's object overheads, and a split page's children array (16 + 8 per slot)", () => {
    const p = new Page("", 0, 256);
    // A fresh buffer (the pool is empty) of exactly the columns' bytes: 255 nodes (left, right: 4 B
    // each; hash 32, bit and dirty flag 1 each) and 256 items (key, value, hash: 32 B each; kind 1).
    expect(p.left.buffer.byteLength).toBe(255 * (8 + 34) + 256 * 97);
    const bottom = p.byteSize();
    // Object overheads as page.ts `byteSize` estimates them: page object 160, ArrayBuffer 96, nine views 64 each.
    expect(bottom).toBe(p.left.buffer.byteLength + 160 + 96 + 9 * 64);
    p.split = true;
    p.children = new Array(256).fill(undefined);
    expect(p.byteSize() - bottom).toBe(16 + 256 * 8);
    p.children = [];
    expect(p.byteSize() - bottom).toBe(16);
  });

  it("a split page loaded from the store has a children slot per item, as one built in memory", () => {
    const store = new MemoryPageStore();
    const keys = Uint8Array.from({ length: 40 * 32 }, (_, i) => (i * 131 + (i >> 5)) & 0xff);
    const built = new PrefixTree({ store, maxLeavesPerPage: 4 });
    built.setMany(keys, keys);
    const loaded = new PrefixTree({ store, maxLeavesPerPage: 4 }).rootPage;
    expect(loaded.split).toBe(true);
    expect(loaded.itemCount).toBe(built.rootPage.itemCount);
    expect(loaded.children.length).toBe(loaded.itemCount);
    expect(built.rootPage.children.length).toBe(loaded.itemCount);
    expect(loaded.byteSize()).toBe(loaded.left.buffer.byteLength + 832 + 16 + 8 * loaded.itemCount);
  });
});

describe("page hashes", () => {
  // hashRef is what batch proofs copy sibling hashes with (batch-proof.ts); the tree's own tests
  // reached it only through them.
  it("hashRef gives a fresh copy of an inner node's or a leaf item's hash", () => {
    const t = new PrefixTree({ maxLeavesPerPage: 64 });
    const keys = Uint8Array.from({ length: 5 * 32 }, (_, i) => (i * 37) & 0xff);
    t.setMany(keys, keys);
    const page = t.rootPage;
    expect(page.root).toBeGreaterThanOrEqual(0);
    const top = page.hashRef(page.root);
    expect(top).toEqual(t.root());
    top.fill(0);
    expect(page.hashRef(page.root)).toEqual(t.root());
    for (let j = 0; j < page.itemCount; j++)
      expect(page.hashRef(~j)).toEqual(page.itemHash.slice(j * 32, j * 32 + 32));
  });
});

describe("row arena", () => {
  it("rows follow one another; reset starts again at the front of the same buffer; a full one is replaced by a bigger one", () => {
    const a = new RowArena(100);
    const first = a.buf;
    expect([a.alloc(30), a.alloc(30), a.alloc(40)]).toEqual([0, 30, 60]);
    a.reset(); // the next update reuses the buffer instead of growing a new one
    expect(a.alloc(50)).toBe(0);
    expect(a.buf).toBe(first);
    expect(a.alloc(51)).toBe(0); // 101 > 100: a fresh buffer of twice the size
    expect(a.buf).not.toBe(first);
    expect(a.buf.length).toBe(200);
    expect(a.view.buffer).toBe(a.buf.buffer);
    expect(a.alloc(500)).toBe(0); // bigger than twice: exactly the row's size
    expect(a.buf.length).toBe(500);
  });
});
