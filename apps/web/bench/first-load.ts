/**
 * First-load bytes of the built client (`dist/`, run `pnpm build` first): every chunk minified (as Vite
 * emits it) and gzip'd at level 9, split into what a visit to `/` or `/r/<room>` loads before the person
 * presses Join (index.html, the entry script and its static imports, the stylesheet) and what loads
 * later (the MLS and media workers and the chunks only they import). Budget: first load ≤ 150 KB gzip.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 150 * 1024;

export interface ChunkSize {
  file: string;
  raw: number;
  gzip: number;
  first: boolean;
}

export function firstLoad(dist: string): { chunks: ChunkSize[]; firstGzip: number; laterGzip: number } {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const assets = readdirSync(join(dist, "assets")).filter((f) => /\.(js|css)$/.test(f));
  const first = new Set<string>(["index.html"]);
  const queue: string[] = [];
  for (const m of html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)) {
    first.add(m[1]!);
    queue.push(m[1]!);
  }
  // Static imports of first-load scripts are first-load too (dynamic imports and `new Worker` are not).
  while (queue.length) {
    const f = queue.pop()!;
    if (!f.endsWith(".js")) continue;
    const code = readFileSync(join(dist, "assets", f), "utf8");
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      if (!first.has(m[1]!)) {
        first.add(m[1]!);
        queue.push(m[1]!);
      }
    }
  }
  const chunks = ["index.html", ...assets].map((file) => {
    const bytes = readFileSync(file === "index.html" ? join(dist, file) : join(dist, "assets", file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, first: first.has(file) };
  });
  chunks.sort((a, b) => Number(b.first) - Number(a.first) || b.gzip - a.gzip);
  const sum = (xs: ChunkSize[]) => xs.reduce((a, c) => a + c.gzip, 0);
  return {
    chunks,
    firstGzip: sum(chunks.filter((c) => c.first)),
    laterGzip: sum(chunks.filter((c) => !c.first)),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (import.meta.main) {
  const dist = join(import.meta.dirname, "../dist");
  const r = firstLoad(dist);
  console.log("| chunk | min | min+gzip | loaded |");
  console.log("| --- | ---: | ---: | --- |");
  for (const c of r.chunks)
    console.log(
      `| ${c.file} | ${kb(c.raw)} | ${kb(c.gzip)} | ${c.first ? "first load" : "later (workers)"} |`,
    );
  console.log(`\nfirst load (before Join): ${kb(r.firstGzip)} min+gzip (budget ${kb(BUDGET)})`);
  console.log(`later (MLS + media workers and their chunks): ${kb(r.laterGzip)} min+gzip`);
  if (r.firstGzip > BUDGET) process.exitCode = 1;
}
