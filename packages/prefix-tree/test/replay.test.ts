/**
 * `replayBatch` on its own (issue 18, mutation testing): the heads, keys, values and `existed`
 * flags it returns, not only the root a tree computes from them, and each rejection reason with
 * the index of the event that caused it.
 */
import { assetHostsHash, type ChainNode, nextChainHash, ZERO_HASH } from "@sealroom/hash-chain";
import { describe, expect, it } from "vitest";
import {
  BatchError,
  keyForDomain,
  PrefixTreeErrorCode,
  type ReplayResult,
  replayBatch,
  type TreeEvent,
} from "../src/index.ts";
import { nodeSha256 } from "./helpers.ts";

const rh = (n: number) => new Uint8Array(32).fill(n);
const ev = (domain: string, t: bigint, hosts: readonly string[] | null, r = 1): TreeEvent => ({
  domain,
  assetHosts: hosts,
  newResourceHash: rh(r),
  timestamp: t,
});
const U64_MAX = (1n << 64n) - 1n;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A head already in the tree for `domain`. */
function headOf(position: bigint, time: bigint, hosts = ["https://old"]): ChainNode {
  return {
    entry: {
      positionInChain: position,
      timeCreated: time,
      resourceHash: rh(7),
      assetHostsHash: assetHostsHash(hosts),
    },
    chainHash: rh(8),
  };
}

function replay(events: TreeEvent[], heads: Record<string, ChainNode> = {}): ReplayResult {
  const byKey = new Map(Object.entries(heads).map(([d, h]) => [hex(keyForDomain(d)), h]));
  return replayBatch({ events }, (k) => byKey.get(hex(k)), nodeSha256);
}

function rejection(events: TreeEvent[], heads: Record<string, ChainNode> = {}): [string, number] {
  try {
    replay(events, heads);
  } catch (e) {
    expect(e).toBeInstanceOf(BatchError);
    return [(e as BatchError).code, (e as BatchError).eventIndex];
  }
  return ["accepted", -1];
}

describe("replayBatch", () => {
  it("a domain repeated in one batch is one key whose head advanced once per event", () => {
    const r = replay([ev("a.com", 10n, ["h"], 1), ev("b.com", 10n, ["h"], 2), ev("a.com", 11n, null, 3)]);
    expect(r.keys.map(hex)).toEqual([hex(keyForDomain("a.com")), hex(keyForDomain("b.com"))]);
    expect(r.existed).toEqual([false, false]);
    const first: ChainNode = {
      entry: {
        positionInChain: 0n,
        timeCreated: 10n,
        resourceHash: rh(1),
        assetHostsHash: assetHostsHash(["h"]),
      },
      chainHash: ZERO_HASH,
    };
    expect(r.heads[0]).toEqual({
      entry: {
        positionInChain: 1n,
        timeCreated: 11n,
        resourceHash: rh(3),
        assetHostsHash: assetHostsHash(["h"]),
      },
      chainHash: nextChainHash(first),
    });
    expect(r.heads[1]!.entry.positionInChain).toBe(0n);
    expect(r.values.map(hex)).toEqual(r.heads.map((h) => hex(nextChainHash(h))));
  });

  it("continues a known head: position + 1, its chain hash, hosts kept or replaced", () => {
    const old = headOf(4n, 100n);
    const kept = replay([ev("a.com", 100n, null, 2)], { "a.com": old });
    expect(kept.existed).toEqual([true]);
    expect(kept.heads[0]).toEqual({
      entry: {
        positionInChain: 5n,
        timeCreated: 100n,
        resourceHash: rh(2),
        assetHostsHash: old.entry.assetHostsHash,
      },
      chainHash: nextChainHash(old),
    });
    const changed = replay([ev("a.com", 101n, ["https://new"], 2)], { "a.com": old });
    expect(changed.heads[0]!.entry.assetHostsHash).toEqual(assetHostsHash(["https://new"]));
    const e2 = ev("a.com", 101n, null, 6);
    const continued = replay([e2], { "a.com": old });
    e2.newResourceHash.fill(0);
    expect(continued.heads[0]!.entry.resourceHash).toEqual(rh(6));
    // A first head's zero chain hash is its own copy, not the shared ZERO_HASH.
    const fresh = replay([ev("c.com", 1n, ["h"])]);
    try {
      fresh.heads[0]!.chainHash.fill(1);
      expect(ZERO_HASH).toEqual(new Uint8Array(32));
    } finally {
      ZERO_HASH.fill(0);
    }
    // The result owns its hashes: changing the event afterwards changes nothing.
    const e = ev("b.com", 1n, ["h"], 5);
    const r = replay([e]);
    e.newResourceHash.fill(0);
    expect(r.heads[0]!.entry.resourceHash).toEqual(rh(5));
  });

  it("uses knownDigest for a head the caller already hashed", () => {
    const old = headOf(0n, 1n);
    const digest = rh(0x42);
    const seen: ChainNode[] = [];
    const r = replayBatch(
      { events: [ev("a.com", 2n, null)] },
      () => old,
      nodeSha256,
      (h) => {
        seen.push(h);
        return digest;
      },
    );
    expect(seen).toEqual([old]);
    expect(r.heads[0]!.chainHash).toEqual(digest);
    const none = replayBatch(
      { events: [ev("a.com", 2n, null)] },
      () => old,
      nodeSha256,
      () => undefined,
    );
    expect(none.heads[0]!.chainHash).toEqual(nextChainHash(old));
  });

  it("each rejection, at the index of the offending event", () => {
    const known = { "a.com": headOf(3n, 100n) };
    expect(rejection([ev("a.com", 100n, null), ev("new.com", 1n, null)], known)).toEqual([
      PrefixTreeErrorCode.UnknownDomain,
      1,
    ]);
    expect(rejection([ev("a.com", 99n, null)], known)).toEqual([PrefixTreeErrorCode.TimeBackwards, 0]);
    expect(rejection([ev("a.com", 100n, null)], known)).toEqual(["accepted", -1]);
    expect(rejection([ev("b.com", 5n, ["h"]), ev("b.com", 4n, null)])).toEqual([
      PrefixTreeErrorCode.TimeBackwards,
      1,
    ]);
    expect(rejection([ev("b.com", 5n, ["h"]), ev("B.com", 6n, null)])).toEqual([
      PrefixTreeErrorCode.BadDomain,
      1,
    ]);
    expect(rejection([{ ...ev("b.com", 5n, ["h"]), domain: 5 as unknown as string }])).toEqual([
      PrefixTreeErrorCode.BadDomain,
      0,
    ]);
    expect(rejection([{ ...ev("b.com", 5n, ["h"]), newResourceHash: new Uint8Array(31) }])).toEqual([
      PrefixTreeErrorCode.Malformed,
      0,
    ]);
    expect(
      rejection([{ ...ev("b.com", 5n, ["h"]), newResourceHash: [...rh(1)] as unknown as Uint8Array }]),
    ).toEqual([PrefixTreeErrorCode.Malformed, 0]);
    expect(rejection([ev("b.com", -1n, ["h"])])).toEqual([PrefixTreeErrorCode.Malformed, 0]);
    expect(rejection([ev("b.com", 1n << 64n, ["h"])])).toEqual([PrefixTreeErrorCode.Malformed, 0]);
    expect(rejection([ev("b.com", U64_MAX, ["h"])])).toEqual(["accepted", -1]);
    expect(rejection([ev("b.com", 0n, ["h"])])).toEqual(["accepted", -1]);
    expect(rejection([{ ...ev("b.com", 1n, ["h"]), timestamp: 1 as unknown as bigint }])).toEqual([
      PrefixTreeErrorCode.Malformed,
      0,
    ]);
    expect(rejection([ev("b.com", 1n, ["h", "h"])])).toEqual([PrefixTreeErrorCode.Malformed, 0]);
    expect(rejection([ev("b.com", 1n, [])])).toEqual([PrefixTreeErrorCode.Malformed, 0]);
  });

  it("a head at the last u64 position cannot be continued; one before it can", () => {
    expect(rejection([ev("a.com", 100n, null)], { "a.com": headOf(U64_MAX, 1n) })).toEqual([
      PrefixTreeErrorCode.Malformed,
      0,
    ]);
    const r = replay([ev("a.com", 100n, null)], { "a.com": headOf(U64_MAX - 1n, 1n) });
    expect(r.heads[0]!.entry.positionInChain).toBe(U64_MAX);
  });

  it("batch shape: 1..65535 events", () => {
    expect(() => replayBatch({ events: [] }, () => undefined, nodeSha256)).toThrow(BatchError);
    expect(() =>
      replayBatch(null as unknown as { events: TreeEvent[] }, () => undefined, nodeSha256),
    ).toThrow(TypeError);
    expect(() => replayBatch({} as { events: TreeEvent[] }, () => undefined, nodeSha256)).toThrow(TypeError);
    // 65,535 events pass the shape check (and fail on the first event's domain, so the test is
    // quick); 65,536 fail it before any event is looked at.
    const many = Array.from({ length: 65_536 }, () => ev("A.com", 1n, ["h"]));
    expect(rejection(many.slice(1))).toEqual([PrefixTreeErrorCode.BadDomain, 0]);
    try {
      replayBatch({ events: many }, () => undefined, nodeSha256);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BatchError);
      expect((e as BatchError).code).toBe(PrefixTreeErrorCode.CountMismatch);
      expect((e as BatchError).eventIndex).toBe(-1);
    }
  });
});
