import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalKey } from "../src/canonical-url.ts";
import { InvalidManifestError, ManifestError } from "../src/errors.ts";
import { parseManifest, serializeManifest } from "../src/manifest.ts";
import { sha256B64u } from "../src/sha256.ts";

const H = (s: string) => sha256B64u(new TextEncoder().encode(s));
const A = H("a");
const B = H("b");
const C = H("c");

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ManifestError) return `${e.reason}:${e.code}`;
    throw e;
  }
  return "ok";
}

describe("parseManifest", () => {
  it("parses every v2 field and preserves unknown keys in order", () => {
    const text = JSON.stringify({
      zeta: 1,
      hashes: { "/a.js": A, "https://cdn.example/x.css": B },
      wasm_hashes: [A, B].sort(),
      fallback_hashes: [C],
      wildcard_hashes: [A, C].sort(),
      resource_delimiter: "/*D*/",
      emergency_opt_out: false,
      sealroom_dev_ids: { ids: ["x"] },
    });
    const m = parseManifest(text, { origin: "https://site.example" });
    expect(m.hashes).toEqual({ "/a.js": A, "https://cdn.example/x.css": B });
    expect(m.wasmHashes).toEqual([A, B].sort());
    expect(m.fallbackHashes).toEqual([C]);
    expect(m.resourceDelimiter).toBe("/*D*/");
    expect(m.emergencyOptOut).toBe(false);
    expect(Object.keys(m.extensions)).toEqual(["zeta", "sealroom_dev_ids"]);
    const again = parseManifest(serializeManifest(m));
    expect(again).toEqual(m);
  });
  it("last duplicate key wins", () => {
    const m = parseManifest(`{"hashes":{"/a":"${A}","/a":"${B}"}}`);
    expect(m.hashes["/a"]).toBe(B);
  });
  it("keeps a __proto__ key as data", () => {
    const m = parseManifest(`{"hashes":{},"__proto__":{"polluted":true}}`);
    expect(Object.hasOwn(m.extensions, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(serializeManifest(m)).toBe(`{"hashes":{},"__proto__":{"polluted":true}}`);
  });
  it("rejects invalid manifests with invalid_manifest", () => {
    const cases: [string, string][] = [
      ["", "bad_json"],
      ["[]", "not_object"],
      ["{}", "missing_hashes"],
      ['{"hashes":[]}', "bad_type"],
      [`{"hashes":{"/a":"${A}="}}`, "bad_hash"],
      [`{"hashes":{"/a":"${A.slice(0, -1)}"}}`, "bad_hash"],
      [`{"hashes":{"/a":"${A.replace(/./, "+")}"}}`, "bad_hash"],
      [`{"hashes":{"a.js":"${A}"}}`, "bad_url"],
      [`{"hashes":{"/a#x":"${A}"}}`, "bad_url"],
      [`{"hashes":{"/a/../b":"${A}"}}`, "bad_url"],
      [`{"hashes":{"HTTPS://x.example/":"${A}"}}`, "bad_url"],
      [`{"hashes":{},"wasm_hashes":"${A}"}`, "bad_type"],
      [`{"hashes":{},"wasm_hashes":["${A}","${A}"]}`, "unsorted"],
      [
        `{"hashes":{},"wildcard_hashes":[${JSON.stringify([A, B].sort().reverse()).slice(1, -1)}]}`,
        "unsorted",
      ],
      ['{"hashes":{},"resource_delimiter":1}', "bad_type"],
      ['{"hashes":{},"emergency_opt_out":"true"}', "bad_type"],
    ];
    for (const [text, code] of cases)
      expect(
        reason(() => parseManifest(text)),
        text,
      ).toBe(`invalid_manifest:${code}`);
    expect(reason(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe("invalid_manifest:bad_utf8");
    expect(reason(() => parseManifest(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])))).toBe(
      "invalid_manifest:bad_json",
    );
  });
  it("a tombstone only needs its mandatory keys", () => {
    const m = parseManifest('{"hashes":{"not a url":"nope"},"emergency_opt_out":true,"wasm_hashes":["x"]}');
    expect(m.emergencyOptOut).toBe(true);
    expect(reason(() => parseManifest('{"emergency_opt_out":true}'))).toBe("invalid_manifest:missing_hashes");
  });
  it("fuzz: arbitrary text and JSON values never crash, only InvalidManifestError", () => {
    const check = (input: string | Uint8Array) => {
      try {
        const m = parseManifest(input);
        // Anything accepted survives a write/parse round trip unchanged.
        expect(parseManifest(serializeManifest(m))).toEqual(m);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidManifestError);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 60 }), check), { numRuns: 4000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), check), { numRuns: 3000 });
    const hash = fc.constantFrom(A, B, C, "x", `${A}=`);
    const key = fc.constantFrom("/a", "/b c", "https://cdn.example/x", "rel", "/a#f", "__proto__");
    const manifest = fc.record(
      {
        hashes: fc.oneof(fc.dictionary(key, hash), fc.constant([])),
        wasm_hashes: fc.array(hash, { maxLength: 3 }),
        wildcard_hashes: fc.array(hash, { maxLength: 3 }),
        resource_delimiter: fc.oneof(fc.string(), fc.integer()),
        emergency_opt_out: fc.oneof(fc.boolean(), fc.constant(0)),
        extra: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(manifest, (m) => check(JSON.stringify(m))),
      { numRuns: 4000 },
    );
  });
});

describe("canonicalKey", () => {
  it("accepts canonical absolute and path-absolute keys only", () => {
    expect(canonicalKey("/a.js", "https://s.example")).toBe("https://s.example/a.js");
    expect(canonicalKey("https://cdn.example/a.js")).toBe("https://cdn.example/a.js");
    expect(canonicalKey("/a%20b")).toBe("https://waict.invalid/a%20b");
    for (const bad of [
      "/a b",
      "//cdn.example/x",
      "https://cdn.example",
      "https://cdn.example:443/",
      "./a",
      "/a#",
    ]) {
      expect(canonicalKey(bad), bad).toBeUndefined();
    }
  });
});
