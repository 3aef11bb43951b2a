/**
 * BatchProofBundle framing, found by mutation testing (`pnpm mutate`): exact lengths at each
 * refusal (header, empty batch, nothing after the batch), the error codes and offsets, and a fuzz
 * that demands round trip or rejection (whatever decodes re-encodes to the same bytes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError, decodeBatchProofBundle, encodeBatchProofBundle } from "../src/index.ts";

function failure(bytes: Uint8Array): { code: string; offset: number } | undefined {
  try {
    decodeBatchProofBundle(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset };
  }
  return undefined;
}

describe("BatchProofBundle framing", () => {
  it("refuses each short frame with its own code and offset", () => {
    expect(failure(Uint8Array.of())).toEqual({ code: "truncated", offset: 0 });
    expect(failure(Uint8Array.of(0, 0))).toEqual({ code: "truncated", offset: 2 });
    expect(failure(Uint8Array.of(0, 0, 0, 1, 2))).toEqual({ code: "malformed", offset: 0 });
    // exactly the 3 header bytes: read, and an empty batch is malformed (not truncated)
    expect(failure(Uint8Array.of(0, 0, 0))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(Uint8Array.of(0, 0, 1))).toEqual({ code: "truncated", offset: 3 });
    // batch length 2: two batch bytes and no proof byte is truncated; one proof byte decodes.
    expect(failure(Uint8Array.of(0, 0, 2, 1, 2))).toEqual({ code: "truncated", offset: 5 });
    expect(decodeBatchProofBundle(Uint8Array.of(0, 0, 2, 1, 2, 3))).toEqual({
      batch: Uint8Array.of(1, 2),
      proof: Uint8Array.of(3),
    });
    // the length is big-endian over all three bytes
    const long = new Uint8Array(3 + 0x010203 + 1);
    long.set([1, 2, 3]);
    expect(decodeBatchProofBundle(long).batch.length).toBe(0x010203);
    expect(decodeBatchProofBundle(long).proof.length).toBe(1);
  });

  it("encodes the batch length in three bytes and refuses a batch over 2^24 - 1 bytes", () => {
    expect(encodeBatchProofBundle({ batch: Uint8Array.of(9), proof: Uint8Array.of(8, 7) })).toEqual(
      Uint8Array.of(0, 0, 1, 9, 8, 7),
    );
    const big = new Uint8Array(2 ** 24 - 1);
    const ok = encodeBatchProofBundle({ batch: big, proof: Uint8Array.of(1) });
    expect([...ok.subarray(0, 3)]).toEqual([0xff, 0xff, 0xff]);
    expect(() => encodeBatchProofBundle({ batch: new Uint8Array(2 ** 24), proof: Uint8Array.of(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeBatchProofBundle({ batch: [1] as unknown as Uint8Array, proof: Uint8Array.of(1) }),
    ).toThrow(TypeError);
    expect(() =>
      encodeBatchProofBundle({ batch: Uint8Array.of(1), proof: [1] as unknown as Uint8Array }),
    ).toThrow(TypeError);
    expect(() => decodeBatchProofBundle([0, 0, 1, 1, 1] as unknown as Uint8Array)).toThrow(TypeError);
    // not bytes is a TypeError even when the frame would be refused as truncated
    expect(() => decodeBatchProofBundle([0, 0, 9] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("fuzz: any bytes decode to a bundle that re-encodes to the same bytes, or are refused", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc
            .tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 20 }))
            .map(([b, p]) => Uint8Array.from([0, 0, b.length, ...b, ...p])),
        ),
        (bytes) => {
          let got: ReturnType<typeof decodeBatchProofBundle>;
          try {
            got = decodeBatchProofBundle(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            const n = bytes.length < 3 ? -1 : (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
            // refused exactly when the frame cannot hold a non-empty batch and a non-empty proof
            expect(n < 1 || 3 + n >= bytes.length).toBe(true);
            return;
          }
          expect(encodeBatchProofBundle(got)).toEqual(bytes);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
