/**
 * `buildManifest(dir)`: walk a build output on disk and produce its manifest (Node only).
 *
 * Lives outside the browser entry's import graph (`./browser` never reaches it) and is exported from
 * `@sealroom/manifest/node`. Symlinks are not followed (a link could pull files from outside the build
 * into the manifest); dotfiles are included, since a server that serves them must have them covered.
 */

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import {
  type BuildFile,
  type BuildManifestOptions,
  type BuildManifestResult,
  buildManifestFromFiles,
} from "./build-manifest.ts";

export interface BuildManifestDirOptions extends BuildManifestOptions {
  /** Write SRI-rewritten HTML back into `dir`. Default: true when `sri` is set. */
  write?: boolean;
  /** Absolute or `dir`-relative paths to leave out (e.g. the manifest file itself). */
  exclude?: string[];
}

/** Lists regular files under `dir`, as `/`-separated paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const root = resolve(dir);
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(root, p).split(sep).join("/"));
    }
  }
  await walk(root);
  return out.sort();
}

export async function buildManifest(
  dir: string,
  options: BuildManifestDirOptions = {},
): Promise<BuildManifestResult> {
  const root = resolve(dir);
  const excluded = new Set((options.exclude ?? []).map((p) => resolve(root, p)));
  const files: BuildFile[] = [];
  for (const path of await listFiles(root)) {
    const abs = resolve(root, path);
    if (excluded.has(abs)) continue;
    files.push({ path, bytes: new Uint8Array(await readFile(abs)) });
  }
  const result = buildManifestFromFiles(files, options);
  if (options.write ?? options.sri === true) {
    for (const f of result.rewritten) await writeFile(resolve(root, f.path), f.bytes);
  }
  return result;
}
