/**
 * Gaps found by mutation testing in `prefix-tree.ts` and `page.ts` (tooling/mutate/RESULTS.md, ninth
 * session): argument checks no test reached, a store that lost a page, a row with an extra stored
 * hash, a row id that is not lowercase hex, and rows of more than 1,024 items (scratch growth).
 */
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodePageRow,
  MemoryPageStore,
  PrefixTree,
  PrefixTreeErrorCode,
  verifyInclusion,
} from "../src/index.ts";
import { nodeSha256, randomBytes, thrown } from "./helpers.ts";

const code = thrown;

describe("argument checks", () => {
  it("keys and values: multiples of 32 bytes, Uint8Arrays or arrays of them, the same count", () => {
    for (const f of [
      (k: Uint8Array, v: Uint8Array) => PrefixTree.bulkBuild(k, v),
      (k: Uint8Array, v: Uint8Array) => new PrefixTree().setMany(k, v),
    ]) {
      expect(code(() => f(new Uint8Array(33), new Uint8Array(33)))).toBe("RangeError");
      expect(code(() => f(new Uint8Array(32), new Uint8Array(31)))).toBe("RangeError");
      expect(code(() => f("k" as unknown as Uint8Array, new Uint8Array(32)))).toBe("TypeError");
      expect(code(() => f(new Uint8Array(64), new Uint8Array(32)))).toBe("RangeError");
      expect(code(() => f(new Uint8Array(32), new Uint8Array(64)))).toBe("RangeError");
    }
  });

  it("arrays of keys: every element a 32-byte Uint8Array; array-likes and sets are refused", () => {
    const k = randomBytes(32, 5);
    for (const f of [
      (a: unknown, b: unknown) => PrefixTree.bulkBuild(a as Uint8Array[], b as Uint8Array[]),
      (a: unknown, b: unknown) => new PrefixTree().setMany(a as Uint8Array[], b as Uint8Array[]),
    ]) {
      expect(code(() => f([k, 7], [k, k]))).toBe("TypeError");
      expect(code(() => f([k, [...k]], [k, k]))).toBe("TypeError");
      expect(code(() => f([k, k.subarray(1)], [k, k]))).toBe("RangeError");
      expect(code(() => f(new Set([k]), [k]))).toBe("TypeError");
      expect(code(() => f([k], new Set([k])))).toBe("TypeError");
      expect(code(() => f({ length: 1, 0: k }, [k]))).toBe("TypeError");
    }
  });

  it("get, set and the proofs take 32-byte Uint8Array keys (and set a 32-byte value)", () => {
    const t = new PrefixTree();
    const k = randomBytes(32, 6);
    t.set(k, k);
    for (const bad of [k.subarray(1), new Uint8Array(33), [...k]]) {
      const key = bad as Uint8Array;
      const want = Array.isArray(bad) ? "TypeError" : "RangeError";
      expect(code(() => t.get(key))).toBe(want);
      expect(code(() => t.set(key, k))).toBe(want);
      expect(code(() => t.set(k, key))).toBe(want);
      expect(code(() => t.proveInclusion(key))).toBe(want);
      expect(code(() => t.proveNonInclusion(key))).toBe(want);
    }
    // An array holding one key is what setMany takes, not set: set refuses it rather than set it.
    const other = k.map((b, i) => (i === 0 ? b ^ 0x80 : b));
    expect(code(() => t.set([other] as unknown as Uint8Array, k))).toBe("TypeError");
    expect(code(() => t.set(other, [k] as unknown as Uint8Array))).toBe("TypeError");
    expect(t.get(other)).toBeUndefined();
    expect(t.get(k)).toEqual(k);
    expect(t.stats().updates).toBe(1);
  });

  it("cacheBytes: a non-negative number, with a store", () => {
    const store = new MemoryPageStore();
    for (const bad of [-1, Number.NaN, "1000", 1000n, null])
      expect(code(() => new PrefixTree({ store, cacheBytes: bad as number }))).toBe("RangeError");
    expect(code(() => new PrefixTree({ cacheBytes: 1000 }))).toBe("TypeError");
    for (const ok of [0, 1000, Number.POSITIVE_INFINITY])
      expect(code(() => new PrefixTree({ store, cacheBytes: ok }))).toBeUndefined();
  });

  it("maxLeavesPerPage: an integer in [2, 2^20]", () => {
    for (const bad of [1, 1.5, (1 << 20) + 1, Number.NaN])
      expect(code(() => new PrefixTree({ maxLeavesPerPage: bad }))).toBe("RangeError");
    for (const ok of [2, 1 << 20])
      expect(code(() => new PrefixTree({ maxLeavesPerPage: ok }))).toBeUndefined();
  });

  it("bulkBuild refuses a store that already holds a tree", () => {
    const store = new MemoryPageStore();
    PrefixTree.bulkBuild([randomBytes(32, 1)], [randomBytes(32, 2)], { store });
    expect(code(() => PrefixTree.bulkBuild([randomBytes(32, 3)], [randomBytes(32, 4)], { store }))).toBe(
      PrefixTreeErrorCode.Malformed,
    );
  });

  it("decodePageRow refuses an id that is not a string and bytes that are not a Uint8Array", () => {
    const store = new MemoryPageStore();
    PrefixTree.bulkBuild([randomBytes(32, 1)], [randomBytes(32, 2)], { store });
    const [id, bytes] = [...store.pages][0] as [string, Uint8Array];
    expect(decodePageRow(id, bytes).count).toBe(1);
    expect(code(() => decodePageRow(7 as unknown as string, bytes))).toBe("TypeError");
    expect(code(() => decodePageRow(id, [...bytes] as unknown as Uint8Array))).toBe("TypeError");
  });
});

/** A tree of `n` random leaves in small pages, its store, and the leaves. */
function stored(n: number, maxLeavesPerPage: number) {
  const keys = Array.from({ length: n }, (_, i) => randomBytes(32, 1000 + 2 * i));
  const values = Array.from({ length: n }, (_, i) => randomBytes(32, 1001 + 2 * i));
  const store = new MemoryPageStore();
  const tree = PrefixTree.bulkBuild(keys, values, { store, maxLeavesPerPage });
  return { keys, values, store, root: tree.root() };
}

describe("loading pages", () => {
  it("a page missing from the store is a PageMissing error, not a wrong answer", () => {
    const { keys, store } = stored(2_000, 4);
    const bottom = [...store.pages.keys()].filter((id) => id.length === 3);
    expect(bottom.length).toBeGreaterThan(0);
    const lost = bottom[0] as string;
    for (const id of [...store.pages.keys()]) if (id.startsWith(lost.slice(0, 2))) store.pages.delete(id);
    const reopened = new PrefixTree({ store, maxLeavesPerPage: 4, cacheBytes: 1 });
    const key = keys.find((k) => (k[0] as number).toString(16).padStart(2, "0") === lost.slice(0, 2));
    expect(key).toBeDefined();
    expect(code(() => reopened.get(key as Uint8Array))).toBe(PrefixTreeErrorCode.PageMissing);
  });

  it("a stored row with one inner hash too many is refused on load (as trailing bytes of that row)", () => {
    const { keys, store } = stored(2_000, 4);
    const id = [...store.pages.keys()].find((i) => i.length === 3) as string;
    const row = store.pages.get(id) as Uint8Array;
    const longer = new Uint8Array(row.length + 32);
    longer.set(row);
    store.pages.set(id, longer);
    const reopened = new PrefixTree({ store, maxLeavesPerPage: 4, cacheBytes: 1 });
    const key = keys.find((k) => (k[0] as number).toString(16).padStart(2, "0") === id.slice(0, 2));
    let err: unknown;
    try {
      reopened.get(key as Uint8Array);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe(PrefixTreeErrorCode.Trailing);
  });

  it("a row id whose page prefix is upper-case hex is refused", () => {
    const { store } = stored(2_000, 4);
    const id = [...store.pages.keys()].find((i) => i.length === 3 && /[a-f]/.test(i.slice(0, 2))) as string;
    const bytes = store.pages.get(id) as Uint8Array;
    expect(decodePageRow(id, bytes).stratum).toBe(1);
    const upper = id.slice(0, 2).toUpperCase() + id.slice(2);
    expect(code(() => decodePageRow(upper, bytes))).toBe(PrefixTreeErrorCode.Malformed);
  });

  it("rows of more than 1,024 items encode and load back (scratch growth)", () => {
    const n = 20_000;
    const { keys, values, store, root } = stored(n, 1 << 15);
    expect(Math.max(...[...store.pages].map(([id, b]) => decodePageRow(id, b).count))).toBeGreaterThan(1024);
    const reopened = new PrefixTree({ store, maxLeavesPerPage: 1 << 15 });
    expect(reopened.root()).toEqual(root);
    for (const i of [0, 7_777, n - 1]) {
      const proof = reopened.proveInclusion(keys[i] as Uint8Array) as Uint8Array;
      expect(verifyInclusion(root, keys[i] as Uint8Array, values[i] as Uint8Array, proof)).toBe(true);
    }
  });
});

describe("a failed update", () => {
  /** SHA-256 that throws while `failing` (an out-of-memory error or a broken hash, mid-update). */
  const flakyHash = () => {
    const state = { failing: false, calls: 0 };
    const hash = (d: Uint8Array) => {
      if (state.failing && ++state.calls > 20) throw new Error("hash failed");
      return nodeSha256(d);
    };
    return { state, hash };
  };
  const batch = (n: number, seed: number) => randomBytes(n * 32, seed);

  it("without a store, the tree refuses every later use instead of answering from half an update", () => {
    const { state, hash } = flakyHash();
    const t = PrefixTree.bulkBuild(batch(200, 1), batch(200, 2), { hash, maxLeavesPerPage: 8 });
    const k = batch(100, 3);
    state.failing = true;
    expect(() => t.setMany(k, k)).toThrow("hash failed");
    state.failing = false;
    const key = k.subarray(0, 32);
    for (const use of [
      () => t.root(),
      () => t.get(key),
      () => t.proveInclusion(key),
      () => t.proveNonInclusion(key),
      () => t.setMany(k, k),
      () => t.stats(),
    ])
      expect(code(use)).toBe(PrefixTreeErrorCode.FailedUpdate);
  });

  it("with a store, the tree reloads the state before the update and continues", () => {
    const { state, hash } = flakyHash();
    const store = new MemoryPageStore();
    const t = PrefixTree.bulkBuild(batch(200, 1), batch(200, 2), { hash, store, maxLeavesPerPage: 8 });
    const reference = PrefixTree.bulkBuild(batch(200, 1), batch(200, 2), { maxLeavesPerPage: 8 });
    const before = t.root();
    const k = batch(100, 3);
    state.failing = true;
    expect(() => t.setMany(k, k)).toThrow("hash failed");
    state.failing = false;
    expect(t.root()).toEqual(before);
    t.setMany(k, k);
    reference.setMany(k, k);
    expect(t.root()).toEqual(reference.root());
    expect(t.proveInclusion(k.subarray(32, 64))).toEqual(reference.proveInclusion(k.subarray(32, 64)));
  });

  /** A MemoryPageStore that counts row reads, and whose `putPages` throws while `failPut`. */
  class CountingStore extends MemoryPageStore {
    reads = 0;
    failPut = false;
    override getPage(id: string): Uint8Array | undefined {
      this.reads++;
      return super.getPage(id);
    }
    override putPages(writes: Parameters<MemoryPageStore["putPages"]>[0]): void {
      if (this.failPut) throw new Error("disk full");
      super.putPages(writes);
    }
  }

  it("the root page is reloaded once: at the failure, or at the next use when the reload failed too", () => {
    const { state, hash } = flakyHash();
    const store = new CountingStore();
    const t = PrefixTree.bulkBuild(batch(200, 1), batch(200, 2), { hash, store, maxLeavesPerPage: 8 });
    const before = t.root();
    const k = batch(100, 3);
    // The write fails: the root page is read again while the update fails, and not after.
    store.failPut = true;
    store.reads = 0;
    expect(() => t.setMany(k, k)).toThrow("disk full");
    store.failPut = false;
    expect(store.reads).toBe(16); // the root page's rows
    expect(t.root()).toEqual(before);
    expect(t.root()).toEqual(before);
    expect(store.reads).toBe(16);
    // The hash fails mid-update and again while the root page is reloaded: the update's own
    // error is thrown, and the next use reloads the root page, once.
    state.failing = true;
    expect(() => t.setMany(k, k)).toThrow("hash failed");
    state.failing = false;
    store.reads = 0;
    expect(t.root()).toEqual(before);
    expect(store.reads).toBe(16);
    expect(t.root()).toEqual(before);
    expect(t.stats().leaves).toBeGreaterThan(0);
    expect(store.reads).toBe(16);
  });
});
