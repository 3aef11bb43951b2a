/**
 * Safety number format, cross-checked against node:crypto's SHA-256 (an independent implementation).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { safetyNumber, safetyNumberGroups } from "../src/safety-number.ts";

function reference(auth: Uint8Array): string {
  const h = createHash("sha256").update("sealroom safety number v1").update(auth).digest();
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) groups.push(String(Number(h.readUIntBE(g * 5, 5) % 100000)).padStart(5, "0"));
  return groups.join(" ");
}

describe("safety number", () => {
  it("is 30 digits in six groups of five and matches the reference derivation", () => {
    for (let i = 0; i < 200; i++) {
      const auth = new Uint8Array(32).map((_, j) => (i * 31 + j * 7) & 0xff);
      const s = safetyNumber(auth);
      expect(s).toMatch(/^\d{5}( \d{5}){5}$/);
      expect(s).toBe(reference(auth));
    }
  });

  it("changes with any bit of the authenticator", () => {
    const a = new Uint8Array(32);
    const base = safetyNumber(a);
    for (let bit = 0; bit < 256; bit++) {
      const b = a.slice();
      b[bit >> 3]! ^= 1 << (bit & 7);
      expect(safetyNumber(b)).not.toBe(base);
    }
  });

  it("refuses an empty authenticator", () => {
    expect(() => safetyNumberGroups(new Uint8Array(0))).toThrow(TypeError);
  });
});

describe("safety number groups", () => {
  it("are six 5-digit strings, zero-padded, and the joined form is them with single spaces", () => {
    for (let i = 0; i < 300; i++) {
      const auth = Uint8Array.of(i & 0xff, i >> 8, 7);
      const groups = safetyNumberGroups(auth);
      expect(groups).toHaveLength(6);
      for (const g of groups) expect(g).toMatch(/^\d{5}$/);
      expect(safetyNumber(auth)).toBe(groups.join(" "));
      expect(groups.join(" ")).toBe(reference(auth));
    }
  });

  it("accepts a 1-byte authenticator and refuses non-Uint8Arrays", () => {
    expect(safetyNumber(Uint8Array.of(0))).toBe(reference(Uint8Array.of(0)));
    expect(() => safetyNumberGroups([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => safetyNumberGroups(undefined as unknown as Uint8Array)).toThrow(TypeError);
  });
});
