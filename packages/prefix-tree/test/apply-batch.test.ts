import { assetHostsHash, type ChainNode, nextChainHash, ZERO_HASH } from "@sealroom/hash-chain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyBatch,
  BatchError,
  computeRoot,
  DecodeError,
  encodeTreeEventBatch,
  keyForDomain,
  PrefixTree,
  PrefixTreeErrorCode,
  type TreeEvent,
  treeValueForHead,
  verifyInclusion,
} from "../src/index.ts";

const rh = (n: number) => new Uint8Array(32).fill(n);
const ev = (domain: string, t: bigint, hosts: readonly string[] | null, r = 1): TreeEvent => ({
  domain,
  assetHosts: hosts,
  newResourceHash: rh(r),
  timestamp: t,
});

function snapshot(t: PrefixTree, domains: string[]) {
  return { root: t.root(), heads: domains.map((d) => t.getHead(keyForDomain(d))) };
}

describe("applyBatch", () => {
  it("replays enrolment and appends exactly as docs/wire-formats.md says", () => {
    const t = new PrefixTree();
    const r1 = applyBatch(t, {
      events: [ev("a.com", 10n, ["https://cdn.a.com"], 1), ev("b.com", 11n, ["https://b.com"], 2)],
    });
    const ka = keyForDomain("a.com");
    const h0 = t.getHead(ka) as ChainNode;
    expect(h0).toEqual({
      entry: {
        positionInChain: 0n,
        timeCreated: 10n,
        resourceHash: rh(1),
        assetHostsHash: assetHostsHash(["https://cdn.a.com"]),
      },
      chainHash: ZERO_HASH,
    });
    expect(t.get(ka)).toEqual(nextChainHash(h0));
    expect(t.get(ka)).toEqual(treeValueForHead(h0));
    // Known domain, unchanged hosts, then changed hosts, then equal timestamp, in one batch.
    applyBatch(t, { events: [ev("a.com", 12n, null, 3), ev("a.com", 12n, ["https://x", "https://w"], 4)] });
    const h2 = t.getHead(ka) as ChainNode;
    expect(h2.entry.positionInChain).toBe(2n);
    expect(h2.entry.assetHostsHash).toEqual(assetHostsHash(["https://w", "https://x"]));
    const h1: ChainNode = {
      entry: {
        positionInChain: 1n,
        timeCreated: 12n,
        resourceHash: rh(3),
        assetHostsHash: h0.entry.assetHostsHash,
      },
      chainHash: nextChainHash(h0),
    };
    expect(h2.chainHash).toEqual(nextChainHash(h1));
    expect(t.root()).not.toEqual(r1);
    expect(t.root()).toEqual(
      computeRoot([
        [ka, nextChainHash(h2)],
        [keyForDomain("b.com"), nextChainHash(t.getHead(keyForDomain("b.com")) as ChainNode)],
      ]),
    );
    // A tombstone keeps the key and the chain continues.
    applyBatch(t, { events: [ev("a.com", 13n, null, 0)] });
    applyBatch(t, { events: [ev("a.com", 14n, null, 5)] });
    expect((t.getHead(ka) as ChainNode).entry.positionInChain).toBe(4n);
    const p = t.proveInclusion(ka) as Uint8Array;
    expect(verifyInclusion(t.root(), ka, nextChainHash(t.getHead(ka) as ChainNode), p)).toBe(true);
  });

  it("accepts encoded batches", () => {
    const t = new PrefixTree();
    const u = new PrefixTree();
    const batch = { events: [ev("a.com", 1n, ["h"]), ev("b.org", 2n, ["h"])] };
    expect(applyBatch(t, encodeTreeEventBatch(batch))).toEqual(applyBatch(u, batch));
  });

  const cases: [string, TreeEvent[], string][] = [
    ["unknown domain with unchanged hosts", [ev("new.com", 5n, null)], PrefixTreeErrorCode.UnknownDomain],
    ["uppercase domain", [ev("A.com", 5n, ["h"])], PrefixTreeErrorCode.BadDomain],
    ["trailing dot", [ev("a.com.", 5n, ["h"])], PrefixTreeErrorCode.BadDomain],
    ["bad character", [ev("a_b.com", 5n, ["h"])], PrefixTreeErrorCode.BadDomain],
    ["time going backwards", [ev("a.com", 99n, null)], PrefixTreeErrorCode.TimeBackwards],
    [
      "time going backwards within the batch",
      [ev("c.com", 50n, ["h"]), ev("c.com", 49n, null)],
      PrefixTreeErrorCode.TimeBackwards,
    ],
    ["duplicate asset hosts", [ev("c.com", 50n, ["h", "h"])], PrefixTreeErrorCode.Malformed],
  ];
  it.each(cases)("rejects %s without changing the tree", (_name, bad, code) => {
    const t = new PrefixTree();
    applyBatch(t, { events: [ev("a.com", 100n, ["h"]), ev("b.com", 100n, ["h"])] });
    const before = snapshot(t, ["a.com", "b.com", "c.com", "new.com"]);
    // Good events before the bad one must not be applied either.
    const events = [ev("b.com", 200n, null, 9), ...bad];
    try {
      applyBatch(t, { events });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BatchError);
      expect((e as BatchError).code).toBe(code);
      expect((e as BatchError).eventIndex).toBe(events.length - 1);
    }
    expect(snapshot(t, ["a.com", "b.com", "c.com", "new.com"])).toEqual(before);
  });

  it("rejects count mismatches (bytes and objects) without changing the tree", () => {
    const t = new PrefixTree();
    applyBatch(t, { events: [ev("a.com", 1n, ["h"])] });
    const root = t.root();
    const b = encodeTreeEventBatch({ events: [ev("a.com", 2n, null), ev("a.com", 3n, null)] });
    b[1] = 1;
    expect(() => applyBatch(t, b)).toThrow(DecodeError);
    expect(() => applyBatch(t, { events: [] })).toThrow(BatchError);
    expect(t.root()).toEqual(root);
  });

  it("any accepted sequence of batches equals recomputation from the heads", () => {
    const domains = ["a.com", "b.com", "c.net", "d.org"];
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.record({
              d: fc.constantFrom(...domains),
              dt: fc.integer({ min: -1, max: 3 }),
              hosts: fc.option(fc.constantFrom(["h1"], ["h2", "h3"]), { nil: null }),
              r: fc.nat({ max: 3 }),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (batches) => {
          const t = new PrefixTree({ maxLeavesPerPage: 2 });
          let now = 100n;
          for (const b of batches) {
            const events = b.map((x) => {
              now += BigInt(x.dt);
              return ev(x.d, now, x.hosts, x.r);
            });
            const before = t.root();
            try {
              applyBatch(t, { events });
            } catch (e) {
              expect(e).toBeInstanceOf(BatchError);
              expect(t.root()).toEqual(before);
            }
          }
          const leaves = domains
            .map((d) => [keyForDomain(d), t.getHead(keyForDomain(d))] as const)
            .filter((x): x is readonly [Uint8Array, ChainNode] => x[1] !== undefined)
            .map(([k, h]) => [k, nextChainHash(h)] as const);
          expect(t.root()).toEqual(computeRoot(leaves));
        },
      ),
      { numRuns: 200 },
    );
  });
});
