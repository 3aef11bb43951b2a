/**
 * Gaps found by mutation testing in the storage helpers (tooling/mutate/RESULTS.md, ninth session):
 * `MemoryPageStore`'s counters and in-place rewrites, and the buffer pool's lists, counters and bounds.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  clearBufferPool,
  POOL_LIMIT_BYTES,
  poolCounters,
  pooledBufferBytes,
  releaseBuffer,
  takeBuffer,
} from "../src/buffer-pool.ts";
import { MemoryPageStore } from "../src/index.ts";

describe("MemoryPageStore", () => {
  it("counts each call, row and byte handed to it", () => {
    const s = new MemoryPageStore();
    s.putPages([
      { id: "a", bytes: new Uint8Array(5) },
      { id: "b", bytes: new Uint8Array(7) },
    ]);
    s.putPages([{ id: "a", bytes: new Uint8Array(5).fill(1) }]);
    expect([s.batches, s.pagesWritten, s.bytesWritten]).toEqual([2, 3, 17]);
  });

  it("keeps copies, and rewrites a row of unchanged length in the array getPage returned", () => {
    const s = new MemoryPageStore();
    const first = Uint8Array.of(1, 2, 3);
    s.putPages([{ id: "a", bytes: first }]);
    first.fill(9); // the caller reuses its buffer (the tree does): the store kept its own copy
    const held = s.getPage("a");
    expect(held).toEqual(Uint8Array.of(1, 2, 3));
    s.putPages([{ id: "a", bytes: Uint8Array.of(4, 5, 6) }]);
    expect(held).toEqual(Uint8Array.of(4, 5, 6));
    expect(s.getPage("a")).toBe(held);
    // A row whose length changed is a new array; the one returned before keeps the old bytes.
    s.putPages([{ id: "a", bytes: Uint8Array.of(7, 8) }]);
    expect(s.getPage("a")).toEqual(Uint8Array.of(7, 8));
    expect(held).toEqual(Uint8Array.of(4, 5, 6));
  });
});

describe("buffer pool lists", () => {
  beforeEach(() => clearBufferPool());

  // Capacity 100 is filed under class 96 (the largest not above it): a request for 96 items finds it.
  it("keeps every released buffer of one class, and serves each once", () => {
    const a = new ArrayBuffer(64);
    const b = new ArrayBuffer(64);
    releaseBuffer(a, 100);
    releaseBuffer(b, 100);
    expect(pooledBufferBytes()).toBe(128);
    const hits = poolCounters.hits;
    const got = [takeBuffer(96)?.buf, takeBuffer(96)?.buf];
    expect(new Set(got)).toEqual(new Set([a, b]));
    expect(poolCounters.hits - hits).toBe(2);
    expect(takeBuffer(96)).toBeUndefined();
    expect(pooledBufferBytes()).toBe(0);
  });

  it("clearBufferPool forgets every buffer, so one released again is pooled again", () => {
    const a = new ArrayBuffer(64);
    releaseBuffer(a, 100);
    clearBufferPool();
    expect(pooledBufferBytes()).toBe(0);
    expect(takeBuffer(96)).toBeUndefined();
    releaseBuffer(a, 100);
    expect(pooledBufferBytes()).toBe(64);
    expect(takeBuffer(96)?.buf).toBe(a);
  });

  it("counts every request, served or not", () => {
    const takes = poolCounters.takes;
    takeBuffer(96);
    releaseBuffer(new ArrayBuffer(8), 96);
    takeBuffer(96);
    expect(poolCounters.takes - takes).toBe(2);
  });

  it("a buffer taken, used and given back is pooled again", () => {
    const a = new ArrayBuffer(64);
    releaseBuffer(a, 96);
    expect(takeBuffer(96)?.buf).toBe(a);
    releaseBuffer(a, 96);
    expect(pooledBufferBytes()).toBe(64);
    expect(takeBuffer(96)?.buf).toBe(a);
  });

  it("capacity bounds: 0 items is refused, 1 item is pooled", () => {
    releaseBuffer(new ArrayBuffer(8), 0);
    expect(pooledBufferBytes()).toBe(0);
    const one = new ArrayBuffer(8);
    releaseBuffer(one, 1);
    expect(pooledBufferBytes()).toBe(8);
    expect(takeBuffer(1)?.buf).toBe(one);
  });

  it("the byte limit: a buffer bringing the pool to exactly POOL_LIMIT_BYTES is kept, one byte more is not", () => {
    releaseBuffer(new ArrayBuffer(POOL_LIMIT_BYTES - 8), 1 << 20);
    releaseBuffer(new ArrayBuffer(9), 5);
    expect(pooledBufferBytes()).toBe(POOL_LIMIT_BYTES - 8);
    releaseBuffer(new ArrayBuffer(8), 5);
    expect(pooledBufferBytes()).toBe(POOL_LIMIT_BYTES);
  });
});
