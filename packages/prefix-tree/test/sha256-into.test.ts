import { hash as nodeHash } from "node:crypto";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastSha256, PrefixTree, type Sha256, sha256Into } from "../src/index.ts";
import { hex } from "./helpers.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const nodeHex = (d: Uint8Array) => nodeHash("sha256", d, "hex");
const intoHex = (d: Uint8Array) => {
  const out = new Uint8Array(32);
  sha256Into(d, 0, d.length, out, 0);
  return hex(out);
};

// FIPS 180-4 §6.2 examples as published by NIST (CSRC "Cryptographic Standards and Guidelines:
// Examples with Intermediate Values", SHA-256; also FIPS 180-2 Appendix B), and the long message.
const NIST: [string, Uint8Array, string][] = [
  ["empty", utf8(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc (one block)", utf8("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "448-bit message (two blocks)",
    utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  ],
  [
    "896-bit message",
    utf8(
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    ),
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  ],
  [
    "one million 'a'",
    new Uint8Array(1_000_000).fill(0x61),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  ],
];

function pattern(n: number, seed: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 131 + seed * 7 + (i >>> 8)) & 0xff;
  return d;
}

describe("sha256Into (FIPS 180-4 §6.2)", () => {
  it.each(NIST)("NIST vector: %s", (_, msg, want) => {
    expect(intoHex(msg)).toBe(want);
    expect(hex(fastSha256(msg))).toBe(want);
    expect(nodeHex(msg)).toBe(want); // the vectors themselves, against node:crypto
  });

  it("padding boundaries 55, 56, 63, 64, 119, 120 (and every length 0..200) match node:crypto", () => {
    for (const n of [55, 56, 63, 64, 119, 120]) {
      const d = pattern(n, n);
      expect(intoHex(d)).toBe(nodeHex(d));
      // The same bytes at an odd offset inside a larger buffer.
      const big = new Uint8Array(n + 77).fill(0xa5);
      big.set(d, 13);
      const out = new Uint8Array(40).fill(0x5a);
      sha256Into(big, 13, n, out, 3);
      expect(hex(out.subarray(3, 35))).toBe(nodeHex(d));
    }
    for (let n = 0; n <= 200; n++) {
      const d = pattern(n, 1);
      expect(intoHex(d)).toBe(nodeHex(d));
    }
  });

  it("fast-check: 10,000 random inputs (lengths 0..1000, random offsets) match node:crypto", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 1000 }),
        fc.nat({ max: 64 }),
        fc.nat({ max: 64 }),
        fc.nat({ max: 64 }),
        fc.nat({ max: 64 }),
        (msg, before, after, outOff, outExtra) => {
          const buf = new Uint8Array(before + msg.length + after);
          for (let i = 0; i < buf.length; i++) buf[i] = (i * 37) & 0xff;
          buf.set(msg, before);
          const snapshot = buf.slice();
          const out = new Uint8Array(outOff + 32 + outExtra).fill(0xee);
          sha256Into(buf, before, msg.length, out, outOff);
          expect(hex(out.subarray(outOff, outOff + 32))).toBe(nodeHex(msg));
          // Nothing outside the output range is written, and the input is not changed.
          for (let i = 0; i < outOff; i++) expect(out[i]).toBe(0xee);
          for (let i = outOff + 32; i < out.length; i++) expect(out[i]).toBe(0xee);
          expect(buf).toEqual(snapshot);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("reads a subarray view at its own offset, and may write over its input", () => {
    const backing = pattern(300, 9);
    const view = backing.subarray(100, 250);
    const out = new Uint8Array(32);
    sha256Into(view, 5, 65, out, 0);
    expect(hex(out)).toBe(nodeHex(backing.subarray(105, 170)));
    // In place: the digest of a 65-byte node written over its first 32 bytes.
    const node = pattern(65, 4);
    const want = nodeHex(node);
    sha256Into(node, 0, 65, node, 0);
    expect(hex(node.subarray(0, 32))).toBe(want);
  });

  it("rejects bad ranges and arguments", () => {
    const d = new Uint8Array(10);
    const out = new Uint8Array(32);
    expect(() => sha256Into(d, 0, 11, out, 0)).toThrow(RangeError);
    expect(() => sha256Into(d, 5, 6, out, 0)).toThrow(RangeError);
    expect(() => sha256Into(d, -1, 1, out, 0)).toThrow(RangeError);
    expect(() => sha256Into(d, 0.5, 1, out, 0)).toThrow(RangeError);
    expect(() => sha256Into(d, 0, 10, out, 1)).toThrow(RangeError);
    expect(() => sha256Into(d, 0, 10, new Uint8Array(31), 0)).toThrow(RangeError);
    // A negative length whose range still ends inside the data, and output offsets that would put digest
    // bytes before `out` (ignored typed-array writes) or at fractional indices.
    expect(() => sha256Into(d, 5, -1, out, 0)).toThrow(RangeError);
    expect(() => sha256Into(d, 0, 10, new Uint8Array(40), -1)).toThrow(RangeError);
    expect(() => sha256Into(d, 0, 10, new Uint8Array(40), 0.5)).toThrow(RangeError);
    expect(() => sha256Into(d, 0, 10, new Uint8Array(40), Number.NaN)).toThrow(RangeError);
    expect(() => sha256Into([1, 2] as unknown as Uint8Array, 0, 2, out, 0)).toThrow(TypeError);
  });

  it("fastSha256 returns a fresh 32-byte array and agrees with @noble/hashes", () => {
    const d = pattern(64, 2);
    const a = fastSha256(d);
    const b = fastSha256(d);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(hex(a)).toBe(hex(nobleSha256(d)));
    expect(fastSha256.into).toBe(sha256Into);
  });

  it("a hash whose .into is not SHA-256 is refused", () => {
    const bad: Sha256 = Object.assign((d: Uint8Array) => fastSha256(d), {
      into: (_d: Uint8Array, _o: number, _l: number, out: Uint8Array, oo: number) => {
        out.fill(0, oo, oo + 32);
      },
    });
    expect(() => new PrefixTree({ hash: bad })).toThrow(TypeError);
    // An .into that ignores the offsets is refused too.
    const noOffsets: Sha256 = Object.assign((d: Uint8Array) => fastSha256(d), {
      into: (d: Uint8Array, _o: number, l: number, out: Uint8Array) => sha256Into(d, 0, l, out, 0),
    });
    expect(() => new PrefixTree({ hash: noOffsets })).toThrow(TypeError);
  });
});
