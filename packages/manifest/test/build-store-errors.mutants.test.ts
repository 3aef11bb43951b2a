/**
 * Manifest building from files and directories, SRI attributes, the SQL manifest store on real
 * SQLite (node:sqlite), the error classes and the Ed25519 backends' edges (issue 18's mutation
 * survivors of manifest's second file set, tenth session).
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ed25519, generateEd25519KeyPair } from "@sealroom/prefix-tree/note";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { buildManifestFromFiles, keyForPath } from "../src/build-manifest.ts";
import { buildManifest, listFiles } from "../src/build-manifest-node.ts";
import { nodeEd25519 } from "../src/ed25519-node.ts";
import {
  InvalidManifestError,
  ManifestError,
  PreloadListDecodeError,
  ProofDecodeError,
} from "../src/errors.ts";
import { LOGGED_MANIFESTS_TABLE_SQL, SqlManifestStore } from "../src/manifest-store.ts";
import { addSri } from "../src/sri.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { verifyTransparency as eager } from "../src/verify-transparency-eager.ts";
import { makeWorld, optionsFor } from "./helpers/world.ts";

const enc = (s: string) => new TextEncoder().encode(s);

let instances = 0;
/**
 * A new instance of one source module (its module-level state fresh), its imports shared: a query
 * string makes another module of the same file. Resetting the whole module graph instead would run
 * every module's top level inside a test, where the mutation run would count those statements.
 */
// biome-ignore lint/suspicious/noExplicitAny: the two modules' types are asserted at each use
async function fresh_(name: "ed25519" | "verify-transparency-eager"): Promise<any> {
  return import(/* @vite-ignore */ `../src/${name}.ts?instance=${++instances}`);
}
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("keyForPath and buildManifestFromFiles", () => {
  it("base must start and end with a slash", () => {
    for (const base of ["app/", "/app", "", "app"])
      expect(() => keyForPath("a.js", base), base).toThrow(RangeError);
    expect(keyForPath("a.js", "/")).toBe("/a.js");
    expect(keyForPath("x/a b.js", "/app/")).toBe("/app/x/a%20b.js");
  });
  it("refuses empty, '.' and '..' path segments", () => {
    for (const p of ["a//b", "./a", "a/.", "../a", "a/../b", ""])
      expect(() => keyForPath(p), p).toThrow(RangeError);
    expect(keyForPath(".a/..b")).toBe("/.a/..b");
  });
  it("keys files under the base, keeps extensions, lists an index under its directory too", () => {
    const m = buildManifestFromFiles(
      [
        { path: "b.js", bytes: enc("b") },
        { path: "d/index.html", bytes: enc("<p>") },
        { path: "a.js", bytes: enc("a") },
      ],
      { base: "/app/", extensions: { "x-note": 1 } },
    ).manifest;
    expect(Object.keys(m.hashes)).toEqual(["/app/a.js", "/app/b.js", "/app/d/", "/app/d/index.html"]);
    expect(m.extensions).toEqual({ "x-note": 1 });
  });
  it("SRI: only .html and .htm files, only same-origin references to files of the build", () => {
    const page =
      '<script src="/a.js"></script><script src="https://cdn.example/a.js"></script><script src="/missing.js"></script><script src="http://[bad"></script>';
    const files = [
      { path: "a.js", bytes: enc("a") },
      { path: "p.htm", bytes: enc(page) },
      { path: "p.html.txt", bytes: enc(page) },
    ];
    const r = buildManifestFromFiles(files, { sri: true });
    expect(r.rewritten.map((f) => f.path)).toEqual(["p.htm"]);
    const out = dec(r.rewritten[0]?.bytes as Uint8Array);
    expect(out.match(/integrity=/g)?.length).toBe(1);
    expect(out).toContain('<script src="/a.js" integrity="sha256-');
    expect(out).toContain('<script src="https://cdn.example/a.js"></script>');
  });
});

describe("addSri", () => {
  const any = () => enc("x");
  it("the first of two same-named attributes counts (as in HTML parsing)", () => {
    const seen: string[] = [];
    addSri('<script src="/a.js" src="/b.js"></script>', (u) => {
      seen.push(u);
      return undefined;
    });
    expect(seen).toEqual(["/a.js"]);
  });
  it("an empty or valueless src is left alone even when the resolver answers anything", () => {
    for (const html of ["<script src></script>", '<script src=""></script>', "<script async></script>"])
      expect(addSri(html, any)).toEqual({ html, added: [] });
  });
});

describe("listFiles and buildManifest on a directory", () => {
  let dir = "";
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  it("lists regular files sorted (not symlinks), excludes paths, writes SRI back only when asked", async () => {
    dir = await mkdtemp(join(tmpdir(), "sealroom-build-"));
    const names = ["q", "c", "m", "z", "a", "k", "e", "w", "b", "y", "d", "x"].map((n) => `${n}${n}.js`);
    for (const n of names) await writeFile(join(dir, n), n);
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "index.html"), '<script src="/aa.js"></script>');
    await writeFile(join(dir, "manifest.json"), "{}");
    await writeFile(join(dir, "sub.js"), "s"); // "sub.js" sorts before "sub/…" as a path, after "sub" as a name
    await symlink(join(dir, "aa.js"), join(dir, "link.js"));
    const listed = await listFiles(dir);
    expect(listed).toEqual([...names, "manifest.json", "sub.js", "sub/index.html"].sort());
    expect(listed.indexOf("sub.js")).toBe(listed.indexOf("sub/index.html") - 1);
    const kept = await buildManifest(dir, { sri: true, write: false, exclude: ["manifest.json"] });
    expect(Object.keys(kept.manifest.hashes)).not.toContain("/manifest.json");
    expect(Object.keys(kept.manifest.hashes)).toContain("/aa.js");
    expect(kept.rewritten.length).toBe(1);
    expect(await readFile(join(dir, "sub", "index.html"), "utf8")).toBe('<script src="/aa.js"></script>');
    await buildManifest(dir, { sri: true, exclude: [join(dir, "manifest.json")] });
    expect(await readFile(join(dir, "sub", "index.html"), "utf8")).toContain("integrity=");
  });
});

/** Durable Object `ctx.storage.sql`'s call shape over real SQLite. */
function sqlite() {
  const db = new DatabaseSync(":memory:");
  return {
    exec(query: string, ...bindings: unknown[]) {
      const st = db.prepare(query);
      if (/^\s*SELECT/i.test(query)) {
        const rows = st.all(...(bindings as never[]));
        return { toArray: () => rows };
      }
      st.run(...(bindings as never[]));
      return { toArray: () => [] };
    },
  };
}

describe("SqlManifestStore on SQLite", () => {
  const line = (v: number) => enc(`{"v":${v}}`);
  it("keeps the newest head per line and the `keep` latest lines, newest first", () => {
    const sql = sqlite();
    sql.exec(LOGGED_MANIFESTS_TABLE_SQL);
    const s = new SqlManifestStore(sql, { keep: 2 });
    s.put({ line: line(1), proof: enc("p1"), position: 1n });
    s.put({ line: line(2), proof: enc("p2"), position: 5n });
    s.put({ line: line(1), proof: enc("old"), position: 0n }); // older head for line 1: ignored
    expect(s.list().map((e) => [dec(e.line), dec(e.proof), e.position])).toEqual([
      ['{"v":2}', "p2", 5n],
      ['{"v":1}', "p1", 1n],
    ]);
    s.put({ line: line(1), proof: enc("p1b"), position: 1n }); // same position: replaced
    s.put({ line: line(3), proof: enc("p3"), position: 2n ** 64n - 1n });
    expect(s.list().map((e) => [dec(e.line), dec(e.proof), e.position])).toEqual([
      ['{"v":3}', "p3", 2n ** 64n - 1n],
      ['{"v":2}', "p2", 5n],
    ]);
  });
  it("defaults to 8 lines; refuses a bad keep, non-byte lines and positions outside u64", () => {
    const sql = sqlite();
    sql.exec(LOGGED_MANIFESTS_TABLE_SQL);
    const s = new SqlManifestStore(sql);
    for (let i = 0; i < 10; i++) s.put({ line: line(i), proof: enc("p"), position: BigInt(i) });
    expect(s.list().map((e) => e.position)).toEqual([9n, 8n, 7n, 6n, 5n, 4n, 3n, 2n]);
    for (const keep of [0, -1, 1.5, Number.NaN])
      expect(() => new SqlManifestStore(sql, { keep }), String(keep)).toThrow(RangeError);
    expect(new SqlManifestStore(sql, { keep: 1 }).list().length).toBe(1);
    const p = { line: line(1), proof: enc("p"), position: 1n };
    expect(() => s.put({ ...p, line: "x" as never })).toThrow(TypeError);
    expect(() => s.put({ ...p, proof: "x" as never })).toThrow(TypeError);
    for (const position of [-1n, 2n ** 64n, 1 as never])
      expect(() => s.put({ ...p, position }), String(position)).toThrow(RangeError);
    expect(s.list().length).toBe(8);
  });
});

describe("error classes", () => {
  it("name, reason, code, offset and cause", () => {
    const inner = new Error("x");
    const e = new ManifestError("invalid_manifest", "c", "d", 3, { cause: inner });
    expect([e.name, e.reason, e.code, e.offset, e.detail, e.cause]).toEqual([
      "ManifestError",
      "invalid_manifest",
      "c",
      3,
      "d",
      inner,
    ]);
    expect("cause" in new ManifestError("invalid_manifest", "c", "d")).toBe(false);
    expect(
      new ManifestError("invalid_manifest", "c", "d", undefined, { cause: undefined }).cause,
    ).toBeUndefined();
    expect(new ProofDecodeError("c", "d").name).toBe("ProofDecodeError");
    expect(new PreloadListDecodeError("c", "d").name).toBe("PreloadListDecodeError");
    expect(new InvalidManifestError("c", "d").name).toBe("InvalidManifestError");
  });
  it("ProofDecodeError.at shifts the offset, renames the code and keeps the cause", () => {
    const inner = { code: "non-canonical-x", detail: "d", offset: 4 } as never;
    const e = ProofDecodeError.at(inner, 10);
    expect([e.code, e.offset, e.detail, e.cause, e.reason]).toEqual([
      "non_canonical_x",
      14,
      "d",
      inner,
      "invalid_transparency_proof",
    ]);
  });
});

describe("Ed25519 edges", () => {
  const { secretKey, publicKey } = generateEd25519KeyPair(new Uint8Array(32).fill(1));
  const msg = enc("text");
  const sig = ed25519().sign(msg, secretKey);
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  it("nodeEd25519 refuses a message that is not bytes, even a string OpenSSL would hash", () => {
    expect(nodeEd25519(sig, msg, publicKey)).toBe(true);
    expect(nodeEd25519(sig, "text" as never, publicKey)).toBe(false);
  });
  it("a custom backend's throw, rejection or non-boolean answer is false", async () => {
    const { verifyEd25519 } = await fresh_("ed25519");
    const answers = [
      () => {
        throw new Error("sync");
      },
      async () => {
        throw new Error("async");
      },
      () => "yes" as never,
      () => 1 as never,
    ];
    for (const b of answers) expect(await verifyEd25519(sig, msg, publicKey, b)).toBe(false);
    expect(await verifyEd25519(sig, msg, publicKey, () => true)).toBe(true);
  });
  it("without WebCrypto Ed25519 the default falls back to noble; forcing webcrypto then fails closed", async () => {
    const real = globalThis.crypto;
    const subtle = {
      importKey: () => Promise.reject(new Error("Ed25519 not supported")),
      verify: () => Promise.reject(new Error("no")),
    };
    vi.stubGlobal("crypto", { subtle, getRandomValues: real.getRandomValues.bind(real) });
    const m = await fresh_("ed25519");
    expect(await m.hasWebCryptoEd25519()).toBe(false);
    expect(await m.verifyEd25519(sig, msg, publicKey)).toBe(true);
    expect(await m.verifyEd25519(sig, msg, publicKey, "noble")).toBe(true);
    expect(await m.verifyEd25519(sig, msg, publicKey, "webcrypto")).toBe(false);
  });
  it("a WebCrypto verify that rejects or throws is false", async () => {
    const real = globalThis.crypto;
    for (const verify of [
      () => Promise.reject(new Error("no")),
      () => {
        throw new Error("sync");
      },
    ]) {
      const subtle = { importKey: real.subtle.importKey.bind(real.subtle), verify };
      vi.stubGlobal("crypto", { subtle, getRandomValues: real.getRandomValues.bind(real) });
      const m = await fresh_("ed25519");
      expect(await m.verifyEd25519(sig, msg, publicKey, "webcrypto")).toBe(false);
      expect(await m.verifyEd25519(sig, msg, publicKey, "webcrypto")).toBe(false);
    }
  });
  it("no crypto global at all: noble answers", async () => {
    vi.stubGlobal("crypto", undefined);
    const m = await fresh_("ed25519");
    expect(await m.hasWebCryptoEd25519()).toBe(false);
    expect(await m.verifyEd25519(sig, msg, publicKey)).toBe(true);
  });
});

describe("verify-transparency-eager", () => {
  it("loads the cosigned-root checks itself in a fresh module graph", async () => {
    const fresh = await fresh_("verify-transparency-eager");
    const w = makeWorld();
    expect((await fresh.verifyTransparency(w.response, optionsFor(w))).ok).toBe(true);
  });
  it("gives the lazy verifier's verdicts", async () => {
    const w = makeWorld();
    const a = await eager(w.response, optionsFor(w));
    expect(a).toEqual(await verifyTransparency(w.response, optionsFor(w)));
    expect(a.ok).toBe(true);
    const bad = w.response.slice();
    bad[bad.length - 5] = (bad[bad.length - 5] as number) ^ 1;
    expect((await eager(bad, optionsFor(w))).ok).toBe(false);
  });
});
