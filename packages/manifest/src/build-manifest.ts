/**
 * Building a manifest from a static build output (waict-integrity v2 "Manifest Structure").
 *
 * Pure and runtime-neutral: takes the files as (path, bytes) pairs and returns the manifest plus any
 * HTML it rewrote for SRI. The Node directory walker (`buildManifest(dir)` in `build-manifest-node.ts`)
 * is a thin wrapper. Choices where the draft is silent:
 * - keys are path-absolute (`/assets/app.js`), as in the draft's example, so one manifest serves any
 *   origin the build is deployed on; they are percent-encoded exactly as the URL parser would;
 * - a directory index `dir/index.html` is listed under `/dir/index.html` and `/dir/`, because the
 *   document is fetched as `/dir/`;
 * - SRI rewriting happens before hashing, so the manifest covers the HTML that is served.
 */

import { canonicalKey, PLACEHOLDER_ORIGIN } from "./canonical-url.ts";
import type { Manifest } from "./manifest.ts";
import { sha256B64u } from "./sha256.ts";
import { addSri } from "./sri.ts";

export interface BuildFile {
  /** Path relative to the build root, `/`-separated, no leading slash. */
  path: string;
  bytes: Uint8Array;
}

export interface BuildManifestOptions {
  /** Add SRI attributes to script/stylesheet tags of HTML files. Default false. */
  sri?: boolean;
  /** URL path the build is served under. Default "/". */
  base?: string;
  /** Extra top-level manifest keys (extensions), kept in the output. */
  extensions?: Record<string, unknown>;
}

export interface BuildManifestResult {
  manifest: Manifest;
  /** Files whose bytes changed (HTML with SRI attributes), to be written back before serving. */
  rewritten: BuildFile[];
}

/** The manifest key of a build path, or throws `RangeError` if it cannot be made canonical. */
export function keyForPath(path: string, base = "/"): string {
  if (!base.startsWith("/") || !base.endsWith("/"))
    throw new RangeError('"base" must start and end with "/"');
  const segs = path.split("/");
  if (segs.some((s) => s === "" || s === "." || s === ".."))
    throw new RangeError(`bad build path ${JSON.stringify(path)}`);
  const u = new URL(base + segs.map(encodeURIComponent).join("/"), `${PLACEHOLDER_ORIGIN}/`);
  const key = u.pathname;
  if (canonicalKey(key) === undefined) throw new RangeError(`cannot make a canonical key for ${path}`);
  return key;
}

export function buildManifestFromFiles(
  files: BuildFile[],
  options: BuildManifestOptions = {},
): BuildManifestResult {
  const base = options.base ?? "/";
  const byKey = new Map<string, BuildFile>();
  for (const f of files) byKey.set(keyForPath(f.path, base), f);
  const rewritten: BuildFile[] = [];
  const final = new Map<string, Uint8Array>();
  for (const [key, f] of byKey) {
    let bytes = f.bytes;
    if (options.sri && /\.html?$/i.test(f.path)) {
      const html = new TextDecoder().decode(f.bytes);
      const pageUrl = new URL(key, `${PLACEHOLDER_ORIGIN}/`);
      const { html: out, added } = addSri(html, (ref) => {
        let u: URL;
        try {
          u = new URL(ref, pageUrl);
        } catch {
          return undefined;
        }
        if (u.origin !== PLACEHOLDER_ORIGIN) return undefined;
        return byKey.get(u.pathname)?.bytes;
      });
      if (added.length > 0) {
        bytes = new TextEncoder().encode(out);
        rewritten.push({ path: f.path, bytes });
      }
    }
    final.set(key, bytes);
  }
  const hashes: Record<string, string> = {};
  const entries: [string, string][] = [];
  for (const [key, bytes] of final) {
    const h = sha256B64u(bytes);
    entries.push([key, h]);
    if (key.endsWith("/index.html")) entries.push([key.slice(0, -"index.html".length), h]);
  }
  // Keys are unique (a directory key ends with "/", a file key never does), so "not less" is "greater".
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, h] of entries) hashes[k] = h;
  return { manifest: { hashes, extensions: { ...options.extensions } }, rewritten };
}
