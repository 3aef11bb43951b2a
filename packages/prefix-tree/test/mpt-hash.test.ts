import { hash as nodeHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { intoOf } from "../src/hash.ts";
import {
  computeRoot,
  fastSha256,
  PrefixTree,
  type Sha256,
  sha256Into,
  verifyInclusion,
} from "../src/index.ts";
import { hashInnerInto, hashLeafInto, mptSha256Into } from "../src/mpt-hash.ts";
import { hex } from "./helpers.ts";

const nodeHex = (d: Uint8Array) => nodeHash("sha256", d, "hex");

/** A buffer holding `body` at `offset`, with `pad` filler bytes after it. */
function embed(body: Uint8Array, offset: number, pad: number, fill: number): Uint8Array {
  const buf = new Uint8Array(offset + body.length + pad).fill(fill);
  buf.set(body, offset);
  return buf;
}

describe("mpt-hash: SHA-256 specialised for 64- and 65-byte node inputs (FIPS 180-4 §6.2)", () => {
  it("hashLeafInto matches node:crypto on random 64-byte inputs at random offsets (10,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.nat(40),
        fc.nat(40),
        fc.nat(255),
        (body, inOff, outOff, fill) => {
          const buf = embed(body, inOff, 7, fill);
          const out = new Uint8Array(outOff + 32 + 5).fill(fill ^ 0xff);
          hashLeafInto(buf, inOff, out, outOff);
          expect(hex(out.subarray(outOff, outOff + 32))).toBe(nodeHex(body));
          // Nothing outside the digest range is written.
          expect(out.subarray(0, outOff).every((x) => x === (fill ^ 0xff))).toBe(true);
          expect(out.subarray(outOff + 32).every((x) => x === (fill ^ 0xff))).toBe(true);
          // The dispatcher takes the same path for length 64.
          const out2 = new Uint8Array(32);
          mptSha256Into(buf, inOff, 64, out2, 0);
          expect(hex(out2)).toBe(nodeHex(body));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("hashInnerInto matches node:crypto on random 65-byte inputs at random offsets (10,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        fc.nat(40),
        fc.nat(40),
        (body, inOff, outOff) => {
          const buf = embed(body, inOff, 3, 0x5a);
          const out = new Uint8Array(outOff + 32);
          hashInnerInto(buf, inOff, out, outOff);
          expect(hex(out.subarray(outOff))).toBe(nodeHex(body));
          const out2 = new Uint8Array(32);
          mptSha256Into(buf, inOff, 65, out2, 0);
          expect(hex(out2)).toBe(nodeHex(body));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("hashInnerInto matches node:crypto for every bitpos value 0..255 (each of the 256 tables)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (children) => {
        const body = new Uint8Array(65);
        body.set(children, 0);
        const out = new Uint8Array(32);
        for (let bitpos = 0; bitpos < 256; bitpos++) {
          body[64] = bitpos;
          hashInnerInto(body, 0, out, 0);
          expect(hex(out)).toBe(nodeHex(body));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("the digest may overwrite its own input (the tree hashes into the buffer it reads)", () => {
    const body = Uint8Array.from({ length: 65 }, (_, i) => (i * 59 + 3) & 0xff);
    const a = body.slice();
    hashInnerInto(a, 0, a, 0);
    expect(hex(a.subarray(0, 32))).toBe(nodeHex(body));
    const b = body.slice(0, 64);
    hashLeafInto(b, 0, b, 16);
    expect(hex(b.subarray(16, 48))).toBe(nodeHex(body.subarray(0, 64)));
  });

  it("mptSha256Into is a full SHA-256: other lengths fall back to sha256Into", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(9), (body, off) => {
        const buf = embed(body, off, 2, 0);
        const out = new Uint8Array(32);
        mptSha256Into(buf, off, body.length, out, 0);
        expect(hex(out)).toBe(nodeHex(body));
      }),
      { numRuns: 2_000 },
    );
  });

  it("rejects out-of-range and non-Uint8Array arguments like sha256Into", () => {
    const d = new Uint8Array(65);
    const out = new Uint8Array(32);
    expect(() => hashLeafInto(d, 2, out, 0)).toThrow(RangeError);
    expect(() => hashInnerInto(d, 1, out, 0)).toThrow(RangeError);
    expect(() => hashInnerInto(d, -1, out, 0)).toThrow(RangeError);
    expect(() => hashLeafInto(d, 0.5, out, 0)).toThrow(RangeError);
    expect(() => hashLeafInto(d, 0, out, 1)).toThrow(RangeError);
    expect(() => hashInnerInto(d, 0, new Uint8Array(31), 0)).toThrow(RangeError);
    expect(() => hashLeafInto([] as unknown as Uint8Array, 0, out, 0)).toThrow(TypeError);
    expect(() => mptSha256Into(d, 1, 65, out, 0)).toThrow(RangeError);
    expect(() => mptSha256Into(d, 0, 64, out, 1)).toThrow(RangeError);
    expect(() => mptSha256Into([] as unknown as Uint8Array, 0, 64, out, 0)).toThrow(TypeError);
  });

  it("is used only for fastSha256: an injected hash (even one carrying .into) is called as given", () => {
    expect(intoOf(fastSha256)).toBe(mptSha256Into);
    expect(fastSha256.into).toBe(sha256Into); // the public object is unchanged
    let calls = 0;
    const counted: Sha256 = Object.assign((d: Uint8Array) => fastSha256(d), {
      into: (d: Uint8Array, o: number, l: number, out: Uint8Array, oo: number) => {
        calls++;
        sha256Into(d, o, l, out, oo);
      },
    });
    const into = intoOf(counted);
    expect(into).toBe(counted.into);
    const before = calls;
    const t = new PrefixTree({ hash: counted, maxLeavesPerPage: 2 });
    const k = (i: number) => new Uint8Array(32).fill(i);
    for (let i = 1; i <= 8; i++) t.set(k(i), k(100 + i));
    const root = t.root();
    expect(calls - before).toBeGreaterThan(8); // leaves and inner nodes went through the injected hash
    const plain = new PrefixTree({ hash: fastSha256, maxLeavesPerPage: 2 });
    for (let i = 1; i <= 8; i++) plain.set(k(i), k(100 + i));
    expect(plain.root()).toEqual(root);
    const pairs = Array.from({ length: 8 }, (_, i) => [k(i + 1), k(101 + i)] as [Uint8Array, Uint8Array]);
    expect(computeRoot(pairs, fastSha256)).toEqual(root);
    expect(verifyInclusion(root, k(3), k(103), plain.proveInclusion(k(3)) as Uint8Array, fastSha256)).toBe(
      true,
    );
  });
});
