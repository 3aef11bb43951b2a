/**
 * Batch proof and shard argument checks, found by mutation testing (`pnpm mutate`, set 3 of
 * tooling/mutate/RESULTS.md, eighth session; written after its partial run, not re-run yet).
 */
import { describe, expect, it } from "vitest";
import {
  applyBatch,
  MemoryChainHeadStore,
  PrefixTree,
  PrefixTreeError,
  proveBatch,
  proveShardBatch,
  ShardTop,
  type TreeEvent,
  verifyBatch,
} from "../src/index.ts";

describe("batch proofs and shards: arguments", () => {
  it("verifyBatch: root and proof are checked; an undecodable batch is null, not a throw", () => {
    const root = new Uint8Array(32);
    const proof = new Uint8Array(42);
    expect(() => verifyBatch(new Uint8Array(31), proof, Uint8Array.of(0, 1, 0, 0, 1))).toThrow(RangeError);
    expect(() => verifyBatch(root, [] as unknown as Uint8Array, Uint8Array.of(0, 1, 0, 0, 1))).toThrow(
      TypeError,
    );
    expect(verifyBatch(root, proof, Uint8Array.of(0, 1))).toBeNull();
    expect(verifyBatch(root, proof, Uint8Array.of(0, 1, 0, 0, 1, 9))).toBeNull();
  });

  it("ShardTop.batchProof needs keys and a part for every shard a key reaches", () => {
    const r = new Uint8Array(32).fill(1);
    const top = new ShardTop([r, undefined]);
    const key = new Uint8Array(32);
    expect(() => top.batchProof([], new Map(), r)).toThrow(RangeError);
    expect(() => top.batchProof([key], new Map(), r)).toThrow(PrefixTreeError);
    expect(top.batchProof([key], new Map([[0, Uint8Array.of(3)]]), r).length).toBe(42);
  });

  it("proveShardBatch checks each key", () => {
    const t = new PrefixTree();
    t.set(new Uint8Array(32).fill(2), new Uint8Array(32));
    expect(() => proveShardBatch(t, [new Uint8Array(31)])).toThrow(RangeError);
    expect(() => proveShardBatch(t, [[0] as unknown as Uint8Array])).toThrow(TypeError);
    expect(() => proveShardBatch(t, [])).toThrow(RangeError);
  });

  it("MemoryChainHeadStore counts distinct keys", () => {
    const s = new MemoryChainHeadStore();
    expect(s.size).toBe(0);
    const head = {} as never;
    s.putHeads([
      [new Uint8Array(32), head],
      [new Uint8Array(32).fill(1), head],
      [new Uint8Array(32), head],
    ]);
    expect(s.size).toBe(2);
    expect(s.getHead(new Uint8Array(32))).toBe(head);
  });

  it("verifyBatch rejects a valid proof with a byte added or taken away (the last run's survivors)", () => {
    const ev = (domain: string, t: bigint, r: number): TreeEvent => ({
      domain,
      assetHosts: ["https://h"],
      newResourceHash: new Uint8Array(32).fill(r),
      timestamp: t,
    });
    const t = new PrefixTree({ maxLeavesPerPage: 4 });
    applyBatch(t, { events: Array.from({ length: 9 }, (_, i) => ev(`site${i}.example`, 10n, i)) });
    const oldRoot = t.root();
    for (const batch of [
      { events: [ev("site3.example", 20n, 40), ev("new.example", 21n, 41)] },
      { events: [ev("other.example", 22n, 42)] },
    ]) {
      const proof = proveBatch(t, batch);
      const newRoot = verifyBatch(oldRoot, proof, batch);
      expect(newRoot).not.toBeNull();
      const longer = new Uint8Array(proof.length + 1);
      longer.set(proof);
      expect(verifyBatch(oldRoot, longer, batch)).toBeNull();
      expect(verifyBatch(oldRoot, proof.subarray(0, proof.length - 1), batch)).toBeNull();
    }
    // From the empty tree (the proof's node is the one-byte empty marker).
    const empty = new PrefixTree();
    const first = { events: [ev("a.example", 1n, 1)] };
    const proof = proveBatch(empty, first);
    expect(verifyBatch(empty.root(), proof, first)).not.toBeNull();
    const longer = new Uint8Array(proof.length + 1);
    longer.set(proof);
    expect(verifyBatch(empty.root(), longer, first)).toBeNull();
  });

  it("ShardTop.segments takes exactly the integers in [0, count)", () => {
    const r = new Uint8Array(32).fill(1);
    const top = new ShardTop([r, r, r, r]);
    for (const s of [0, 3]) expect(top.segments(s).length % 33).toBe(0);
    for (const s of [-1, 4, 1.5, Number.NaN]) expect(() => top.segments(s), `${s}`).toThrow(RangeError);
    expect(() => new ShardTop("ab" as unknown as Uint8Array[])).toThrow(TypeError);
  });
});
