/**
 * Found by mutation testing (`pnpm mutate`, the fifth session's run of site-chain,
 * consistency-proof and inclusion-proof): `SiteChain`'s size and position arguments must be
 * bigints (a number would otherwise compare and index fine), `append` takes an object, a negative
 * tile index, the inclusion-proof encoder's index bounds and `verifyChainInclusion`'s argument
 * checks (a malformed head or entry is a TypeError/RangeError, never a quiet `false`).
 */
import { describe, expect, it } from "vitest";
import { encodeChainInclusionProof, SiteChain, verifyChainInclusion } from "../src/index.ts";
import { hex } from "./helpers.ts";

function chainOf(n: number): SiteChain {
  const c = new SiteChain();
  for (let i = 0; i < n; i++) {
    c.append({
      timeCreated: BigInt(1000 + i),
      resourceHash: new Uint8Array(32).fill(i + 1),
      ...(i === 0 ? { assetHosts: ["https://assets.example/"] } : {}),
    });
  }
  return c;
}

describe("SiteChain arguments", () => {
  it("sizes and positions must be bigints, not numbers", () => {
    const c = chainOf(3);
    expect(hex(c.digestAt(3n))).toBe(hex(c.digest));
    expect(hex(c.digestAt(1n))).toBe(hex(c.node(1n).chainHash));
    expect(() => c.digestAt(1 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.checkpoint(2 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.proveConsistency(1 as unknown as bigint, 3n)).toThrow(TypeError);
    expect(() => c.proveConsistency(1n, 3 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.entry(0 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.node(0 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.chainHashAfter(0 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.proveInclusion(0 as unknown as bigint)).toThrow(TypeError);
    expect(() => c.entry(-1n)).toThrow(RangeError);
  });

  it("the digest at the current size is the head's digest, a copy", () => {
    const c = chainOf(2);
    const d = c.digestAt(2n);
    expect(hex(d)).toBe(hex(c.digest));
    d.fill(0);
    expect(hex(c.digestAt(2n))).not.toBe(hex(d));
    expect(hex(c.checkpoint().digest)).toBe(hex(c.digest));
  });

  it("append takes an object: a number or a string is a TypeError, not a missing-hosts error", () => {
    const c = new SiteChain();
    for (const input of [5, "x", true, null]) expect(() => c.append(input as never)).toThrow(TypeError);
    expect(c.size).toBe(0n);
  });

  it("a negative tile index is a RangeError", () => {
    const c = chainOf(3);
    expect(() => c.entriesTile(-1n)).toThrow(RangeError);
    expect(() => c.entriesTile(0 as unknown as bigint)).toThrow(RangeError);
    expect(c.entriesTile(0n).length).toBeGreaterThan(0);
  });
});

describe("chain inclusion proofs: arguments", () => {
  const c = chainOf(4);
  const head = c.checkpoint();
  const proof = c.proveInclusion(1n);
  const entry = c.entry(1n);

  it("the encoder refuses an index outside u64", () => {
    expect(encodeChainInclusionProof(proof).length).toBeGreaterThan(40);
    expect(() => encodeChainInclusionProof({ ...proof, index: -1n })).toThrow(RangeError);
    expect(() => encodeChainInclusionProof({ ...proof, index: 1n << 64n })).toThrow(RangeError);
  });

  it("a malformed head or entry throws instead of returning false", () => {
    expect(verifyChainInclusion(head, entry, proof)).toBe(true);
    expect(() => verifyChainInclusion({ ...head, size: -1n }, entry, proof)).toThrow(RangeError);
    expect(() => verifyChainInclusion({ ...head, digest: new Uint8Array(31) }, entry, proof)).toThrow(
      RangeError,
    );
    expect(() =>
      verifyChainInclusion(head, { ...entry, positionInChain: 1 as unknown as bigint }, proof),
    ).toThrow(TypeError);
  });
});
