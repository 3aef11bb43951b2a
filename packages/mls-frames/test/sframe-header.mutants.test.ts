/**
 * SFrame header (RFC 9605 §4.3) edge cases found by mutation testing (`pnpm mutate`): writing into a
 * buffer at an offset, the exact size a buffer needs, reading at an offset, and values on both sides
 * of the Number/bigint switch (2^53) and of every byte length.
 */
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodeSFrameHeader,
  encodeSFrameHeader,
  headerLength,
  readSFrameHeader,
  writeSFrameHeader,
} from "../src/index.ts";
import { toHex } from "./helpers.ts";

/** Big-endian minimal bytes of v (v >= 8), independent of the code under test. */
function be(v: bigint): number[] {
  const out: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn));
  return out;
}

const values = [
  8n,
  255n,
  256n,
  65_535n,
  65_536n,
  (1n << 48n) - 1n,
  1n << 48n,
  (1n << 53n) - 1n,
  1n << 53n,
  (1n << 53n) + 1n,
  (1n << 56n) - 1n,
  1n << 56n,
  0x0123_4567_89ab_cdefn,
  (1n << 64n) - 1n,
];

describe("SFrame header bytes", () => {
  it("each value is written big-endian in its minimal length, KID then CTR", () => {
    for (const v of values) {
      const n = be(v).length;
      expect(toHex(encodeSFrameHeader({ kid: v, ctr: 3n }))).toBe(
        toHex(Uint8Array.of(0x80 | ((n - 1) << 4) | 3, ...be(v))),
      );
      expect(toHex(encodeSFrameHeader({ kid: 5n, ctr: v }))).toBe(
        toHex(Uint8Array.of(0x50 | 0x08 | (n - 1), ...be(v))),
      );
      const both = encodeSFrameHeader({ kid: v, ctr: v + 0n });
      expect(toHex(both)).toBe(toHex(Uint8Array.of(0x88 | ((n - 1) << 4) | (n - 1), ...be(v), ...be(v))));
      expect(headerLength(v, v)).toBe(1 + 2 * n);
      expect(decodeSFrameHeader(both)).toEqual({ kid: v, ctr: v });
    }
    expect(toHex(encodeSFrameHeader({ kid: 7n, ctr: 7n }))).toBe("77");
    expect(toHex(encodeSFrameHeader({ kid: 0n, ctr: 0n }))).toBe("00");
    expect(headerLength(7n, 7n)).toBe(1);
    expect(headerLength(8n, 7n)).toBe(2);
    expect(headerLength(7n, 8n)).toBe(2);
  });

  it("writes at an offset into a buffer of exactly the right size, touching nothing else", () => {
    const kid = 0x1234n;
    const ctr = (1n << 53n) + 7n;
    const len = headerLength(kid, ctr);
    const out = new Uint8Array(3 + len).fill(0xee);
    expect(writeSFrameHeader(out, 3, kid, ctr)).toBe(len);
    expect(toHex(out.subarray(0, 3))).toBe("eeeeee");
    expect(toHex(out.subarray(3))).toBe(toHex(encodeSFrameHeader({ kid, ctr })));
    expect(readSFrameHeader(out, 3)).toEqual({ kid, ctr, length: len });
    // One byte short, at offset 0 or later: refused before anything is written.
    const short = new Uint8Array(3 + len - 1).fill(0xee);
    expect(() => writeSFrameHeader(short, 3, kid, ctr)).toThrow(RangeError);
    expect(() => writeSFrameHeader(new Uint8Array(len - 1), 0, kid, ctr)).toThrow(RangeError);
    expect(() => writeSFrameHeader(new Uint8Array(0), 0, 0n, 0n)).toThrow(RangeError);
    expect(short.every((b) => b === 0xee)).toBe(true);
    expect(writeSFrameHeader(new Uint8Array(1), 0, 1n, 2n)).toBe(1);
  });

  it("refuses values outside u64 at the exact bounds", () => {
    const out = new Uint8Array(17);
    expect(writeSFrameHeader(out, 0, (1n << 64n) - 1n, (1n << 64n) - 1n)).toBe(17);
    expect(() => writeSFrameHeader(out, 0, 1n << 64n, 0n)).toThrow(RangeError);
    expect(() => writeSFrameHeader(out, 0, 0n, -1n)).toThrow(RangeError);
    expect(() => writeSFrameHeader(out, 0, 0n, 1 as unknown as bigint)).toThrow(TypeError);
    expect(() => writeSFrameHeader(out, 0, 1 as unknown as bigint, 0n)).toThrow(TypeError);
  });

  it("reads at an offset; an offset at or past the end is truncated", () => {
    const bytes = Uint8Array.of(0xff, 0xff, 0x12);
    expect(readSFrameHeader(bytes, 2)).toEqual({ kid: 1n, ctr: 2n, length: 1 });
    for (const off of [3, 4]) {
      expect(() => readSFrameHeader(bytes, off)).toThrow(expect.objectContaining({ code: "truncated" }));
    }
    // A header that needs more bytes than remain after the offset.
    expect(() => readSFrameHeader(Uint8Array.of(0, 0x90, 0x12), 1)).toThrow(
      expect.objectContaining({ code: "truncated" }),
    );
    expect(readSFrameHeader(Uint8Array.of(0, 0x90, 0x12, 0x34), 1)).toEqual({
      kid: 0x1234n,
      ctr: 0n,
      length: 3,
    });
  });

  it("each field is exactly as long as its length bits say: one byte fewer is truncated", () => {
    for (const v of values) {
      const h = encodeSFrameHeader({ kid: v, ctr: v });
      expect(() => decodeSFrameHeader(h.subarray(0, h.length - 1))).toThrow(
        expect.objectContaining({ code: "truncated" }),
      );
      const kidOnly = encodeSFrameHeader({ kid: v, ctr: 0n });
      expect(() => decodeSFrameHeader(kidOnly.subarray(0, kidOnly.length - 1))).toThrow(DecodeError);
      expect(() => decodeSFrameHeader(Uint8Array.of(...h, 0))).toThrow(
        expect.objectContaining({ code: "trailing", offset: h.length }),
      );
    }
  });

  it("a leading zero byte or an extended small value is non-minimal, at the field's offset", () => {
    expect(() => decodeSFrameHeader(Uint8Array.of(0x90, 0x00, 0x09))).toThrow(
      expect.objectContaining({ code: "non-minimal", offset: 1 }),
    );
    expect(() => decodeSFrameHeader(Uint8Array.of(0x19, 0x00, 0x09))).toThrow(
      expect.objectContaining({ code: "non-minimal", offset: 1 }),
    );
    expect(() => decodeSFrameHeader(Uint8Array.of(0x88, 0x09, 0x00))).toThrow(
      expect.objectContaining({ code: "non-minimal", offset: 2 }),
    );
    // 7-byte and 8-byte fields too (the bigint path)
    expect(() => decodeSFrameHeader(Uint8Array.of(0xe0, 0, 1, 2, 3, 4, 5, 6))).toThrow(
      expect.objectContaining({ code: "non-minimal" }),
    );
    expect(() => decodeSFrameHeader(Uint8Array.of(0xf0, 0, 0, 0, 0, 0, 0, 0, 7))).toThrow(
      expect.objectContaining({ code: "non-minimal" }),
    );
    expect(decodeSFrameHeader(Uint8Array.of(0x80, 0x08))).toEqual({ kid: 8n, ctr: 0n });
    expect(decodeSFrameHeader(Uint8Array.of(0x08, 0x08))).toEqual({ kid: 0n, ctr: 8n });
    expect(decodeSFrameHeader(Uint8Array.of(0xf0, 1, 0, 0, 0, 0, 0, 0, 0))).toEqual({
      kid: 1n << 56n,
      ctr: 0n,
    });
  });
});
