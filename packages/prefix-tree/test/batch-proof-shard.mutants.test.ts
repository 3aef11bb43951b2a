/**
 * Batch proof and shard argument checks, found by mutation testing (`pnpm mutate`, set 3 of
 * tooling/mutate/RESULTS.md, eighth session; written after its partial run, not re-run yet).
 */
import { describe, expect, it } from "vitest";
import {
  MemoryChainHeadStore,
  PrefixTree,
  PrefixTreeError,
  proveShardBatch,
  ShardTop,
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
});
