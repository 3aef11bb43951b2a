/**
 * The per-fetch integrity check at its edges (found by mutation testing, `pnpm mutate`): which
 * destinations are covered, the hash each success reports, the detail code of each failure, the
 * default origin, wildcard matching without a usable delimiter, and every outcome of `checkWasm`.
 */
import { describe, expect, it } from "vitest";
import {
  ACTIVE_DESTINATIONS,
  checkIntegrity,
  checkWasm,
  PASSIVE_DESTINATIONS,
  splitBytes,
} from "../src/check-integrity.ts";
import { InvalidManifestError } from "../src/errors.ts";
import type { Manifest } from "../src/manifest.ts";
import { sha256B64u } from "../src/sha256.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const H = (s: string) => sha256B64u(enc(s));
const ORIGIN = "https://site.example";

function manifest(extra: Partial<Manifest> = {}): Manifest {
  return { hashes: { "/app.js": H("app"), "/": H("index") }, extensions: {}, ...extra };
}

describe("coverage (waict-integrity 'Determine Coverage')", () => {
  const active = [
    "document",
    "frame",
    "iframe",
    "audioworklet",
    "paintworklet",
    "script",
    "serviceworker",
    "sharedworker",
    "worker",
    "style",
    "xslt",
    "object",
  ];
  const passive = ["audio", "font", "image", "json", "video"];

  it("the draft's lists, exactly", () => {
    expect([...ACTIVE_DESTINATIONS].sort()).toEqual([...active].sort());
    expect([...PASSIVE_DESTINATIONS].sort()).toEqual([...passive].sort());
  });

  it("every active destination needs an entry; passive ones only when listed; the rest are not covered", () => {
    const m = manifest();
    for (const d of active)
      expect(checkIntegrity(m, `${ORIGIN}/x`, d, enc("x"))).toMatchObject({
        ok: false,
        reason: "missing_from_manifest",
        detail: "not_listed",
      });
    for (const d of passive) {
      expect(checkIntegrity(m, `${ORIGIN}/x`, d, enc("x"))).toEqual({
        ok: true,
        match: "passive_not_listed",
        hash: H("x"),
      });
      // Listed passive content must match its hash.
      expect(checkIntegrity(m, `${ORIGIN}/app.js`, d, enc("app"))).toEqual({
        ok: true,
        match: "path_hash",
        hash: H("app"),
      });
      expect(checkIntegrity(m, `${ORIGIN}/app.js`, d, enc("x"))).toMatchObject({
        ok: false,
        reason: "no_manifest_match",
        detail: "hash_mismatch",
      });
    }
    for (const d of ["", "fetch", "manifest", "track", "embed", "report", "SCRIPT"]) {
      // Not covered: decided before the manifest is even looked at.
      expect(checkIntegrity(undefined, `${ORIGIN}/x`, d, enc("x"))).toEqual({
        ok: true,
        match: "not_covered",
      });
    }
  });
});

describe("results and detail codes", () => {
  it("each success reports the body's hash", () => {
    const m = manifest({
      fallbackHashes: [H("404")],
      wildcardHashes: [H("a"), H("b")],
      resourceDelimiter: ";",
    });
    expect(checkIntegrity(m, `${ORIGIN}/app.js`, "script", enc("app"))).toEqual({
      ok: true,
      match: "path_hash",
      hash: H("app"),
    });
    expect(checkIntegrity(m, `${ORIGIN}/none`, "document", enc("404"))).toEqual({
      ok: true,
      match: "fallback_hash",
      hash: H("404"),
    });
    expect(checkIntegrity(m, `${ORIGIN}/bundle.js`, "script", enc("a;b;a"))).toEqual({
      ok: true,
      match: "wildcard_hashes",
      hash: H("a;b;a"),
    });
  });

  it("each failure carries its detail code", () => {
    const m = manifest({ wildcardHashes: [H("a")], resourceDelimiter: ";" });
    expect(checkIntegrity(undefined, `${ORIGIN}/app.js`, "script", enc("app"))).toMatchObject({
      reason: "manifest_unavailable",
      detail: "no_manifest",
    });
    const bad = new InvalidManifestError("bad_json", "nope");
    expect(checkIntegrity(bad, `${ORIGIN}/app.js`, "script", enc("app"))).toMatchObject({
      reason: "invalid_manifest",
      detail: "bad_json",
    });
    expect(checkIntegrity(m, `${ORIGIN}/app.js`, "script", enc("nope"))).toMatchObject({
      reason: "no_manifest_match",
      detail: "hash_mismatch",
    });
    expect(checkIntegrity(m, `${ORIGIN}/b.js`, "script", enc("a;c"))).toMatchObject({
      reason: "no_manifest_match",
      detail: "wildcard_mismatch",
    });
    expect(checkIntegrity(m, "not a url", "script", enc("a"))).toMatchObject({
      ok: false,
      reason: "missing_from_manifest",
      detail: "bad_request_url",
    });
  });

  it("a tombstone passes every covered fetch, before the request URL is even read", () => {
    const t = manifest({ emergencyOptOut: true });
    expect(checkIntegrity(t, "not a url", "script", enc("x"))).toEqual({ ok: true, match: "tombstone" });
    expect(checkIntegrity(t, `${ORIGIN}/app.js`, "image", enc("x"))).toEqual({
      ok: true,
      match: "tombstone",
    });
    // emergency_opt_out false is an ordinary manifest.
    const f = manifest({ emergencyOptOut: false });
    expect(checkIntegrity(f, `${ORIGIN}/app.js`, "script", enc("x"))).toMatchObject({ ok: false });
  });
});

describe("origins", () => {
  it("without an origin, relative keys resolve against the request's own origin", () => {
    const m = manifest();
    expect(checkIntegrity(m, "https://other.example/app.js", "script", enc("app"))).toMatchObject({
      ok: true,
      match: "path_hash",
    });
    expect(
      checkIntegrity(m, "https://other.example/app.js", "script", enc("app"), { origin: ORIGIN }),
    ).toMatchObject({ ok: false, reason: "missing_from_manifest" });
  });

  it("one manifest checked for two origins keeps their keys apart", () => {
    const m = manifest();
    for (let round = 0; round < 2; round++) {
      expect(checkIntegrity(m, `${ORIGIN}/app.js`, "script", enc("app"), { origin: ORIGIN }).ok).toBe(true);
      expect(
        checkIntegrity(m, `${ORIGIN}/app.js`, "script", enc("app"), { origin: "https://b.example" }),
      ).toMatchObject({ ok: false, detail: "not_listed" });
      expect(
        checkIntegrity(m, "https://b.example/app.js", "script", enc("app"), { origin: "https://b.example" })
          .ok,
      ).toBe(true);
    }
  });
});

describe("fallback and wildcard hashes", () => {
  it("no fallback list, or an empty one, matches nothing", () => {
    for (const fallbackHashes of [undefined, []]) {
      const m = manifest(fallbackHashes ? { fallbackHashes } : {});
      expect(checkIntegrity(m, `${ORIGIN}/none`, "document", enc("404"))).toMatchObject({
        ok: false,
        detail: "not_listed",
      });
    }
  });

  it("wildcards need a non-empty list and a non-empty delimiter", () => {
    const body = enc("a");
    const cases: Partial<Manifest>[] = [
      { wildcardHashes: [H("a")] },
      { wildcardHashes: [H("a")], resourceDelimiter: "" },
      { wildcardHashes: [], resourceDelimiter: ";" },
      { resourceDelimiter: ";" },
    ];
    for (const c of cases)
      expect(checkIntegrity(manifest(c), `${ORIGIN}/b.js`, "script", body)).toMatchObject({
        ok: false,
        reason: "missing_from_manifest",
        detail: "not_listed",
      });
    expect(
      checkIntegrity(
        manifest({ wildcardHashes: [H("a")], resourceDelimiter: ";" }),
        `${ORIGIN}/b.js`,
        "script",
        body,
      ),
    ).toMatchObject({ ok: true, match: "wildcard_hashes" });
  });

  it("every component is checked, the last one too, and the empty component is one", () => {
    const m = manifest({ wildcardHashes: [H("a"), H("b")], resourceDelimiter: "--" });
    const at = (s: string) => checkIntegrity(m, `${ORIGIN}/b.js`, "script", enc(s));
    expect(at("a--b--a").ok).toBe(true);
    expect(at("a--b--c").ok).toBe(false);
    expect(at("c--b--a").ok).toBe(false);
    expect(at("a--b--").ok).toBe(false);
    expect(at("a-b").ok).toBe(false);
  });
});

describe("splitBytes", () => {
  it("finds a delimiter at the very end, and not a partial one", () => {
    const parts = (s: string, d: string) =>
      splitBytes(enc(s), enc(d)).map((p) => new TextDecoder().decode(p));
    expect(parts("ab--", "--")).toEqual(["ab", ""]);
    expect(parts("--", "--")).toEqual(["", ""]);
    expect(parts("ab-", "--")).toEqual(["ab-"]);
    expect(parts("a-b-c", "-c")).toEqual(["a-b", ""]);
    expect(parts("xaxb", "xb")).toEqual(["xa", ""]);
    expect(parts("", "-")).toEqual([""]);
  });
});

describe("checkWasm", () => {
  it("every outcome", () => {
    const m = manifest({ wasmHashes: [H("w1"), H("w2")] });
    expect(checkWasm(m, enc("w2"))).toEqual({ ok: true, match: "path_hash", hash: H("w2") });
    expect(checkWasm(m, enc("w3"))).toMatchObject({
      ok: false,
      reason: "wasm_hash_mismatch",
      detail: "wasm_not_listed",
    });
    expect(checkWasm(manifest(), enc("w1"))).toMatchObject({ ok: false, reason: "wasm_hash_mismatch" });
    expect(checkWasm(manifest({ wasmHashes: [] }), enc("w1"))).toMatchObject({ ok: false });
    expect(checkWasm(undefined, enc("w1"))).toMatchObject({
      ok: false,
      reason: "manifest_unavailable",
      detail: "no_manifest",
    });
    expect(checkWasm(new InvalidManifestError("bad_key", "x"), enc("w1"))).toMatchObject({
      ok: false,
      reason: "invalid_manifest",
      detail: "bad_key",
    });
    expect(checkWasm(manifest({ emergencyOptOut: true }), enc("w9"))).toEqual({
      ok: true,
      match: "tombstone",
    });
  });
});
