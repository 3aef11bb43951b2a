import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyBatch,
  computeRoot,
  emptyRoot,
  encodeTreeEvent,
  fastSha256,
  joinShardProof,
  keyForNormalizedDomain,
  MemoryPageStore,
  PrefixTree,
  planShardBatch,
  proveBatch,
  proveShardBatch,
  ShardTop,
  shardBits,
  shardOf,
  shardRoot,
  type TreeEvent,
  type TreeEventBatch,
  verifyBatch,
  verifyInclusion,
} from "../src/index.ts";
import { hex } from "./helpers.ts";

const H = fastSha256;
const key = (d: string) => keyForNormalizedDomain(d, H);

/** Domains whose keys share their first 16 bits (pairs), found by hashing candidates once. */
function sharedPrefixDomains(pairs: number): string[] {
  const seen = new Map<number, string>();
  const out: string[] = [];
  for (let i = 0; out.length < 2 * pairs; i++) {
    const d = `p${i}.example`;
    const k = key(d);
    const b = ((k[0] as number) << 8) | (k[1] as number);
    const other = seen.get(b);
    if (other !== undefined) {
      out.push(other, d);
      seen.delete(b);
    } else seen.set(b, d);
  }
  return out;
}

const SHARED = sharedPrefixDomains(3);
const POOL = [...SHARED, ...Array.from({ length: 14 }, (_, i) => `r${i}.example`)];

/**
 * The sharded tree as the service runs it, in memory: one PrefixTree per shard (paged, with a
 * small cache so pages load and evict), the top rebuilt from the shard roots after each batch.
 */
class Sharded {
  readonly trees: PrefixTree[];
  top: ShardTop;
  readonly count: number;
  constructor(count: number) {
    this.count = count;
    this.trees = Array.from(
      { length: count },
      () =>
        new PrefixTree({ hash: H, store: new MemoryPageStore(), maxLeavesPerPage: 4, cacheBytes: 20_000 }),
    );
    this.top = new ShardTop(this.roots(), H);
  }
  roots() {
    return this.trees.map((t) => shardRoot(t));
  }
  /** Seals one batch the way the coordinator does; returns the proof and the new root. */
  apply(batch: TreeEventBatch): { proof: Uint8Array; root: Uint8Array } {
    const keys: Uint8Array[] = [];
    const seen = new Set<string>();
    for (const e of batch.events) {
      const k = key(e.domain);
      if (!seen.has(hex(k))) keys.push(k);
      seen.add(hex(k));
    }
    const old = this.top;
    const parts = new Map<number, Uint8Array>();
    for (const [s, ks] of old.route(keys)) parts.set(s, proveShardBatch(this.trees[s] as PrefixTree, ks));
    const byShard = new Map<number, TreeEvent[]>();
    for (const e of batch.events) {
      const s = shardOf(key(e.domain), this.count);
      byShard.set(s, [...(byShard.get(s) ?? []), e]);
    }
    for (const [s, events] of byShard) applyBatch(this.trees[s] as PrefixTree, { events });
    this.top = new ShardTop(this.roots(), H);
    const root = this.top.root();
    return { proof: old.batchProof(keys, parts, root), root };
  }
  proveInclusion(k: Uint8Array): Uint8Array | undefined {
    const s = shardOf(k, this.count);
    const p = (this.trees[s] as PrefixTree).proveInclusion(k);
    return p && joinShardProof(p, this.top.segments(s));
  }
  proveNonInclusion(k: Uint8Array): Uint8Array | undefined {
    const s = this.top.landing(k);
    if (s === undefined) return (this.trees[0] as PrefixTree).proveNonInclusion(k); // "mptproof" || 0x00
    const p = (this.trees[s] as PrefixTree).proveNonInclusion(k);
    return p && joinShardProof(p, this.top.segments(s));
  }
}

const arbStream = fc.array(
  fc.array(fc.record({ d: fc.nat({ max: POOL.length - 1 }), r: fc.nat({ max: 255 }), h: fc.boolean() }), {
    minLength: 1,
    maxLength: 8,
  }),
  { minLength: 1, maxLength: 6 },
);

function toBatches(stream: { d: number; r: number; h: boolean }[][]): TreeEventBatch[] {
  const known = new Set<string>();
  let t = 100n;
  return stream.map((xs) => ({
    events: xs.map((x) => {
      const domain = POOL[x.d] as string;
      const hosts = !known.has(domain) || x.h ? [`https://h${x.r % 3}.example`] : null;
      known.add(domain);
      t += 1n;
      return { domain, assetHosts: hosts, newResourceHash: new Uint8Array(32).fill(x.r), timestamp: t };
    }),
  }));
}

describe("sharded tree (shard.ts)", () => {
  it("shardBits and shardOf take the key's leading bits", () => {
    expect([1, 2, 16, 256].map(shardBits)).toEqual([0, 1, 4, 8]);
    for (const bad of [0, 3, 512, 1.5, -16]) expect(() => shardBits(bad)).toThrow(RangeError);
    const k = new Uint8Array(32);
    k[0] = 0xa7;
    expect(shardOf(k, 1)).toBe(0);
    expect(shardOf(k, 16)).toBe(0xa);
    expect(shardOf(k, 256)).toBe(0xa7);
    expect(() => shardOf(new Uint8Array(31), 16)).toThrow(RangeError);
  });

  it("the top of empty shards is H(''); of one non-empty shard, that shard's root", () => {
    expect(new ShardTop(new Array(16).fill(undefined), H).root()).toEqual(emptyRoot());
    const r = H(Uint8Array.of(1));
    const roots: (Uint8Array | undefined)[] = new Array(256).fill(undefined);
    roots[77] = r;
    const top = new ShardTop(roots, H);
    expect(top.root()).toEqual(r);
    expect(top.segments(77)).toEqual(new Uint8Array(0));
    expect(() => top.segments(76)).toThrow(RangeError);
    for (let s = 0; s < 256; s++) expect(top.landing(new Uint8Array(32).fill(s))).toBe(77);
  });

  it("shards holding one leaf each give the single tree's root and proofs", () => {
    // Keys in shards 0x1, 0x3 and 0xc of 16, one leaf each: the top's inner bits are 2 and 0.
    const keys = [0x10, 0x30, 0xc0].map((b) => {
      const k = new Uint8Array(32).fill(7);
      k[0] = b;
      return k;
    });
    const values = keys.map((_, i) => new Uint8Array(32).fill(i + 1));
    const single = PrefixTree.bulkBuild(keys, values, { hash: H });
    const trees = Array.from({ length: 16 }, () => new PrefixTree({ hash: H }));
    keys.forEach((k, i) => {
      (trees[shardOf(k, 16)] as PrefixTree).set(k, values[i] as Uint8Array);
    });
    const top = new ShardTop(trees.map(shardRoot), H);
    expect(top.root()).toEqual(single.root());
    expect(top.root()).toEqual(computeRoot(keys.map((k, i) => [k, values[i] as Uint8Array])));
    const firstBits = keys.map((k) => {
      const s = shardOf(k, 16);
      const p = joinShardProof((trees[s] as PrefixTree).proveInclusion(k) as Uint8Array, top.segments(s));
      expect(hex(p)).toBe(hex(single.proveInclusion(k) as Uint8Array));
      return [...p.subarray(41)].filter((_, i) => i % 33 === 0);
    });
    // The leaves sit at the top's slots: 0x1 and 0x3 split at bit 2, then both from 0xc at bit 0.
    expect(firstBits).toEqual([[2, 0], [2, 0], [0]]);
  });

  it("rejects malformed inputs", () => {
    expect(() => new ShardTop(new Array(3).fill(undefined))).toThrow(RangeError);
    expect(() => new ShardTop([new Uint8Array(31)])).toThrow(RangeError);
    expect(() => joinShardProof(new Uint8Array(9), new Uint8Array(0))).toThrow(RangeError);
    const t = new PrefixTree({ hash: H });
    t.set(new Uint8Array(32), new Uint8Array(32));
    const p = t.proveInclusion(new Uint8Array(32)) as Uint8Array;
    expect(() => joinShardProof(p, new Uint8Array(32))).toThrow(RangeError);
    expect(() => proveShardBatch(t, [])).toThrow(RangeError);
    expect(() => proveShardBatch(new PrefixTree({ hash: H }), [new Uint8Array(32)])).toThrow(RangeError);
  });

  it("planShardBatch: shard order, staging order kept, limits, no starvation", () => {
    const ev = (s: number, i: number, len = 3) => new Uint8Array(len).fill(s * 16 + i);
    const parts = [
      { shard: 5, events: [ev(5, 0), ev(5, 1), ev(5, 2)] },
      { shard: 2, events: [ev(2, 0), ev(2, 1)] },
    ];
    const all = planShardBatch(parts);
    expect(all.events.map((e) => e[0])).toEqual([0x20, 0x21, 0x50, 0x51, 0x52]);
    expect([...all.taken].sort((a, b) => b[0] - a[0])).toEqual([
      [5, 3],
      [2, 2],
    ]);
    const two = planShardBatch(parts, 3, { maxEvents: 3 });
    // Round robin from shard 5: 5, 2, 5.
    expect(two.events.map((e) => e[0])).toEqual([0x20, 0x50, 0x51]);
    const bytes = planShardBatch(parts, 0, { maxBytes: 7 });
    expect(bytes.events.map((e) => e[0])).toEqual([0x20, 0x50]);
    expect(() =>
      planShardBatch([
        { shard: 1, events: [] },
        { shard: 1, events: [] },
      ]),
    ).toThrow(RangeError);
    expect(planShardBatch([{ shard: 1, events: [] }]).taken.size).toBe(0);
  });

  it("roots, batch proofs, inclusion and non-inclusion proofs with 1, 16 and 256 shards equal one PrefixTree's", () => {
    const absent = ["absent0.example", "absent1.example", ...SHARED.map((d) => `x.${d}`)].map(key);
    fc.assert(
      fc.property(arbStream, (stream) => {
        const batches = toBatches(stream);
        const single = new PrefixTree({ hash: H });
        const sharded = [1, 16, 256].map((n) => new Sharded(n));
        for (const batch of batches) {
          const oldRoot = single.root();
          const proof = proveBatch(single, batch);
          const root = applyBatch(single, batch);
          for (const s of sharded) {
            const got = s.apply(batch);
            expect(hex(got.root)).toBe(hex(root));
            expect(hex(got.proof)).toBe(hex(proof));
            expect(verifyBatch(oldRoot, got.proof, batch, H)).toEqual(root);
          }
          for (const d of POOL) {
            const k = key(d);
            const want = single.proveInclusion(k);
            for (const s of sharded) {
              const got = s.proveInclusion(k);
              expect(got && hex(got)).toBe(want && hex(want));
              if (got) expect(verifyInclusion(root, k, got.subarray(9, 41), got, H)).toBe(true);
            }
          }
          for (const k of absent) {
            const want = single.proveNonInclusion(k) as Uint8Array;
            for (const s of sharded) expect(hex(s.proveNonInclusion(k) as Uint8Array)).toBe(hex(want));
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it("a batch seals the same in shards whatever order planShardBatch takes shards in", () => {
    // Events of one shard stay in their staging order, so replay gives the same heads.
    const events: TreeEvent[] = POOL.slice(0, 8).map((domain, i) => ({
      domain,
      assetHosts: ["https://h.example"],
      newResourceHash: new Uint8Array(32).fill(i),
      timestamp: 5n,
    }));
    const byShard = new Map<number, Uint8Array[]>();
    for (const e of events) {
      const s = shardOf(key(e.domain), 16);
      byShard.set(s, [...(byShard.get(s) ?? []), encodeTreeEvent(e)]);
    }
    const parts = [...byShard].map(([shard, evs]) => ({ shard, events: evs }));
    const a = planShardBatch(parts, 0).events.map(hex);
    const b = planShardBatch([...parts].reverse(), 9).events.map(hex);
    expect(b).toEqual(a);
    expect(a.length).toBe(8);
  });
});
