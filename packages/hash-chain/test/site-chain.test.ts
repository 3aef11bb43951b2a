import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assetHostsHash,
  checkpointOf,
  emptyCheckpoint,
  HashChainError,
  HashChainErrorCode,
  nextChainHash,
  nextChainNode,
  SiteChain,
  verifyEntries,
  ZERO_HASH,
} from "../src/index.ts";
import { buildChain, hex, nodeSha256, stepArb } from "./helpers.ts";

const rh = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HashChainError);
    return (e as HashChainError).code;
  }
  return undefined;
};

describe("SiteChain", () => {
  it("starts empty with a zero digest", () => {
    const c = new SiteChain();
    expect(c.size).toBe(0n);
    expect(c.head).toBeUndefined();
    expect(hex(c.digest)).toBe(hex(ZERO_HASH));
    expect(c.checkpoint()).toEqual(emptyCheckpoint());
  });

  it("first node has a zero chain hash; each next one hashes the previous node", () => {
    const c = new SiteChain();
    const n0 = c.append({ timeCreated: 10n, resourceHash: rh(1), assetHosts: ["https://a/"] });
    expect(n0.entry.positionInChain).toBe(0n);
    expect(hex(n0.chainHash)).toBe(hex(ZERO_HASH));
    expect(hex(n0.entry.assetHostsHash)).toBe(hex(assetHostsHash(["https://a/"])));
    const n1 = c.append({ timeCreated: 10n, resourceHash: rh(2) });
    expect(n1.entry.positionInChain).toBe(1n);
    expect(hex(n1.chainHash)).toBe(hex(nextChainHash(n0)));
    expect(hex(n1.entry.assetHostsHash)).toBe(hex(n0.entry.assetHostsHash)); // unchanged
    const n2 = c.append({ timeCreated: 11n, resourceHash: rh(3), assetHostsHash: rh(9) }); // replaced
    expect(hex(n2.entry.assetHostsHash)).toBe(hex(rh(9)));
    expect(hex(c.digest)).toBe(hex(nextChainHash(n2)));
    expect(c.head).toEqual(n2);
    expect(c.checkpoint()).toEqual(checkpointOf(n2));
    expect(hex(c.chainHashAfter(0n))).toBe(hex(n1.chainHash));
    expect([...c.nodes()]).toEqual([n0, n1, n2]);
  });

  it("refuses every rule violation with a typed error and stays unchanged", () => {
    const c = new SiteChain();
    expect(codeOf(() => c.append({ timeCreated: 1n, resourceHash: rh(1) }))).toBe(
      HashChainErrorCode.MissingAssetHosts,
    );
    c.append({ timeCreated: 100n, resourceHash: rh(1), assetHosts: ["h"] });
    const before = hex(c.digest);
    expect(codeOf(() => c.append({ timeCreated: 99n, resourceHash: rh(2) }))).toBe(
      HashChainErrorCode.TimeWentBackwards,
    );
    expect(
      codeOf(() =>
        c.append({ timeCreated: 100n, resourceHash: rh(2), assetHosts: ["h"], assetHostsHash: rh(3) }),
      ),
    ).toBe(HashChainErrorCode.AmbiguousAssetHosts);
    const e = c.entry(0n);
    expect(codeOf(() => c.appendEntry({ ...e, timeCreated: 200n }))).toBe(
      HashChainErrorCode.PositionMismatch,
    );
    expect(codeOf(() => c.appendEntry({ ...e, positionInChain: 2n }))).toBe(
      HashChainErrorCode.PositionMismatch,
    );
    expect(codeOf(() => c.entry(1n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveConsistency(2n))).toBe(HashChainErrorCode.OutOfRange);
    expect(() => c.append({ timeCreated: 100n, resourceHash: rh(2), assetHosts: [] })).toThrow(RangeError);
    expect(() => c.append({ timeCreated: 100n, resourceHash: new Uint8Array(3) })).toThrow(RangeError);
    expect(c.size).toBe(1n);
    expect(hex(c.digest)).toBe(before);
  });

  it("tombstones are ordinary entries and the chain continues after one", () => {
    const c = new SiteChain();
    c.append({ timeCreated: 1n, resourceHash: rh(1), assetHosts: ["h"] });
    c.append({ timeCreated: 2n, resourceHash: new Uint8Array(32) });
    c.append({ timeCreated: 3n, resourceHash: rh(3) });
    expect(c.size).toBe(3n);
  });

  it("returned values are copies", () => {
    const c = new SiteChain();
    const n = c.append({ timeCreated: 1n, resourceHash: rh(1), assetHosts: ["h"] });
    n.entry.resourceHash[0] = 0;
    c.entry(0n).resourceHash[0] = 0;
    c.digest[0] = 0xff;
    expect(c.entry(0n).resourceHash[0]).toBe(1);
    expect(verifyEntries(c.checkpoint(), c.entries())).toBe(true);
  });

  it("fromEntries rebuilds the same digest and re-checks the rules; injected hash agrees", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 20 }), (steps) => {
        const a = buildChain(steps);
        const b = SiteChain.fromEntries(a.entries(), { hash: nodeSha256 });
        expect(hex(b.digest)).toBe(hex(a.digest));
        for (let k = 0n; k <= a.size; k++) expect(hex(b.digestAt(k))).toBe(hex(a.digestAt(k)));
      }),
      { numRuns: 200 },
    );
    const es = buildChain([
      { dt: 0n, resourceHash: rh(1), hosts: undefined },
      { dt: 5n, resourceHash: rh(2), hosts: undefined },
    ]).entries();
    es[1]!.timeCreated = 0n;
    expect(codeOf(() => SiteChain.fromEntries(es))).toBe(HashChainErrorCode.TimeWentBackwards);
  });

  it("nextChainNode applies the same rules to a bare head", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 15 }), (steps) => {
        const c = buildChain(steps);
        let head: ReturnType<typeof nextChainNode> | undefined;
        for (const n of c.nodes()) {
          head = nextChainNode(head, {
            timeCreated: n.entry.timeCreated,
            resourceHash: n.entry.resourceHash,
            assetHostsHash: n.entry.assetHostsHash,
          });
          expect(head).toEqual(n);
        }
      }),
      { numRuns: 100 },
    );
    expect(codeOf(() => nextChainNode(undefined, { timeCreated: 1n, resourceHash: rh(1) }))).toBe(
      HashChainErrorCode.MissingAssetHosts,
    );
    const first = nextChainNode(undefined, { timeCreated: 5n, resourceHash: rh(1), assetHosts: ["h"] });
    expect(hex(first.chainHash)).toBe(hex(ZERO_HASH));
    expect(codeOf(() => nextChainNode(first, { timeCreated: 4n, resourceHash: rh(2) }))).toBe(
      HashChainErrorCode.TimeWentBackwards,
    );
    const second = nextChainNode(first, { timeCreated: 5n, resourceHash: rh(2) });
    expect(second.entry.positionInChain).toBe(1n);
    expect(hex(second.entry.assetHostsHash)).toBe(hex(first.entry.assetHostsHash));
    expect(hex(second.chainHash)).toBe(hex(nextChainHash(first)));
  });
});
