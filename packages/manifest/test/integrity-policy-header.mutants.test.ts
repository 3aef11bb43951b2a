/**
 * Integrity-Policy-WAICT-v1 header: exact bounds, each optional key's fallback, GREASE- folding
 * inside strings and inner lists, sf-integer versus sf-decimal (issue 18's mutation survivors).
 */
import { describe, expect, it } from "vitest";
import {
  buildIntegrityPolicy,
  type HeaderParseResult,
  MAX_HEADER_LENGTH,
  parseIntegrityPolicy,
} from "../src/integrity-policy-header.ts";

const base = 'max-age=5, mode=report, manifest="/m"';

function detail(r: HeaderParseResult): string {
  return r.ok ? "ok" : r.detail;
}

describe("parseIntegrityPolicy bounds and types", () => {
  it("parses a value of exactly MAX_HEADER_LENGTH and ignores one byte more", () => {
    const pad = (n: number) => `${base}, x="${"a".repeat(n - base.length - 6)}"`;
    expect(pad(MAX_HEADER_LENGTH).length).toBe(MAX_HEADER_LENGTH);
    expect(parseIntegrityPolicy(pad(MAX_HEADER_LENGTH)).ok).toBe(true);
    expect(detail(parseIntegrityPolicy(pad(MAX_HEADER_LENGTH + 1)))).toBe("too_long");
  });
  it("an undefined value is missing, the empty string lacks every key", () => {
    expect(detail(parseIntegrityPolicy(undefined))).toBe("missing");
    expect(detail(parseIntegrityPolicy(""))).toBe("missing_max_age");
  });
  it("max-age 0 is valid; an sf-decimal, even 1.0, is not an sf-integer", () => {
    expect(parseIntegrityPolicy('max-age=0, mode=report, manifest="/m"')).toMatchObject({
      ok: true,
      policy: { maxAge: 0 },
    });
    for (const v of ["1.0", "0.0", "5.000", "1.0;p=1"])
      expect(detail(parseIntegrityPolicy(`max-age=${v}, mode=report, manifest="/m"`)), v).toBe("bad_max_age");
    // A decimal elsewhere (a parameter, another key, inside the manifest string) is not max-age's.
    const ok = [
      'max-age=5;p=1.5, mode=report, manifest="/m"',
      'x=1.5, max-age=5, mode=report, manifest="/m.1"',
      'max-age=1.5, max-age=5, mode=report, manifest="/m"',
      ' max-age=7 ,mode=report,manifest="/a,max-age=1.5"',
    ];
    for (const v of ok) expect(parseIntegrityPolicy(v).ok, v).toBe(true);
    // The last max-age member is the one that counts, in the check as in the parser.
    expect(detail(parseIntegrityPolicy('max-age=5, max-age=1.0, mode=report, manifest="/m"'))).toBe(
      "bad_max_age",
    );
    expect(detail(parseIntegrityPolicy('max-age=?1, mode=report, manifest="/m"'))).toBe("bad_max_age");
    // A key that only starts with "max-age" (keys may hold dots) is another member.
    expect(parseIntegrityPolicy(`${base}, max-age.`)).toMatchObject({ ok: true, policy: { maxAge: 5 } });
    expect(parseIntegrityPolicy(`${base}, max-age.x=1.5`)).toMatchObject({ ok: true, policy: { maxAge: 5 } });
    expect(detail(parseIntegrityPolicy('max-age=(1), mode=report, manifest="/m"'))).toBe("bad_max_age");
  });
  it("mode must be the token enforce or report", () => {
    expect(detail(parseIntegrityPolicy('max-age=1, mode=?1, manifest="/m"'))).toBe("bad_mode");
    expect(detail(parseIntegrityPolicy('max-age=1, mode=(enforce), manifest="/m"'))).toBe("bad_mode");
    expect(detail(parseIntegrityPolicy('max-age=1, mode=Enforce, manifest="/m"'))).toBe("bad_mode");
    for (const m of ["enforce", "report"] as const)
      expect(parseIntegrityPolicy(`max-age=1, mode=${m}, manifest="/m"`)).toMatchObject({
        policy: { mode: m },
      });
  });
  it("manifest must be a non-empty sf-string; a token or number is not one", () => {
    expect(detail(parseIntegrityPolicy("max-age=1, mode=report, manifest=2"))).toBe("bad_manifest");
    expect(detail(parseIntegrityPolicy("max-age=1, mode=report, manifest=?1"))).toBe("bad_manifest");
    expect(parseIntegrityPolicy('max-age=1, mode=report, manifest=" "')).toMatchObject({
      policy: { manifest: " " },
    });
  });
});

describe("optional keys fall back to their defaults", () => {
  const policy = (extra: string) => {
    const r = parseIntegrityPolicy(`${base}, ${extra}`);
    if (!r.ok) throw new Error(r.detail);
    return r.policy;
  };
  it("preload is true only for sf-boolean true", () => {
    expect(policy("preload").preload).toBe(true);
    expect(policy("preload=?1").preload).toBe(true);
    expect(policy("preload=?0").preload).toBe(false);
    expect(policy("preload=1").preload).toBe(false);
    expect(policy('preload="?1"').preload).toBe(false);
    expect(policy("preload=(?1)").preload).toBe(false);
    expect(policy("x").preload).toBe(false);
  });
  it("endpoints: an inner list or one item; tokens and strings kept in order, other items dropped", () => {
    expect(policy("endpoints=foo").endpoints).toEqual(["foo"]);
    expect(policy('endpoints="s"').endpoints).toEqual(["s"]);
    expect(policy('endpoints=(a "b" 1 ?1 c;p=2)').endpoints).toEqual(["a", "b", "c"]);
    expect(policy("endpoints=()").endpoints).toEqual([]);
    expect(policy("endpoints=7").endpoints).toEqual([]);
    expect(policy("x=1").endpoints).toEqual([]);
  });
});

describe("GREASE- keys", () => {
  it("are folded with their parameters, after spaces and tabs, next to strings holding commas and quotes", () => {
    const cases = [
      `GREASE-A;p=1, ${base}`,
      `${base},\tGREASE-Q=(1 2)`,
      `${base},  GREASE-Q="a,\\"b", GREASE-R`,
      `x="GREASE-X, \\"y", ${base}, GREASE-T=?0`,
      `GREASE-ONE=1,GREASE-TWO=2,${base}`,
    ];
    for (const v of cases)
      expect(parseIntegrityPolicy(v), v).toMatchObject({ ok: true, policy: { maxAge: 5 } });
  });
  it("folding lowercases the key only: a GREASE- member's invalid value still voids the header", () => {
    // RFC 9651 display strings need lowercase hex: lowercasing past the key would make this valid.
    expect(parseIntegrityPolicy(`${base},        GREASE-A=%"%c3%a9"`).ok).toBe(true);
    expect(detail(parseIntegrityPolicy(`${base},        GREASE-A=%"%C3%A9"`))).toBe("syntax");
  });
  it("folding never rewrites values: a GREASE- string value or token case is kept", () => {
    const r = parseIntegrityPolicy(
      `GREASE-A=1, max-age=5, mode=report, manifest="/GREASE-X,Y", endpoints=(A-b)`,
    );
    expect(r).toMatchObject({ ok: true, policy: { manifest: "/GREASE-X,Y", endpoints: ["A-b"] } });
    // A GREASE- item inside an inner list is a token, not a key, and keeps its case; another
    // uppercase key still voids the header.
    expect(parseIntegrityPolicy(`${base}, endpoints=(GREASE-E F)`)).toMatchObject({
      policy: { endpoints: ["GREASE-E", "F"] },
    });
    expect(parseIntegrityPolicy(`Bad=1, ${base}, endpoints=(GREASE-E)`).ok).toBe(false);
    expect(detail(parseIntegrityPolicy(`GREASE-A=1, ${base}, Bad=1`))).toBe("syntax");
    expect(detail(parseIntegrityPolicy(`${base}, GREASE-A=1, x=(1`))).toBe("syntax");
    expect(detail(parseIntegrityPolicy(`${base}, xGREASE-A=1`))).toBe("syntax");
  });
});

describe("buildIntegrityPolicy", () => {
  const p = { maxAge: 1, mode: "enforce" as const, manifest: "/m" };
  it("accepts max-age 0 and 10^15 - 1, refuses -1, 10^15, fractions and non-numbers", () => {
    expect(buildIntegrityPolicy({ ...p, maxAge: 0 })).toBe('max-age=0, mode=enforce, manifest="/m"');
    expect(buildIntegrityPolicy({ ...p, maxAge: 999_999_999_999_999 })).toContain("max-age=999999999999999,");
    for (const maxAge of [-1, 1e15, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => buildIntegrityPolicy({ ...p, maxAge }), String(maxAge)).toThrow(RangeError);
  });
  it("refuses an unknown mode and an empty manifest", () => {
    expect(buildIntegrityPolicy({ ...p, mode: "report" })).toBe('max-age=1, mode=report, manifest="/m"');
    expect(() => buildIntegrityPolicy({ ...p, mode: "audit" as "enforce" })).toThrow(TypeError);
    expect(() => buildIntegrityPolicy({ ...p, manifest: "" })).toThrow(TypeError);
  });
  it("writes preload when given (false too), endpoints only when non-empty, manifest last", () => {
    expect(buildIntegrityPolicy({ ...p, preload: false })).toBe(
      'max-age=1, mode=enforce, preload=?0, manifest="/m"',
    );
    expect(buildIntegrityPolicy({ ...p, endpoints: [] })).toBe('max-age=1, mode=enforce, manifest="/m"');
    expect(buildIntegrityPolicy({ ...p, endpoints: ["e"] })).toBe(
      'max-age=1, mode=enforce, endpoints=(e), manifest="/m"',
    );
  });
});
