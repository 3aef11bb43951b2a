import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyBatch,
  DecodeError,
  decodeBatchProofBundle,
  encodeBatchProofBundle,
  encodeTreeEventBatch,
  PrefixTree,
  proveBatch,
  type TreeEventBatch,
  verifyBatch,
} from "../src/index.ts";

const batch: TreeEventBatch = {
  events: [
    {
      domain: "a.example",
      assetHosts: ["https://h"],
      newResourceHash: new Uint8Array(32).fill(1),
      timestamp: 5n,
    },
  ],
};

describe("BatchProofBundle", () => {
  it("round-trips a real batch and proof, which still verify", () => {
    const tree = new PrefixTree();
    const old = tree.root();
    const b = encodeTreeEventBatch(batch);
    const proof = proveBatch(tree, batch);
    const bytes = encodeBatchProofBundle({ batch: b, proof });
    expect(bytes.length).toBe(3 + b.length + proof.length);
    const got = decodeBatchProofBundle(bytes);
    expect(got.batch).toEqual(b);
    expect(got.proof).toEqual(proof);
    expect(verifyBatch(old, got.proof, got.batch)).toEqual(applyBatch(tree, batch));
  });

  it("rejects truncated frames, an empty batch and an empty proof", () => {
    for (const bad of [[], [0, 0], [0, 0, 0, 1], [0, 0, 2, 1, 2], [0, 0, 1, 9]]) {
      expect(() => decodeBatchProofBundle(Uint8Array.from(bad))).toThrow(DecodeError);
    }
    expect(() => encodeBatchProofBundle({ batch: new Uint8Array(0), proof: new Uint8Array(1) })).toThrow(
      RangeError,
    );
    expect(() => encodeBatchProofBundle({ batch: new Uint8Array(1), proof: new Uint8Array(0) })).toThrow(
      RangeError,
    );
  });

  it("decodes any bytes without throwing anything but DecodeError (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const { batch: b, proof } = decodeBatchProofBundle(bytes);
          expect(3 + b.length + proof.length).toBe(bytes.length);
          expect(b.length).toBeGreaterThan(0);
          expect(proof.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
