import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DomainError,
  isNormalizedDomain,
  keyForDomain,
  normalizeDomain,
  PrefixTreeErrorCode,
} from "../src/index.ts";

describe("keyForDomain", () => {
  it("is H('waict-kh' || domain), cross-checked with node:crypto", () => {
    const want = createHash("sha256").update("waict-khexample.com").digest();
    expect(Buffer.from(keyForDomain("example.com"))).toEqual(want);
  });
  it("normalises case and one trailing dot", () => {
    expect(normalizeDomain("Example.COM.")).toBe("example.com");
    expect(keyForDomain("EXAMPLE.com.")).toEqual(keyForDomain("example.com"));
    expect(normalizeDomain("xn--bcher-kva.example")).toBe("xn--bcher-kva.example");
    expect(isNormalizedDomain("Example.com")).toBe(false);
    expect(isNormalizedDomain("example.com.")).toBe(false);
    expect(isNormalizedDomain("a-b.c0")).toBe(true);
  });
  it.each([
    "",
    ".",
    "example..com",
    ".example.com",
    "example.com..",
    "exa mple.com",
    "example.com:443",
    "bücher.example",
    "under_score.com",
    "-lead.com",
    "trail-.com",
    `${"a".repeat(64)}.com`,
    `${"a.".repeat(127)}ab`,
    "\u212Aelvin.com",
  ])("rejects %j with a DomainError", (d) => {
    try {
      keyForDomain(d);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(PrefixTreeErrorCode.BadDomain);
    }
  });
  it("accepts 63-byte labels and 253-byte names", () => {
    expect(() => keyForDomain(`${"a".repeat(63)}.com`)).not.toThrow();
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(name.length).toBe(253);
    expect(() => keyForDomain(name)).not.toThrow();
  });
  it("rejects non-strings with TypeError", () => {
    expect(() => keyForDomain(3 as unknown as string)).toThrow(TypeError);
  });
});
