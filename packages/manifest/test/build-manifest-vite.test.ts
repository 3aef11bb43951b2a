import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkIntegrity } from "../src/check-integrity.ts";
import { parseManifest, serializeManifest } from "../src/manifest.ts";
import { buildManifest, listFiles } from "../src/node.ts";
import { buildFixture } from "./helpers/vite.ts";

let dist: string;
beforeAll(async () => {
  dist = await buildFixture();
});

describe("buildManifest on a real Vite build", () => {
  it("lists every output file with its node:crypto SHA-256 and round-trips through the parser", async () => {
    const files = await listFiles(dist);
    expect(files).toContain("index.html");
    expect(files.filter((f) => f.startsWith("assets/") && f.endsWith(".js")).length).toBeGreaterThanOrEqual(
      2,
    );
    const { manifest } = await buildManifest(dist);
    for (const f of files) {
      const h = createHash("sha256")
        .update(readFileSync(join(dist, f)))
        .digest("base64url");
      expect(manifest.hashes[`/${f}`], f).toBe(h);
    }
    expect(manifest.hashes["/"]).toBe(manifest.hashes["/index.html"]);
    expect(Object.keys(manifest.hashes)).toHaveLength(files.length + 1);
    const line = serializeManifest(manifest);
    expect(line).not.toContain("\n");
    expect(parseManifest(line, { origin: "https://site.example" })).toEqual(manifest);
  });

  it("--sri rewrites index.html first and the manifest covers the rewritten page", async () => {
    const { manifest, rewritten } = await buildManifest(dist, { sri: true });
    expect(rewritten.map((f) => f.path)).toEqual(["index.html"]);
    const html = readFileSync(join(dist, "index.html"));
    const text = html.toString("utf8");
    const script = /<script[^>]*src="\/(assets\/[^"]+\.js)"[^>]*>/.exec(text)!;
    const css = /<link[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/.exec(text)!;
    for (const [tag, path] of [script, css].map((m) => [m[0], m[1]!] as const)) {
      const sri = `sha256-${createHash("sha256")
        .update(readFileSync(join(dist, path)))
        .digest("base64")}`;
      expect(tag).toContain(`integrity="${sri}"`);
    }
    const r = checkIntegrity(manifest, "https://site.example/", "document", new Uint8Array(html), {
      origin: "https://site.example",
    });
    expect(r).toMatchObject({ ok: true, match: "path_hash" });
  });
});
