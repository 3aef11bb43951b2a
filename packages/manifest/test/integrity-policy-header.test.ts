import fc from "fast-check";
import { serializeDictionary, Token } from "structured-headers";
import { describe, expect, it } from "vitest";
import { buildIntegrityPolicy, parseIntegrityPolicy } from "../src/integrity-policy-header.ts";

describe("Integrity-Policy-WAICT-v1", () => {
  it("parses the draft's example", () => {
    const r = parseIntegrityPolicy(
      'max-age=90, mode=report, preload=?0, endpoints=(foo-reports), manifest="/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA"',
    );
    expect(r).toEqual({
      ok: true,
      policy: {
        maxAge: 90,
        mode: "report",
        manifest: "/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA",
        preload: false,
        endpoints: ["foo-reports"],
      },
    });
  });
  it("round-trips build -> parse", () => {
    const p = {
      maxAge: 31536000,
      mode: "enforce" as const,
      manifest: "/m/x",
      preload: true,
      endpoints: ["a", "b"],
    };
    const v = buildIntegrityPolicy(p);
    expect(v).toBe('max-age=31536000, mode=enforce, preload, endpoints=(a b), manifest="/m/x"');
    expect(parseIntegrityPolicy(v)).toEqual({ ok: true, policy: p });
  });
  it("ignores unknown and GREASE- keys, and parameters", () => {
    const r = parseIntegrityPolicy(
      'grease-x=1, foo=(1 2), max-age=0;p=1, mode=enforce, manifest="/m", zz=?1',
    );
    expect(r.ok && r.policy).toMatchObject({ maxAge: 0, mode: "enforce", manifest: "/m" });
  });
  it("last duplicate key wins (RFC 9651 §4.2.2)", () => {
    const r = parseIntegrityPolicy('max-age=1, mode=report, manifest="/a", mode=enforce');
    expect(r.ok && r.policy.mode).toBe("enforce");
  });
  it("ignores the whole header on a missing or invalid required key", () => {
    const bad: [string | null, string][] = [
      [null, "missing"],
      ['mode=enforce, manifest="/m"', "missing_max_age"],
      ['max-age=1, manifest="/m"', "missing_mode"],
      ["max-age=1, mode=enforce", "missing_manifest"],
      ['max-age=-1, mode=enforce, manifest="/m"', "bad_max_age"],
      ['max-age=1.5, mode=enforce, manifest="/m"', "bad_max_age"],
      ['max-age="1", mode=enforce, manifest="/m"', "bad_max_age"],
      ['max-age=1, mode="enforce", manifest="/m"', "bad_mode"],
      ['max-age=1, mode=audit, manifest="/m"', "bad_mode"],
      ["max-age=1, mode=enforce, manifest=m", "bad_manifest"],
      ['max-age=1, mode=enforce, manifest=""', "bad_manifest"],
      ['max-age=1, mode=enforce, manifest=("/m")', "bad_manifest"],
      ['max-age=1, mode=enforce, manifest="/m",', "syntax"],
      ['max-age=1 mode=enforce manifest="/m"', "syntax"],
      ["max-age=1, MODE=enforce", "syntax"],
    ];
    for (const [v, detail] of bad) {
      const r = parseIntegrityPolicy(v);
      expect(r.ok, String(v)).toBe(false);
      if (!r.ok) expect(r.detail, String(v)).toBe(detail);
    }
  });
  it("fuzz: arbitrary strings never throw", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseIntegrityPolicy(s);
        if (r.ok) {
          expect(Number.isInteger(r.policy.maxAge) && r.policy.maxAge >= 0).toBe(true);
          expect(["enforce", "report"]).toContain(r.policy.mode);
        } else expect(r.ignored).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
  it("fuzz: structurally valid dictionaries with random members parse or are ignored, never throw", () => {
    const bare = fc.oneof(
      fc.integer({ min: -5, max: 1e6 }),
      fc.constantFrom("enforce", "report", "/m", ""),
      fc.constantFrom(new Token("enforce"), new Token("report"), new Token("x")),
      fc.boolean(),
    );
    const key = fc.constantFrom("max-age", "mode", "manifest", "preload", "endpoints", "grease-1", "x");
    fc.assert(
      fc.property(fc.array(fc.tuple(key, bare), { maxLength: 6 }), (members) => {
        const d = new Map(members.map(([k, v]) => [k, [v, new Map()] as [typeof v, Map<string, never>]]));
        const text = serializeDictionary(d as Parameters<typeof serializeDictionary>[0]);
        const r = parseIntegrityPolicy(text);
        const ma = d.get("max-age")?.[0];
        const mo = d.get("mode")?.[0];
        const mf = d.get("manifest")?.[0];
        const valid =
          typeof ma === "number" &&
          ma >= 0 &&
          mo instanceof Token &&
          ["enforce", "report"].includes(mo.toString()) &&
          typeof mf === "string" &&
          mf !== "";
        expect(r.ok).toBe(valid);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe("GREASE- keys", () => {
  it("uppercase GREASE- keys are ignored without touching string values", () => {
    const r = parseIntegrityPolicy('GREASE-AbC=1, max-age=5, mode=report, manifest="/m,GREASE-x", GREASE-z');
    expect(r).toMatchObject({ ok: true, policy: { maxAge: 5, manifest: "/m,GREASE-x" } });
    expect(parseIntegrityPolicy('Other=1, max-age=5, mode=report, manifest="/m"').ok).toBe(false);
  });
});
