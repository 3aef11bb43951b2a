import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildManifestFromFiles, keyForPath } from "../src/build-manifest.ts";
import { addSri, sriFor } from "../src/sri.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("SRI", () => {
  it("sriFor matches node:crypto", () => {
    const b = enc("console.log(1)");
    expect(sriFor(b)).toBe(`sha256-${createHash("sha256").update(b).digest("base64")}`);
  });
  it("adds integrity to script, stylesheet and modulepreload tags of build files only", () => {
    const files = new Map([
      ["/assets/a.js", enc("a")],
      ["/assets/b.css", enc("b")],
      ["/assets/c.js", enc("c")],
    ]);
    const html = [
      '<script type="module" crossorigin src="/assets/a.js"></script>',
      "<link rel=stylesheet href=/assets/b.css>",
      '<link rel="modulepreload" crossorigin href="/assets/c.js" />',
      '<link rel="icon" href="/assets/a.js">',
      '<script src="https://cdn.example/x.js"></script>',
      '<script src="/assets/a.js" integrity="sha256-keep"></script>',
      "<script>const s = '<script src=\"/assets/a.js\">'</script>",
    ].join("\n");
    const { html: out, added } = addSri(html, (u) => files.get(u));
    const lines = out.split("\n");
    expect(lines[0]).toBe(
      `<script type="module" crossorigin src="/assets/a.js" integrity="${sriFor(enc("a"))}"></script>`,
    );
    expect(lines[1]).toBe(`<link rel=stylesheet href=/assets/b.css integrity="${sriFor(enc("b"))}">`);
    expect(lines[2]).toBe(
      `<link rel="modulepreload" crossorigin href="/assets/c.js" integrity="${sriFor(enc("c"))}" />`,
    );
    expect(lines.slice(3, 6)).toEqual(html.split("\n").slice(3, 6));
    expect(added).toEqual(["/assets/a.js", "/assets/b.css", "/assets/c.js", "/assets/a.js"]);
  });
  it("reads the attribute forms of hand-written HTML: runs of whitespace, spaces around =, single quotes", () => {
    const files = new Map([
      ["/assets/a.js", enc("a")],
      ["/assets/b.css", enc("b")],
    ]);
    const resolve = (u: string) => files.get(u);
    const cases = [
      '<script type="module"\n        src="/assets/a.js"></script>',
      '<script  defer   src="/assets/a.js"></script>',
      '<script src = "/assets/a.js"></script>',
      "<script src='/assets/a.js'></script>",
      "<link rel='stylesheet' href = '/assets/b.css'>",
    ];
    for (const tag of cases) {
      const { html, added } = addSri(tag, resolve);
      expect(added, tag).toHaveLength(1);
      const end = tag.indexOf(">");
      const url = added[0]!;
      expect(html, tag).toBe(`${tag.slice(0, end)} integrity="${sriFor(files.get(url)!)}"${tag.slice(end)}`);
    }
    // A value-less `integrity` is still an integrity attribute the author wrote: left alone.
    const bare = '<script integrity src="/assets/a.js"></script>';
    expect(addSri(bare, resolve)).toEqual({ html: bare, added: [] });
  });
});

describe("buildManifestFromFiles", () => {
  it("hashes every file, lists directory indexes twice, hashes the SRI-rewritten HTML", () => {
    const files = [
      { path: "index.html", bytes: enc('<script src="./assets/app.js"></script>') },
      { path: "assets/app.js", bytes: enc("app") },
      { path: "docs/index.html", bytes: enc("docs") },
      { path: "a b.txt", bytes: enc("x") },
    ];
    const { manifest, rewritten } = buildManifestFromFiles(files, { sri: true });
    expect(Object.keys(manifest.hashes)).toEqual([
      "/",
      "/a%20b.txt",
      "/assets/app.js",
      "/docs/",
      "/docs/index.html",
      "/index.html",
    ]);
    expect(rewritten).toHaveLength(1);
    const h = createHash("sha256").update(rewritten[0]!.bytes).digest("base64url");
    expect(manifest.hashes["/index.html"]).toBe(h);
    expect(manifest.hashes["/"]).toBe(h);
    expect(new TextDecoder().decode(rewritten[0]!.bytes)).toContain(`integrity="${sriFor(enc("app"))}"`);
  });
  it("keyForPath rejects traversal", () => {
    expect(() => keyForPath("../x")).toThrow(RangeError);
    expect(() => keyForPath("a//b")).toThrow(RangeError);
    expect(keyForPath("x.js", "/app/")).toBe("/app/x.js");
  });
});
