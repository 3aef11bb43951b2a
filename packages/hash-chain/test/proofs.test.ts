import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChainCheckpoint,
  decodeChainConsistencyProof,
  decodeChainInclusionProof,
  type Entry,
  emptyCheckpoint,
  encodeChainConsistencyProof,
  encodeChainInclusionProof,
  nextChainHash,
  SiteChain,
  verifyChainConsistency,
  verifyChainInclusion,
  verifyEntries,
} from "../src/index.ts";
import { buildChain, entryArb, fuzzDecoder, hash32, nodeSha256, stepArb } from "./helpers.ts";

const steps = (min: number, max: number) => fc.array(stepArb, { minLength: min, maxLength: max });

/** Two chains sharing a prefix of `common` steps, then each with its own tail. */
const forkArb = fc.record({ common: steps(0, 12), a: steps(0, 8), b: steps(0, 8) });

function flipByte(b: Uint8Array, i: number, x: number): Uint8Array {
  const c = b.slice();
  c[i % c.length]! ^= x;
  return c;
}

describe("inclusion proofs", () => {
  it("every entry verifies against every later size", () => {
    fc.assert(
      fc.property(steps(1, 16), (s) => {
        const c = buildChain(s);
        for (let n = 1n; n <= c.size; n++) {
          const cp = c.checkpoint(n);
          for (let i = 0n; i < n; i++) {
            const p = decodeChainInclusionProof(encodeChainInclusionProof(c.proveInclusion(i, n)));
            expect(verifyChainInclusion(cp, c.entry(i), p)).toBe(true);
            expect(verifyChainInclusion(cp, c.entry(i), p, nodeSha256)).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("fails for a different entry, a different head, or a head of another size", () => {
    fc.assert(
      fc.property(steps(2, 12), fc.nat(), entryArb, hash32, (s, k, other, d) => {
        const c = buildChain(s);
        const i = BigInt(k) % c.size;
        const p = c.proveInclusion(i);
        const e = c.entry(i);
        expect(verifyChainInclusion(c.checkpoint(), { ...other, positionInChain: i }, p)).toBe(false);
        expect(verifyChainInclusion(c.checkpoint(), { ...e, timeCreated: e.timeCreated + 1n }, p)).toBe(
          false,
        );
        expect(verifyChainInclusion({ ...c.checkpoint(), digest: d }, e, p)).toBe(false);
        expect(verifyChainInclusion({ ...c.checkpoint(), size: c.size + 1n }, e, p)).toBe(false);
        if (i + 1n < c.size) expect(verifyChainInclusion(c.checkpoint(c.size - 1n), e, p)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("any single altered byte of the encoded proof fails", () => {
    fc.assert(
      fc.property(steps(1, 10), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (s, k, at, x) => {
        const c = buildChain(s);
        const i = BigInt(k) % c.size;
        const bad = flipByte(encodeChainInclusionProof(c.proveInclusion(i)), at, x);
        let p: ReturnType<typeof decodeChainInclusionProof>;
        try {
          p = decodeChainInclusionProof(bad);
        } catch {
          return; // rejected at decode: fine
        }
        expect(verifyChainInclusion(c.checkpoint(), c.entry(i), p)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("index 0 requires a zero chain hash before it", () => {
    const c = buildChain([{ dt: 0n, resourceHash: new Uint8Array(32).fill(1), hosts: undefined }]);
    const p = c.proveInclusion(0n);
    p.chainHashBefore[0] = 1;
    expect(verifyChainInclusion(c.checkpoint(), c.entry(0n), p)).toBe(false);
  });

  it("decoder rejects oversized, misaligned and overflowing lengths", () => {
    const c = buildChain([{ dt: 0n, resourceHash: new Uint8Array(32).fill(1), hosts: undefined }]);
    const b = encodeChainInclusionProof(c.proveInclusion(0n));
    const code = (x: Uint8Array) => {
      try {
        decodeChainInclusionProof(x);
        return "ok";
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    const huge = b.slice();
    huge.set([0xff, 0xff, 0xff, 0xf0], 40); // 4294967280 = 80 * 53687091: aligned, far beyond input
    expect(code(huge)).toBe("truncated");
    const odd = b.slice();
    odd[43] = 79;
    expect(code(odd)).toBe("invalid-value");
    const overflow = encodeChainInclusionProof({
      index: (1n << 64n) - 1n,
      chainHashBefore: new Uint8Array(32),
      entriesAfter: [c.entry(0n)],
    });
    expect(code(overflow)).toBe("oversized");
  });

  it("decoder fuzz: 10,000 inputs", () => {
    const valid = steps(1, 6).chain((s) => {
      const c = buildChain(s);
      return fc.nat().map((k) => encodeChainInclusionProof(c.proveInclusion(BigInt(k) % c.size)));
    });
    const r = fuzzDecoder(decodeChainInclusionProof, encodeChainInclusionProof, valid);
    expect(r.ok + r.rejected).toBe(10_000);
    expect(r.rejected).toBeGreaterThan(1000);
  });
});

describe("consistency proofs", () => {
  it("verify exactly when the newer chain extends the older", () => {
    fc.assert(
      fc.property(forkArb, fc.nat(), fc.nat(), (f, x, y) => {
        const a = buildChain([...f.common, ...f.a]);
        const b = buildChain([...f.common, ...f.b]);
        // Older checkpoint from chain a, newer from chain b, at arbitrary sizes m <= n.
        const m = BigInt(x) % (a.size + 1n);
        if (m > b.size) return;
        const n = m + (BigInt(y) % (b.size - m + 1n));
        const proof = decodeChainConsistencyProof(encodeChainConsistencyProof(b.proveConsistency(m, n)));
        const extends_ = prefixEqual(a, b, m);
        expect(verifyChainConsistency(a.checkpoint(m), b.checkpoint(n), proof)).toBe(extends_);
      }),
      { numRuns: 400 },
    );
  });

  it("always verifies within one chain, both directions of misuse fail", () => {
    fc.assert(
      fc.property(steps(0, 12), fc.nat(), fc.nat(), (s, x, y) => {
        const c = buildChain(s);
        const m = BigInt(x) % (c.size + 1n);
        const n = m + (BigInt(y) % (c.size - m + 1n));
        const p = c.proveConsistency(m, n);
        expect(verifyChainConsistency(c.checkpoint(m), c.checkpoint(n), p)).toBe(true);
        // Without lastTime (digest-only checkpoints) it also verifies.
        const bare = (k: bigint): ChainCheckpoint => ({ size: k, digest: c.digestAt(k) });
        expect(verifyChainConsistency(bare(m), bare(n), p)).toBe(true);
        if (n > m) {
          expect(verifyChainConsistency(c.checkpoint(n), c.checkpoint(m), p)).toBe(false);
          expect(
            verifyChainConsistency(c.checkpoint(m), c.checkpoint(n), { ...p, entries: p.entries.slice(1) }),
          ).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("any single altered byte of the encoded proof fails", () => {
    fc.assert(
      fc.property(steps(1, 10), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (s, k, at, x) => {
        const c = buildChain(s);
        const m = BigInt(k) % c.size;
        const bad = flipByte(encodeChainConsistencyProof(c.proveConsistency(m)), at, x);
        let p: ReturnType<typeof decodeChainConsistencyProof>;
        try {
          p = decodeChainConsistencyProof(bad);
        } catch {
          return;
        }
        expect(verifyChainConsistency(c.checkpoint(m), c.checkpoint(), p)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects entries whose time goes back behind a trusted older head", () => {
    const c = new SiteChain();
    c.append({ timeCreated: 100n, resourceHash: new Uint8Array(32).fill(1), assetHosts: ["h"] });
    // Forge a sibling history that starts at the same head but with an older second entry: the
    // hash recomputation alone would accept it, the time rule must not.
    const p = { oldSize: 1n, entries: [{ ...c.entry(0n), positionInChain: 1n, timeCreated: 50n }] };
    const forged = SiteChain.fromEntries([c.entry(0n)]);
    const newer = { size: 2n, digest: replayDigest(forged, p.entries[0]!) };
    expect(verifyChainConsistency({ size: 1n, digest: c.digest }, newer, p)).toBe(true);
    expect(verifyChainConsistency(c.checkpoint(), newer, p)).toBe(false);
  });

  it("verifyEntries accepts exactly the whole chain", () => {
    fc.assert(
      fc.property(steps(0, 10), (s) => {
        const c = buildChain(s);
        expect(verifyEntries(c.checkpoint(), c.entries())).toBe(true);
        expect(verifyEntries(emptyCheckpoint(), [])).toBe(true);
        if (c.size > 0n) expect(verifyEntries(c.checkpoint(), c.entries().slice(1))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("decoder fuzz: 10,000 inputs", () => {
    const valid = steps(0, 6).chain((s) => {
      const c = buildChain(s);
      return fc.nat().map((k) => encodeChainConsistencyProof(c.proveConsistency(BigInt(k) % (c.size + 1n))));
    });
    const r = fuzzDecoder(decodeChainConsistencyProof, encodeChainConsistencyProof, valid);
    expect(r.ok + r.rejected).toBe(10_000);
    expect(r.rejected).toBeGreaterThan(1000);
  });
});

function prefixEqual(a: SiteChain, b: SiteChain, m: bigint): boolean {
  if (m > a.size || m > b.size) return false;
  const ea = a.entries().slice(0, Number(m));
  const eb = b.entries().slice(0, Number(m));
  return ea.every((e, i) => JSON.stringify(e, big) === JSON.stringify(eb[i], big));
}
const big = (_k: string, v: unknown) =>
  typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? [...v] : v;

/** Digest of `chain` with `e` appended, bypassing SiteChain's time rule (to build a forgery). */
function replayDigest(chain: SiteChain, e: Entry): Uint8Array {
  return nextChainHash({ entry: e, chainHash: chain.digest });
}
