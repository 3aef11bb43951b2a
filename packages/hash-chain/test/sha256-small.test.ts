/**
 * sha256-small.ts against node:crypto (an independent implementation) and FIPS 180-4 examples.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256 } from "../src/index.ts";
import { sha256Small, sha256SmallInto } from "../src/sha256-small.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ref = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("sha256Small (FIPS 180-4 §6.2)", () => {
  it("FIPS 180-4 examples and every length 0..200 match node:crypto", () => {
    const enc = new TextEncoder();
    expect(hex(sha256Small(enc.encode("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(hex(sha256Small(new Uint8Array(0)))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(hex(sha256Small(enc.encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    const a = new Uint8Array(1_000_000).fill(0x61);
    expect(hex(sha256Small(a))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    for (let n = 0; n <= 200; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256Small(b))).toBe(ref(b));
    }
  });

  it("fast-check: 5,000 random inputs at random offsets, .into writes only its 32 bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        (data, pre, outOff) => {
          const buf = new Uint8Array(pre + data.length + 3).fill(0xee);
          buf.set(data, pre);
          const out = new Uint8Array(outOff + 40).fill(0xcc);
          sha256SmallInto(buf, pre, data.length, out, outOff);
          expect(hex(out.subarray(outOff, outOff + 32))).toBe(ref(data));
          expect(out.subarray(0, outOff).every((x) => x === 0xcc)).toBe(true);
          expect(out.subarray(outOff + 32).every((x) => x === 0xcc)).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("fast-check: .into may hash in place (output overlapping the input)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 200 }), fc.nat(), (data, at) => {
        const buf = data.slice();
        const outOff = at % (data.length - 31);
        sha256SmallInto(buf, 0, buf.length, buf, outOff);
        expect(hex(buf.subarray(outOff, outOff + 32))).toBe(ref(data));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses bad arguments instead of hashing undefined bytes", () => {
    const d = new Uint8Array(10);
    const out = new Uint8Array(32);
    expect(() => sha256SmallInto(d, 0, 11, out, 0)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 5, 6, out, 0)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, -1, 1, out, 0)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0.5, 1, out, 0)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, Number.NaN, 1, out, 0)).toThrow(RangeError);
    // A negative length whose range still ends inside the data, and bad output offsets that would put
    // some digest bytes outside `out` (ignored typed-array writes) or at fractional indices.
    expect(() => sha256SmallInto(d, 5, -1, out, 0)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0, 10, new Uint8Array(40), -1)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0, 10, new Uint8Array(40), 0.5)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0, 10, new Uint8Array(40), Number.NaN)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0, 10, out, 1)).toThrow(RangeError);
    expect(() => sha256SmallInto(d, 0, 10, new Uint8Array(31), 0)).toThrow(RangeError);
    expect(() => sha256SmallInto([] as unknown as Uint8Array, 0, 0, out, 0)).toThrow(TypeError);
    expect(() => sha256Small("abc" as unknown as Uint8Array)).toThrow(TypeError);
    // The exact bounds are accepted.
    sha256SmallInto(d, 0, 10, out, 0);
    expect(hex(out)).toBe(ref(d));
  });

  it("is the package's default SHA-256, with its allocation-free form attached", () => {
    expect(sha256).toBe(sha256Small);
    expect(sha256Small.into).toBe(sha256SmallInto);
  });
});
