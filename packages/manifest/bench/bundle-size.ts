/**
 * Bundle size of the browser verifier (`src/browser.ts`): bundled with Vite (rolldown + oxc minify,
 * ES module, all dependencies inlined), each chunk gzipped at level 9. "Static" is what a page
 * loads up front (the entry chunk and every chunk it imports statically); the lazily imported
 * chunks (the cosignature check, loaded by the first `verifyTransparency`, and the @noble/ed25519
 * fallback, only fetched where WebCrypto has no Ed25519) are reported on their own.
 * Anchor in the same run: @noble/hashes SHA-256 alone, bundled the same way.
 */
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

export interface BundleSize {
  name: string;
  minBytes: number;
  gzipBytes: number;
}

interface Chunk {
  type: string;
  fileName: string;
  isEntry?: boolean;
  code?: string;
  imports?: string[];
}

async function bundle(name: string, entry: string, root: string): Promise<BundleSize[]> {
  const out = (await build({
    root,
    logLevel: "silent",
    configFile: false,
    build: { write: false, minify: true, lib: { entry, formats: ["es"], fileName: "out" } },
  })) as { output: Chunk[] }[] | { output: Chunk[] };
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((r) =>
    r.output.filter((o) => o.type === "chunk"),
  );
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const statics = new Set<string>();
  const visit = (c: Chunk) => {
    if (statics.has(c.fileName)) return;
    statics.add(c.fileName);
    for (const i of c.imports ?? []) {
      const d = byName.get(i);
      if (d) visit(d);
    }
  };
  for (const c of chunks) if (c.isEntry) visit(c);
  const size = (label: string, list: Chunk[]): BundleSize => {
    // Each chunk is a separate response, so each is gzipped on its own.
    let minBytes = 0;
    let gzipBytes = 0;
    for (const c of list) {
      const b = new TextEncoder().encode(c.code ?? "");
      minBytes += b.length;
      gzipBytes += gzipSync(b, { level: 9 }).length;
    }
    return { name: label, minBytes, gzipBytes };
  };
  const lazy = chunks.filter((c) => !statics.has(c.fileName));
  const rows = [
    size(
      `${name}, loaded up front`,
      chunks.filter((c) => statics.has(c.fileName)),
    ),
  ];
  if (lazy.length > 0)
    rows.push(size(`${name}, lazy chunks (${lazy.length}, cosignature check + @noble fallback)`, lazy));
  return rows;
}

export async function measureBundles(): Promise<BundleSize[]> {
  const pkg = resolve(import.meta.dirname, "..");
  return [
    ...(await bundle("browser verifier", join(pkg, "src/browser.ts"), pkg)),
    ...(await bundle("anchor: @noble/hashes sha256 only", join(pkg, "bench/anchor-sha256.ts"), pkg)).map(
      (b) => ({
        ...b,
        name: "anchor: @noble/hashes sha256 only",
      }),
    ),
  ];
}
