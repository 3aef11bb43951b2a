import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64UrlNoPad, encodeBase64, encodeBase64UrlNoPad } from "../src/base64.ts";

describe("base64 codecs", () => {
  it("match node:Buffer on random bytes (independent implementation)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const std = Buffer.from(b).toString("base64");
        const url = Buffer.from(b).toString("base64url");
        expect(encodeBase64(b)).toBe(std);
        expect(encodeBase64UrlNoPad(b)).toBe(url);
        expect(decodeBase64(std)).toEqual(b);
        expect(decodeBase64UrlNoPad(url)).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
  it("RFC 4648 §10 vectors", () => {
    const v: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, enc] of v) {
      expect(encodeBase64(new TextEncoder().encode(plain))).toBe(enc);
      expect(new TextDecoder().decode(decodeBase64(enc))).toBe(plain);
    }
  });
  it("rejects non-canonical and malformed input", () => {
    for (const bad of ["Zg", "Zh==", "Zm9=", "Z===", "Zm9v=", "Zm 9v", "Zm9v\n", "Zm-v", "=Zm9"]) {
      expect(decodeBase64(bad), bad).toBeUndefined();
    }
    for (const bad of ["Zg==", "Zh", "Zm9", "Zm+v", "Z", "Zm9vY"]) {
      expect(decodeBase64UrlNoPad(bad), bad).toBeUndefined();
    }
  });
  it("never throws and round-trips whatever it accepts (fuzz)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const a = decodeBase64(s);
        if (a) expect(encodeBase64(a)).toBe(s);
        const b = decodeBase64UrlNoPad(s);
        if (b) expect(encodeBase64UrlNoPad(b)).toBe(s);
      }),
      { numRuns: 10_000 },
    );
  });
});
