/**
 * `ShardTop` and the shard helpers: argument checks and copies (tooling/mutate/RESULTS.md, ninth
 * session, set 3 survivors): what a caller passes or gets back never aliases the top's state.
 */
import { describe, expect, it } from "vitest";
import { joinShardProof, PrefixTree, planShardBatch, ShardTop, shardOf, shardRoot } from "../src/index.ts";
import { randomBytes, thrown } from "./helpers.ts";

const code = thrown;

/** Four shards, two non-empty (a top with an inner node above them), and the shards' trees. */
function fourShards() {
  const trees = [0, 1, 2, 3].map(() => new PrefixTree());
  const keys = [0x05, 0x85].map((first, i) => {
    const k = randomBytes(32, 50 + i);
    k[0] = first;
    return k;
  });
  for (const k of keys) trees[shardOf(k, 4)]?.set(k, randomBytes(32, 9));
  return { trees, keys, roots: trees.map((t) => shardRoot(t)) };
}

describe("ShardTop", () => {
  it("refuses roots that are not an array, and roots that are not 32 bytes", () => {
    expect(code(() => new ShardTop(new Set() as unknown as Uint8Array[]))).toBe("TypeError");
    expect(code(() => new ShardTop({ length: 2 } as unknown as Uint8Array[]))).toBe("TypeError");
    expect(code(() => new ShardTop([new Uint8Array(31), undefined]))).toBe("RangeError");
    expect(code(() => new ShardTop([[1] as unknown as Uint8Array, undefined]))).toBe("TypeError");
  });

  it("keeps its own copies: changing the roots given, or the root returned, changes nothing", () => {
    const { roots } = fourShards();
    const top = new ShardTop(roots);
    const root = top.root().slice();
    const lone = new ShardTop([roots[0], undefined, undefined, undefined]);
    const loneRoot = lone.root().slice();
    expect(loneRoot).toEqual(roots[0]);
    for (const r of roots) r?.fill(0xee);
    expect(top.root()).toEqual(root);
    expect(lone.root()).toEqual(loneRoot);
    top.root().fill(1);
    lone.root().fill(1);
    expect(top.root()).toEqual(root);
    expect(lone.root()).toEqual(loneRoot);
    expect(top.segments(0).subarray(1)).not.toEqual(new Uint8Array(32).fill(0xee));
  });

  it("landing checks its key", () => {
    const top = new ShardTop(fourShards().roots);
    expect(code(() => top.landing(new Uint8Array(31)))).toBe("RangeError");
    expect(code(() => top.landing([0] as unknown as Uint8Array))).toBe("TypeError");
    expect(top.landing(new Uint8Array(32))).toBe(0);
  });

  it("batchProof checks newRoot", () => {
    const { roots, keys } = fourShards();
    const top = new ShardTop(roots);
    const parts = new Map([[0, Uint8Array.of(3)]]);
    expect(code(() => top.batchProof([keys[0] as Uint8Array], parts, new Uint8Array(31)))).toBe("RangeError");
    expect(code(() => top.batchProof([keys[0] as Uint8Array], parts, [0] as unknown as Uint8Array))).toBe(
      "TypeError",
    );
  });
});

describe("joinShardProof", () => {
  it("refuses a shard proof or segments that are not bytes", () => {
    const { trees, roots, keys } = fourShards();
    const top = new ShardTop(roots);
    const proof = trees[0]?.proveInclusion(keys[0] as Uint8Array) as Uint8Array;
    expect(joinShardProof(proof, top.segments(0)).length).toBeGreaterThan(proof.length);
    expect(code(() => joinShardProof([...proof] as unknown as Uint8Array, top.segments(0)))).toBe(
      "TypeError",
    );
    expect(code(() => joinShardProof(proof, [] as unknown as Uint8Array))).toBe("TypeError");
  });
});

describe("joinShardProof: the shard proof's framing", () => {
  const { trees, roots, keys } = fourShards();
  const segs = new ShardTop(roots).segments(0);
  const inc = trees[0]?.proveInclusion(keys[0] as Uint8Array) as Uint8Array;
  const absent = randomBytes(32, 77);
  absent[0] = 0x06;
  const non = trees[0]?.proveNonInclusion(absent) as Uint8Array;

  it("accepts both proof versions, each with whole segments", () => {
    expect(inc[8]).toBe(1);
    expect(non[8]).toBe(2);
    expect(joinShardProof(non, segs).length).toBe(non.length + segs.length);
  });

  it("refuses a tampered magic byte, an unknown version, a cut head, a partial segment", () => {
    for (let i = 0; i < 8; i++) {
      const bad = inc.slice();
      bad[i] = (bad[i] as number) ^ 0x20;
      expect(code(() => joinShardProof(bad, segs))).toBe("RangeError");
    }
    for (const v of [0, 3, 5]) {
      // 34 bytes: whole segments after a 1-byte head, 73 - 33 - 6 after none of the known heads
      const bad = new Uint8Array(34);
      bad.set(inc.subarray(0, 8));
      bad[8] = v;
      expect(code(() => joinShardProof(bad, segs))).toBe("RangeError");
      // 65 bytes: (65 + 1) is a whole number of segments, so only the version check refuses it.
      const odd = new Uint8Array(65);
      odd.set(inc.subarray(0, 8));
      odd[8] = v;
      expect(code(() => joinShardProof(odd, segs))).toBe("RangeError");
      const long = new Uint8Array(73 + 33);
      long.set(non.subarray(0, 8));
      long[8] = v;
      expect(code(() => joinShardProof(long, segs))).toBe("RangeError");
    }
    // A non-inclusion proof cut to 40 bytes: 73 - 40 is a whole segment, but its head is gone.
    expect(code(() => joinShardProof(non.subarray(0, 40), segs))).toBe("RangeError");
    expect(code(() => joinShardProof(inc.subarray(0, 8), segs))).toBe("RangeError");
    const extra = new Uint8Array(inc.length + 1);
    extra.set(inc);
    expect(code(() => joinShardProof(extra, segs))).toBe("RangeError");
    expect(code(() => joinShardProof(inc, segs.subarray(1)))).toBe("RangeError");
  });
});

describe("ShardTop.segments", () => {
  it("refuses a shard that is empty, out of range, fractional or NaN", () => {
    const top = new ShardTop(fourShards().roots);
    expect(top.segments(0).length).toBe(33);
    for (const s of [1, 3, 4, -1, 0.5, 2.5, Number.NaN, 256])
      expect(code(() => top.segments(s))).toBe("RangeError");
  });
});

describe("planShardBatch", () => {
  const ev = (shard: number, n: number, size = 10) => ({
    shard,
    events: Array.from({ length: n }, (_, i) => new Uint8Array(size).fill(16 * shard + i)),
  });

  it("starts at shard `start` itself, and wraps to the first shard past the last", () => {
    const parts = [ev(0, 2), ev(1, 2), ev(2, 2)];
    expect([...planShardBatch(parts, 1, { maxEvents: 1 }).taken]).toEqual([[1, 1]]);
    expect([...planShardBatch(parts, 2, { maxEvents: 2 }).taken]).toEqual([
      [2, 1],
      [0, 1],
    ]);
    expect([...planShardBatch(parts, 5, { maxEvents: 1 }).taken]).toEqual([[0, 1]]);
  });

  it("an event that brings the batch to exactly maxBytes is taken, one byte more is not", () => {
    const parts = [ev(0, 3), ev(1, 3)];
    expect(planShardBatch(parts, 0, { maxBytes: 40 }).events.length).toBe(4);
    expect(planShardBatch(parts, 0, { maxBytes: 39 }).events.length).toBe(3);
  });
});
