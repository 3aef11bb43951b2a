import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeRoot,
  decodePageRow,
  defaultSha256,
  emptyRoot,
  fastSha256,
  MemoryPageStore,
  PrefixTree,
  PrefixTreeError,
  ProofVersion,
  verifyInclusion,
  verifyNonInclusion,
} from "../src/index.ts";
import { arbKey, arbRandomKey, arbValue, hex, nodeSha256, randomBytes } from "./helpers.ts";

type Op = [Uint8Array, Uint8Array];

function model(ops: Op[]): Map<string, Op> {
  const m = new Map<string, Op>();
  for (const [k, v] of ops) m.set(hex(k), [k, v]);
  return m;
}

describe("PrefixTree", () => {
  it("empty tree has root H('') and proves non-inclusion", () => {
    const t = new PrefixTree();
    expect(t.root()).toEqual(emptyRoot());
    const k = new Uint8Array(32);
    expect(t.get(k)).toBeUndefined();
    expect(t.proveInclusion(k)).toBeUndefined();
    const p = t.proveNonInclusion(k) as Uint8Array;
    expect(p.length).toBe(9);
    expect(verifyNonInclusion(t.root(), k, p)).toBe(true);
    expect(verifyNonInclusion(new Uint8Array(32), k, p)).toBe(false);
  });

  it("root equals a from-scratch recomputation after any sequence of batches", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(arbKey, arbValue), { minLength: 1, maxLength: 12 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom(2, 3, 5, 512),
        fc.constantFrom(defaultSha256, fastSha256, nodeSha256),
        (batches, maxLeavesPerPage, hash) => {
          // computeRoot below uses the default (@noble/hashes): three hashes cross-checked.
          const t = new PrefixTree({ maxLeavesPerPage, hash });
          const all: Op[] = [];
          for (const b of batches) {
            t.setMany(
              b.map((x) => x[0]),
              b.map((x) => x[1]),
            );
            all.push(...b);
            expect(hex(t.root())).toBe(hex(computeRoot([...model(all).values()])));
          }
          for (const [k, v] of model(all).values()) expect(t.get(k)).toEqual(v);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("every proof verifies, and none for another key, value or root", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbKey, arbValue), { minLength: 1, maxLength: 20 }),
        arbKey,
        fc.constantFrom(2, 4, 512),
        fc.constantFrom(defaultSha256, fastSha256),
        (ops, probe, maxLeavesPerPage, hash) => {
          const t = new PrefixTree({ maxLeavesPerPage, hash });
          for (const [k, v] of ops) t.set(k, v);
          const m = model(ops);
          const root = t.root();
          const badRoot = root.slice();
          badRoot[7] = (badRoot[7] as number) ^ 1;
          for (const [k, v] of m.values()) {
            const p = t.proveInclusion(k) as Uint8Array;
            expect(verifyInclusion(root, k, v, p)).toBe(true);
            expect(verifyInclusion(root, k, v, p, nodeSha256)).toBe(true);
            expect(verifyInclusion(root, k, v, p, fastSha256)).toBe(true);
            expect(verifyInclusion(badRoot, k, v, p, fastSha256)).toBe(false);
            const v2 = v.slice();
            v2[0] = (v2[0] as number) ^ 0x80;
            expect(verifyInclusion(root, k, v2, p)).toBe(false);
            expect(verifyInclusion(badRoot, k, v, p)).toBe(false);
            for (const [k2] of m.values())
              if (hex(k2) !== hex(k)) expect(verifyInclusion(root, k2, v, p)).toBe(false);
            expect(t.proveNonInclusion(k)).toBeUndefined();
          }
          if (!m.has(hex(probe))) {
            expect(t.proveInclusion(probe)).toBeUndefined();
            const np = t.proveNonInclusion(probe) as Uint8Array;
            expect(verifyNonInclusion(root, probe, np)).toBe(true);
            expect(verifyNonInclusion(root, probe, np, fastSha256)).toBe(true);
            expect(verifyNonInclusion(badRoot, probe, np, fastSha256)).toBe(false);
            expect(verifyNonInclusion(badRoot, probe, np)).toBe(false);
            // The proof must not work for a present key.
            for (const [k] of m.values()) expect(verifyNonInclusion(root, k, np)).toBe(false);
          }
          // A non-inclusion proof built for a present key's neighbour must not show it absent.
          for (const [k] of m.values()) {
            const inc = t.proveInclusion(k) as Uint8Array;
            const fake = new Uint8Array(inc.length + 32);
            fake.set(inc.subarray(0, 9), 0);
            fake[8] = ProofVersion.NonInclusion;
            fake.set(k, 9);
            fake.set(inc.subarray(9), 41);
            expect(verifyNonInclusion(root, k, fake)).toBe(false);
            expect(verifyNonInclusion(root, k, fake, fastSha256)).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("bulk build equals incremental sets, at any page size and with random keys", () => {
    for (const n of [0, 1, 2, 3, 100, 2000]) {
      const keys = randomBytes(n * 32, n + 1);
      const values = randomBytes(n * 32, n + 7);
      const want = computeRoot(
        Array.from(
          { length: n },
          (_, i) => [keys.slice(i * 32, i * 32 + 32), values.slice(i * 32, i * 32 + 32)] as const,
        ),
      );
      for (const maxLeavesPerPage of [2, 16, 512]) {
        expect(PrefixTree.bulkBuild(keys, values, { maxLeavesPerPage }).root()).toEqual(want);
        expect(PrefixTree.bulkBuild(keys, values, { maxLeavesPerPage, hash: fastSha256 }).root()).toEqual(
          want,
        );
        const t = new PrefixTree({ maxLeavesPerPage });
        t.setMany(keys, values);
        expect(t.root()).toEqual(want);
      }
    }
  });

  it("bulk build sorts clustered keys (large and small buckets of the counting sort)", () => {
    // At this size buckets are the first 16 key bits: 3,000 keys in 3 buckets (comparison sort)
    // and 500 in buckets of 4 (insertion sort), the rest of each key random.
    const n = 3500;
    const keys = randomBytes(n * 32, 77);
    for (let i = 0; i < 3000; i++) {
      keys[i * 32] = i % 3;
      keys[i * 32 + 1] = 0x80;
      keys[i * 32 + 2] = (i >> 5) & 0x0f;
    }
    for (let i = 3000; i < n; i++) {
      keys[i * 32] = 0xf0;
      keys[i * 32 + 1] = (i >> 2) & 0xff;
    }
    const values = randomBytes(n * 32, 78);
    const pairs = Array.from(
      { length: n },
      (_, i) => [keys.slice(i * 32, i * 32 + 32), values.slice(i * 32, i * 32 + 32)] as const,
    );
    const want = computeRoot(pairs);
    for (const maxLeavesPerPage of [4, 512]) {
      const t = PrefixTree.bulkBuild(keys, values, { maxLeavesPerPage, hash: fastSha256 });
      expect(t.root()).toEqual(want);
      for (const [k, v] of pairs) expect(t.get(k)).toEqual(v);
    }
  });

  it("rejects duplicate keys in bulkBuild", () => {
    const k = randomBytes(64, 3);
    k.set(k.subarray(0, 32), 32);
    expect(() => PrefixTree.bulkBuild(k, new Uint8Array(64))).toThrow(PrefixTreeError);
  });

  it("a later duplicate in one batch wins", () => {
    const k = randomBytes(32, 5);
    const t = new PrefixTree();
    const v1 = new Uint8Array(32).fill(1);
    const v2 = new Uint8Array(32).fill(2);
    t.setMany([k, k], [v1, v2]);
    expect(t.get(k)).toEqual(v2);
    expect(t.root()).toEqual(computeRoot([[k, v2]]));
  });

  it("matches node:crypto when built with it", () => {
    const keys = randomBytes(300 * 32, 11);
    const values = randomBytes(300 * 32, 12);
    expect(PrefixTree.bulkBuild(keys, values, { hash: nodeSha256 }).root()).toEqual(
      PrefixTree.bulkBuild(keys, values).root(),
    );
  });

  it("rejects a hash that is not SHA-256", () => {
    expect(() => new PrefixTree({ hash: () => new Uint8Array(32) })).toThrow(TypeError);
    expect(() => new PrefixTree({ hash: () => new Uint8Array(31) })).toThrow(TypeError);
  });

  it("persists pages: one putPages per update, reopen gives the same tree and continues", () => {
    const store = new MemoryPageStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 8, hash: nodeSha256 });
    const n = 600;
    const keys = randomBytes(n * 32, 21);
    const values = randomBytes(n * 32, 22);
    for (let i = 0; i < n; i += 50)
      t.setMany(keys.subarray(i * 32, (i + 50) * 32), values.subarray(i * 32, (i + 50) * 32));
    expect(store.batches).toBe(n / 50);
    const reopened = new PrefixTree({ store, maxLeavesPerPage: 8 });
    expect(reopened.root()).toEqual(t.root());
    for (let i = 0; i < n; i += 37) {
      const k = keys.slice(i * 32, i * 32 + 32);
      expect(reopened.get(k)).toEqual(values.slice(i * 32, i * 32 + 32));
      expect(reopened.proveInclusion(k)).toEqual(t.proveInclusion(k));
    }
    const more = randomBytes(100 * 32, 23);
    reopened.setMany(more, more);
    t.setMany(more, more);
    expect(reopened.root()).toEqual(t.root());
    // Every stored page decodes, and a third instance sees the latest state.
    for (const [id, bytes] of store.pages) expect(() => decodePageRow(id, bytes)).not.toThrow();
    expect(new PrefixTree({ store, maxLeavesPerPage: 8 }).root()).toEqual(t.root());
  });

  it("a page that does not match its parent's hash is refused", () => {
    const store = new MemoryPageStore();
    const t = new PrefixTree({ store, maxLeavesPerPage: 4 });
    const keys = randomBytes(64 * 32, 31);
    t.setMany(keys, keys);
    const other = new MemoryPageStore();
    const t2 = new PrefixTree({ store: other, maxLeavesPerPage: 4 });
    t2.setMany(keys, randomBytes(64 * 32, 32));
    const childId = [...store.pages.keys()].find((id) => id.length === 3 && other.pages.has(id)) as string;
    store.pages.set(childId, other.pages.get(childId) as Uint8Array);
    const reopened = new PrefixTree({ store, maxLeavesPerPage: 4 });
    expect(() => {
      for (let i = 0; i < 64; i++) reopened.get(keys.subarray(i * 32, i * 32 + 32));
    }).toThrow(PrefixTreeError);
  });

  it("proofs of random trees verify and have the expected shape", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbRandomKey, arbValue), { minLength: 1, maxLength: 50 }), (ops) => {
        const t = new PrefixTree({ maxLeavesPerPage: 3 });
        t.setMany(
          ops.map((o) => o[0]),
          ops.map((o) => o[1]),
        );
        const m = model(ops);
        for (const [k, v] of m.values()) {
          const p = t.proveInclusion(k) as Uint8Array;
          expect((p.length - 41) % 33).toBe(0);
          expect(verifyInclusion(t.root(), k, v, p)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("proof verifiers on hostile input", () => {
  it("verifyInclusion / verifyNonInclusion: >= 10,000 random and mutated proofs return booleans, never throw", () => {
    const keys = randomBytes(64 * 32, 51);
    const t = new PrefixTree({ maxLeavesPerPage: 4 });
    t.setMany(keys, keys);
    const root = t.root();
    const k0 = keys.slice(0, 32);
    const good = t.proveInclusion(k0) as Uint8Array;
    const absent = new Uint8Array(32).fill(0x42);
    const goodNon = t.proveNonInclusion(absent) as Uint8Array;
    expect(verifyNonInclusion(root, absent, goodNon)).toBe(true);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.tuple(fc.constantFrom(good, goodNon), fc.nat(), fc.nat({ max: 7 })).map(([p, at, bit]) => {
            const o = p.slice();
            o[at % o.length] = (o[at % o.length] as number) ^ (1 << bit);
            return o;
          }),
          fc.tuple(fc.constantFrom(good, goodNon), fc.nat()).map(([p, n]) => p.slice(0, n % p.length)),
        ),
        (p) => {
          // Every mutation of a valid proof must fail; random bytes must just not throw.
          const inc = verifyInclusion(root, k0, k0, p);
          const non = verifyNonInclusion(root, absent, p);
          // The allocation-free path must decide exactly the same.
          expect(verifyInclusion(root, k0, k0, p, fastSha256)).toBe(inc);
          expect(verifyNonInclusion(root, absent, p, fastSha256)).toBe(non);
          expect(typeof inc).toBe("boolean");
          expect(typeof non).toBe("boolean");
          if (p.length === good.length && hex(p) !== hex(good)) expect(inc).toBe(false);
          if (p.length === goodNon.length && hex(p) !== hex(goodNon)) expect(non).toBe(false);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
