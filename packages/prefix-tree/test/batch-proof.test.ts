import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyBatch,
  BatchError,
  emptyRoot,
  encodeTreeEventBatch,
  fastSha256,
  PrefixTree,
  proveBatch,
  type TreeEvent,
  type TreeEventBatch,
  verifyBatch,
} from "../src/index.ts";
import { nodeSha256 } from "./helpers.ts";

const rh = (n: number) => new Uint8Array(32).fill(n);
const ev = (domain: string, t: bigint, hosts: readonly string[] | null, r = 1): TreeEvent => ({
  domain,
  assetHosts: hosts,
  newResourceHash: rh(r),
  timestamp: t,
});

function seeded(n: number, maxLeavesPerPage = 4): PrefixTree {
  const t = new PrefixTree({ maxLeavesPerPage });
  if (n > 0)
    applyBatch(t, {
      events: Array.from({ length: n }, (_, i) => ev(`site${i}.example`, 10n, ["https://h"], i % 7)),
    });
  return t;
}

const arbBatch = (known: number): fc.Arbitrary<TreeEventBatch> =>
  fc
    .array(
      fc.record({
        i: fc.nat({ max: known + 5 }),
        hosts: fc.option(fc.constantFrom(["https://h"], ["https://a", "https://b"]), { nil: null }),
        r: fc.nat({ max: 255 }),
        dt: fc.nat({ max: 3 }),
      }),
      { minLength: 1, maxLength: 12 },
    )
    .map((xs) => ({
      events: xs.map((x, k) =>
        ev(
          `site${x.i}.example`,
          20n + BigInt(4 * k + x.dt),
          x.i >= known && x.hosts === null ? ["https://n"] : x.hosts,
          x.r,
        ),
      ),
    }));

describe("compact batch proofs", () => {
  it("verifyBatch returns exactly the root applyBatch reaches, with no tree", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 40 }).chain((known) => fc.tuple(fc.constant(known), arbBatch(known))),
        fc.constantFrom(2, 4, 512),
        ([known, batch], page) => {
          const t = seeded(known, page);
          const oldRoot = t.root();
          const proof = proveBatch(t, batch);
          expect(t.root()).toEqual(oldRoot); // proving changes nothing
          const newRoot = applyBatch(t, batch);
          expect(verifyBatch(oldRoot, proof, batch)).toEqual(newRoot);
          expect(verifyBatch(oldRoot, proof, encodeTreeEventBatch(batch), nodeSha256)).toEqual(newRoot);
          expect(verifyBatch(oldRoot, proof, batch, fastSha256)).toEqual(newRoot);
        },
      ),

      { numRuns: 150 },
    );
  });

  it("works from the empty tree", () => {
    const t = new PrefixTree();
    const batch = { events: [ev("a.com", 1n, ["h"])] };
    const proof = proveBatch(t, batch);
    expect(verifyBatch(emptyRoot(), proof, batch, fastSha256)).toEqual(
      verifyBatch(emptyRoot(), proof, batch),
    );
    expect(verifyBatch(emptyRoot(), proof, batch)).toEqual(applyBatch(t, batch));
  });

  it("a tree hashing with fastSha256 proves and applies batches exactly like the default", () => {
    const a = seeded(25, 3);
    const b = new PrefixTree({ maxLeavesPerPage: 3, hash: fastSha256 });
    applyBatch(b, {
      events: Array.from({ length: 25 }, (_, i) => ev(`site${i}.example`, 10n, ["https://h"], i % 7)),
    });
    expect(b.root()).toEqual(a.root());
    const batch = { events: [ev("site3.example", 30n, null, 9), ev("new.example", 31n, ["h"])] };
    const oldRoot = b.root();
    const proof = proveBatch(b, batch);
    expect(proof).toEqual(proveBatch(a, batch));
    const newRoot = applyBatch(b, batch);
    expect(newRoot).toEqual(applyBatch(a, batch));
    expect(verifyBatch(oldRoot, proof, batch, fastSha256)).toEqual(newRoot);
  });

  it("any single bit flip in the proof fails", () => {
    const t = seeded(30);
    const batch = {
      events: [
        ev("site3.example", 30n, null, 9),
        ev("new.example", 31n, ["h"]),
        ev("site3.example", 32n, ["x"], 8),
      ],
    };
    const oldRoot = t.root();
    const proof = proveBatch(t, batch);
    expect(verifyBatch(oldRoot, proof, batch)).not.toBeNull();
    for (let i = 0; i < proof.length * 8; i++) {
      const p = proof.slice();
      p[i >> 3] = (p[i >> 3] as number) ^ (1 << (i & 7));
      expect(verifyBatch(oldRoot, p, batch)).toBeNull();
      expect(verifyBatch(oldRoot, p, batch, fastSha256)).toBeNull();
    }
    // Truncated, extended, other old root.
    expect(verifyBatch(oldRoot, proof.subarray(0, proof.length - 1), batch)).toBeNull();
    expect(verifyBatch(oldRoot, Uint8Array.of(...proof, 0), batch)).toBeNull();
    expect(verifyBatch(rh(1), proof, batch)).toBeNull();
  });

  it("fuzz: bit flips, random bytes and different batches fail (>= 10,000 cases, never throws)", () => {
    const t = seeded(20, 3);
    const oldRoot = t.root();
    const batch = {
      events: [
        ev("site1.example", 40n, null, 1),
        ev("site2.example", 40n, ["h"], 2),
        ev("zz.example", 40n, ["h"], 3),
      ],
    };
    const proof = proveBatch(t, batch);
    const newRoot = verifyBatch(oldRoot, proof, batch) as Uint8Array;
    expect(newRoot).not.toBeNull();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ k: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
          fc.record({ k: fc.constant("random" as const), b: fc.uint8Array({ maxLength: 400 }) }),
          fc.record({
            k: fc.constant("batch" as const),
            which: fc.nat({ max: 2 }),
            r: fc.integer({ min: 4, max: 255 }),
            dt: fc.integer({ min: 1, max: 5 }),
          }),
        ),
        (m) => {
          if (m.k === "flip") {
            const p = proof.slice();
            const at = m.at % p.length;
            p[at] = (p[at] as number) ^ (1 << m.bit);
            expect(verifyBatch(oldRoot, p, batch)).toBeNull();
          } else if (m.k === "random") {
            expect(verifyBatch(oldRoot, m.b, batch)).toBeNull();
          } else {
            // A batch that yields another tree: other resource hash or time for one event.
            const events = batch.events.map((e, i) =>
              i === m.which ? { ...e, newResourceHash: rh(m.r), timestamp: e.timestamp + BigInt(m.dt) } : e,
            );
            expect(verifyBatch(oldRoot, proof, { events })).toBeNull();
          }
        },
      ),
      { numRuns: 10_000 },
    );
    // Other domains entirely: the proof does not cover their paths.
    expect(verifyBatch(oldRoot, proof, { events: [ev("site9.example", 50n, null)] })).toBeNull();
  });

  it("a batch applyBatch rejects cannot be proven and does not verify", () => {
    const t = seeded(5);
    const bad = { events: [ev("unknown.example", 50n, null)] };
    expect(() => proveBatch(t, bad)).toThrow(BatchError);
    const good = { events: [ev("site1.example", 50n, null)] };
    const proof = proveBatch(t, good);
    const backwards = { events: [ev("site1.example", 5n, null)] };
    expect(verifyBatch(t.root(), proof, backwards)).toBeNull();
  });
});
