/**
 * Bundle size of the browser verifier (`src/browser.ts`): bundled with Vite (rolldown + oxc minify,
 * whitespace included as in an app build, ES module, all dependencies inlined), each chunk gzipped at
 * level 9 (`measureEntry`, also used by tooling/e2e's transparent-delivery bench). "Static" is what a page
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

/** Bytes of a set of chunks: minified, and gzip -9 per chunk (each chunk is its own response). */
export interface ChunkBytes {
  minBytes: number;
  gzipBytes: number;
  files: string[];
}

/**
 * Bundles `entry` alone with Vite (rolldown + oxc, ES module, dependencies inlined) from `root`,
 * minified as an app build is: identifiers, syntax and whitespace (Vite's library mode keeps
 * whitespace in ES output unless `rolldownOptions.output.minify` asks). `upFront` is the entry chunk
 * and every chunk it imports statically; `lazy` the dynamically imported rest, less the chunks
 * `opts.lazy` leaves out. `opts.vite` is the build function (a caller in another package passes its
 * own copy of Vite).
 */
export async function measureEntry(
  entry: string,
  root: string,
  opts: { vite?: (config: unknown) => Promise<unknown>; lazy?: (fileName: string) => boolean } = {},
): Promise<{ upFront: ChunkBytes; lazy: ChunkBytes }> {
  const vite = opts.vite ?? (build as (config: unknown) => Promise<unknown>);
  const countLazy = opts.lazy ?? (() => true);
  const out = (await vite({
    root,
    logLevel: "silent",
    configFile: false,
    build: {
      write: false,
      minify: true,
      rolldownOptions: { output: { minify: true } },
      target: "es2022",
      lib: { entry, formats: ["es"], fileName: "out" },
    },
  })) as { output: Chunk[] } | { output: Chunk[] }[];
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
  const bytes = (list: Chunk[]): ChunkBytes => {
    let minBytes = 0;
    let gzipBytes = 0;
    for (const c of list) {
      const b = new TextEncoder().encode(c.code ?? "");
      minBytes += b.length;
      gzipBytes += gzipSync(b, { level: 9 }).length;
    }
    return { minBytes, gzipBytes, files: list.map((c) => c.fileName) };
  };
  return {
    upFront: bytes(chunks.filter((c) => statics.has(c.fileName))),
    lazy: bytes(chunks.filter((c) => !statics.has(c.fileName) && countLazy(c.fileName))),
  };
}

async function bundle(name: string, entry: string, root: string): Promise<BundleSize[]> {
  const { upFront, lazy } = await measureEntry(entry, root);
  const rows = [{ name: `${name}, loaded up front`, ...upFront }];
  if (lazy.files.length > 0)
    rows.push({
      name: `${name}, lazy chunks (${lazy.files.length}, cosignature check + @noble fallback)`,
      ...lazy,
    });
  return rows.map(({ name, minBytes, gzipBytes }) => ({ name, minBytes, gzipBytes }));
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
