import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkIntegrity, checkWasm, splitBytes } from "../src/check-integrity.ts";
import { InvalidManifestError } from "../src/errors.ts";
import { parseManifest } from "../src/manifest.ts";
import { sha256B64u } from "../src/sha256.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const H = (s: string) => sha256B64u(enc(s));
const ORIGIN = "https://site.example";

const manifest = parseManifest(
  JSON.stringify({
    hashes: {
      "/": H("index"),
      "/app.js": H("app"),
      "/logo.png": H("logo"),
      "https://cdn.example/lib.js": H("lib"),
    },
    fallback_hashes: [H("404 page")],
    wildcard_hashes: [H("part1"), H("part2")].sort(),
    resource_delimiter: "/*--*/",
    wasm_hashes: [H("wasm")],
  }),
  { origin: ORIGIN },
);

// The same manifest without wildcards: unlisted active content is then missing_from_manifest.
const plain = parseManifest(
  JSON.stringify({ hashes: manifest.hashes, fallback_hashes: manifest.fallbackHashes }),
  { origin: ORIGIN },
);

function check(url: string, dest: string, body: string, m = manifest) {
  const r = checkIntegrity(m, url, dest, enc(body), { origin: ORIGIN });
  return r.ok ? r.match : r.reason;
}

describe("checkIntegrity (waict-integrity 'Integrity Check')", () => {
  it("matches listed active content, ignoring the fragment", () => {
    expect(check("https://site.example/app.js", "script", "app")).toBe("path_hash");
    expect(check("https://site.example/app.js#frag", "script", "app")).toBe("path_hash");
    expect(check("https://site.example/", "document", "index")).toBe("path_hash");
    expect(check("https://cdn.example/lib.js", "script", "lib")).toBe("path_hash");
  });
  it("no_manifest_match when a listed URL has other bytes (wildcards are never a fallback)", () => {
    expect(check("https://site.example/app.js", "script", "app!")).toBe("no_manifest_match");
    expect(check("https://site.example/app.js", "script", "part1")).toBe("no_manifest_match");
    expect(check("https://site.example/logo.png", "image", "other")).toBe("no_manifest_match");
  });
  it("missing_from_manifest for unlisted active content; passive content passes", () => {
    expect(check("https://site.example/other.js", "script", "x", plain)).toBe("missing_from_manifest");
    expect(check("https://site.example/other.js?x=1", "script", "x", plain)).toBe("missing_from_manifest");
    expect(check("https://other.example/app.js", "script", "app", plain)).toBe("missing_from_manifest");
    expect(check("https://site.example/other.png", "image", "x")).toBe("passive_not_listed");
    expect(check("https://site.example/anything", "fetch", "x")).toBe("not_covered");
  });
  it("relative keys resolve against the top-level origin, not the request's", () => {
    expect(check("https://cdn.example/app.js", "script", "app", plain)).toBe("missing_from_manifest");
  });
  it("fallback hashes apply to documents only", () => {
    expect(check("https://site.example/nope", "document", "404 page")).toBe("fallback_hash");
    expect(check("https://site.example/", "document", "404 page")).toBe("fallback_hash");
    expect(check("https://site.example/nope", "script", "404 page", plain)).toBe("missing_from_manifest");
    expect(check("https://site.example/nope", "script", "404 page")).toBe("no_manifest_match");
  });
  it("wildcard hashes: every delimited component must be listed", () => {
    expect(check("https://site.example/bundle.js", "script", "part1/*--*/part2")).toBe("wildcard_hashes");
    expect(check("https://site.example/bundle.js", "script", "part2")).toBe("wildcard_hashes");
    expect(check("https://site.example/bundle.js", "script", "part1/*--*/part3")).toBe("no_manifest_match");
    expect(check("https://site.example/bundle.js", "script", "part1/*--*/")).toBe("no_manifest_match");
  });
  it("manifest_unavailable, invalid_manifest, tombstone", () => {
    expect(checkIntegrity(undefined, "https://site.example/app.js", "script", enc("app"))).toMatchObject({
      ok: false,
      reason: "manifest_unavailable",
    });
    const bad = new InvalidManifestError("bad_json", "nope");
    expect(checkIntegrity(bad, "https://site.example/app.js", "script", enc("app"))).toMatchObject({
      ok: false,
      reason: "invalid_manifest",
    });
    const tomb = parseManifest('{"hashes":{},"emergency_opt_out":true}');
    expect(checkIntegrity(tomb, "https://site.example/x.js", "script", enc("x"))).toEqual({
      ok: true,
      match: "tombstone",
    });
  });
  it("wasm modules are checked against wasm_hashes", () => {
    expect(checkWasm(manifest, enc("wasm")).ok).toBe(true);
    expect(checkWasm(manifest, enc("wasm2"))).toMatchObject({ ok: false, reason: "wasm_hash_mismatch" });
  });
  it("splitBytes agrees with String.split on ASCII", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab-]{0,20}$/), fc.constantFrom("-", "ab", "--", "a-b"), (s, d) => {
        const parts = splitBytes(enc(s), enc(d)).map((p) => new TextDecoder().decode(p));
        expect(parts).toEqual(s.split(d));
      }),
      { numRuns: 2000 },
    );
  });
});
