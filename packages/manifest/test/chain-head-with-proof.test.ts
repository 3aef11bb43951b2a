import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeChainHeadWithProof, encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { ProofDecodeError } from "../src/errors.ts";
import { makeWorld } from "./helpers/world.ts";

const w = makeWorld({ leaves: 16 });

function code(b: Uint8Array): string {
  try {
    decodeChainHeadWithProof(b);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(ProofDecodeError);
    return (e as ProofDecodeError).code;
  }
}

describe("ChainHeadWithProof codec", () => {
  it("round-trips a real proof with the TLS layout (112 B head, u16 inc_proof, u24 note)", () => {
    const d = decodeChainHeadWithProof(w.proof);
    expect(d.head).toEqual(w.head);
    expect(d.incProof).toEqual(w.incProof);
    expect(d.signedPrefixRoot).toEqual(w.signedRoot);
    expect(encodeChainHeadWithProof(d)).toEqual(w.proof);
    expect(w.proof.length).toBe(112 + 2 + w.incProof.length + 3 + w.signedRoot.length);
    expect((w.proof[112]! << 8) | w.proof[113]!).toBe(w.incProof.length);
  });
  it("rejects every truncation and a trailing byte", () => {
    for (let n = 0; n < w.proof.length; n++)
      expect(code(w.proof.subarray(0, n)), `length ${n}`).toMatch(/truncated|bad_length/);
    expect(code(new Uint8Array([...w.proof, 0]))).toBe("trailing");
  });
  it("rejects empty vectors and an inc_proof longer than 2^14-1", () => {
    const head = w.proof.subarray(0, 112);
    expect(code(new Uint8Array([...head, 0, 0, 0, 0, 1, 0x41]))).toBe("bad_length");
    expect(code(new Uint8Array([...head, 0, 1, 0x41, 0, 0, 0]))).toBe("bad_length");
    expect(code(new Uint8Array([...head, 0x40, 0x00]))).toBe("bad_length");
    expect(() =>
      encodeChainHeadWithProof({ head: w.head, incProof: new Uint8Array(0), signedPrefixRoot: w.signedRoot }),
    ).toThrow(RangeError);
    expect(() =>
      encodeChainHeadWithProof({
        head: w.head,
        incProof: new Uint8Array(16384),
        signedPrefixRoot: w.signedRoot,
      }),
    ).toThrow(RangeError);
  });
  it("fuzz: random bytes and mutated proofs only ever raise ProofDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => void code(b)),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(fc.nat(w.proof.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(8), (i, x, cut) => {
        const b = w.proof.slice(0, w.proof.length - cut);
        if (i < b.length) b[i] = b[i]! ^ x;
        const c = code(b);
        if (c === "ok") expect(encodeChainHeadWithProof(decodeChainHeadWithProof(b))).toEqual(b);
      }),
      { numRuns: 10_000 },
    );
  });
});
