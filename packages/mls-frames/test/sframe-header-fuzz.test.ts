/** Fuzzing the SFrame header decoder (RFC 9605 §4.3) with fast-check: >= 10,000 cases per property. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodeSFrameHeader,
  encodeSFrameHeader,
  headerLength,
  readSFrameHeader,
} from "../src/index.ts";

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
// Bias towards the edges of every byte length.
const edgy = fc.oneof(
  u64,
  fc.integer({ min: 0, max: 8 }).map((n) => BigInt(n)),
  fc.integer({ min: 1, max: 64 }).map((b) => (1n << BigInt(b)) - 1n),
  fc.integer({ min: 0, max: 63 }).map((b) => 1n << BigInt(b)),
);

describe("SFrame header fuzz", () => {
  it("decodes any byte string canonically or throws DecodeError (12,000 cases)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 20 }), (bytes) => {
        let parsed: { kid: bigint; ctr: bigint; length: number };
        try {
          parsed = readSFrameHeader(bytes, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        // Whatever parses must be the one canonical encoding of its values.
        const again = encodeSFrameHeader(parsed);
        expect(again).toEqual(bytes.subarray(0, parsed.length));
        if (parsed.length !== bytes.length) expect(() => decodeSFrameHeader(bytes)).toThrow(DecodeError);
      }),
      { numRuns: 12_000 },
    );
  });

  it("round-trips every (KID, CTR) pair (12,000 cases)", () => {
    fc.assert(
      fc.property(edgy, edgy, fc.uint8Array({ maxLength: 8 }), (kid, ctr, tail) => {
        const h = encodeSFrameHeader({ kid, ctr });
        expect(h.length).toBe(headerLength(kid, ctr));
        expect(decodeSFrameHeader(h)).toEqual({ kid, ctr });
        const r = readSFrameHeader(new Uint8Array([...h, ...tail]), 0);
        expect(r).toEqual({ kid, ctr, length: h.length });
      }),
      { numRuns: 12_000 },
    );
  });

  it("rejects non-minimal encodings", () => {
    expect(() => decodeSFrameHeader(Uint8Array.of(0x80, 0x05))).toThrow(/config byte/); // KID 5 extended
    expect(() => decodeSFrameHeader(Uint8Array.of(0x90, 0x00, 0x09))).toThrow(/leading zero/);
    expect(() => decodeSFrameHeader(Uint8Array.of(0x08, 0x07))).toThrow(/config byte/); // CTR 7 extended
    expect(() => decodeSFrameHeader(Uint8Array.of(0x09, 0x00, 0xff))).toThrow(/leading zero/);
    expect(() => decodeSFrameHeader(new Uint8Array(0))).toThrow(DecodeError);
    expect(() => decodeSFrameHeader(Uint8Array.of(0x88, 0x09))).toThrow(
      expect.objectContaining({ code: "truncated", offset: 2 }),
    );
  });

  it("refuses to encode values outside u64", () => {
    expect(() => encodeSFrameHeader({ kid: -1n, ctr: 0n })).toThrow(RangeError);
    expect(() => encodeSFrameHeader({ kid: 0n, ctr: 1n << 64n })).toThrow(RangeError);
    expect(() => encodeSFrameHeader({ kid: 1 as unknown as bigint, ctr: 0n })).toThrow(TypeError);
  });
});
