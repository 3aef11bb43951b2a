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

describe("domain names at the edges of each rule (issue 18)", () => {
  const code = (d: string): string => {
    try {
      normalizeDomain(d);
      return "ok";
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).domain).toBe(d);
      return (e as DomainError).code;
    }
  };

  it("every character just outside [a-z0-9-] is refused, the range ends are accepted", () => {
    for (const c of ["a", "z", "0", "9", "-"]) expect(code(`x${c}x.com`), c).toBe("ok");
    for (const c of ["`", "{", "/", ":", "@", "[", "_", "+", ",", " ", "\u0000", "\u00e9"]) {
      expect(code(`x${c}x.com`), JSON.stringify(c)).toBe(PrefixTreeErrorCode.BadDomain);
    }
    // Upper-case ASCII letters fold, at both ends of A..Z.
    expect(normalizeDomain("AZ.com")).toBe("az.com");
  });

  it("253 bytes is the longest name, 254 is refused (after dropping one trailing dot)", () => {
    const n253 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(code(n253)).toBe("ok");
    expect(code(`${n253}.`)).toBe("ok");
    expect(normalizeDomain(`${n253}.`)).toBe(n253);
    expect(code(`${n253}e`)).toBe(PrefixTreeErrorCode.BadDomain);
  });

  it("a label of 63 bytes anywhere is fine, 64 anywhere is refused", () => {
    expect(code(`a.${"b".repeat(63)}`)).toBe("ok");
    expect(code(`a.${"b".repeat(64)}`)).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code(`a.${"b".repeat(64)}.c`)).toBe(PrefixTreeErrorCode.BadDomain);
  });

  it("'-' is refused at either end of any label, allowed inside", () => {
    expect(code("a.-b.com")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code("a.b-.com")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code("a.com-")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code("-")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code("a.b-c.com")).toBe("ok");
    expect(code("a")).toBe("ok");
    expect(code("a.b")).toBe("ok");
  });

  it("empty labels anywhere are refused; only one trailing dot is dropped", () => {
    expect(code("a..b")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code("a.")).toBe("ok");
    expect(code("a..")).toBe(PrefixTreeErrorCode.BadDomain);
    expect(code(".a")).toBe(PrefixTreeErrorCode.BadDomain);
  });

  it("isNormalizedDomain is false for anything normalizeDomain changes or refuses, true otherwise", () => {
    expect(isNormalizedDomain("a.com")).toBe(true);
    expect(isNormalizedDomain("a.Com")).toBe(false);
    expect(isNormalizedDomain("a.com.")).toBe(false);
    expect(isNormalizedDomain("a..com")).toBe(false);
    expect(isNormalizedDomain(7 as unknown as string)).toBe(false);
  });

  it("keys differ for different names and use the injected hash", () => {
    expect(keyForDomain("a.com")).not.toEqual(keyForDomain("b.com"));
    const seen: Uint8Array[] = [];
    const spy = (d: Uint8Array) => {
      seen.push(d.slice());
      return new Uint8Array(createHash("sha256").update(d).digest());
    };
    expect(Buffer.from(keyForDomain("A.com", spy))).toEqual(
      createHash("sha256").update("waict-kha.com").digest(),
    );
    expect(Buffer.from(seen[0]!).toString()).toBe("waict-kha.com");
    expect(() => keyForDomain("a.com", () => new Uint8Array(31))).toThrow(TypeError);
  });
});
