/**
 * Subresource Integrity attributes for a built page (W3C SRI §3.5 "The integrity attribute").
 *
 * WAICT makes user agents ignore SRI for covered requests (waict-integrity "Interaction with SRI and
 * Integrity Policy"), but a page that also carries SRI gives browsers without WAICT the same pinning
 * for its scripts and styles. `addSri` rewrites `<script src>` and `<link rel=stylesheet|modulepreload
 * href>` tags whose target is a file of the same build, adding `integrity="sha256-<base64>"`. Tags that
 * already carry `integrity`, point elsewhere, or whose target is not in the build are left untouched.
 * This is a tag scanner, not an HTML parser: it handles the quoted/unquoted attribute forms bundlers
 * emit, and never rewrites inside comments or script bodies because it only looks at start tags.
 */

import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { sha256 } from "./sha256.ts";

const TAG = /<(script|link)\b((?:\s+[^\s=>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/gi;
const ATTR = /([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTR)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

/** `sha256-<base64>`, the SRI metadata for `bytes`. */
export function sriFor(bytes: Uint8Array): string {
  return `sha256-${encodeBase64(sha256(bytes))}`;
}

export interface SriResult {
  html: string;
  /** Paths (as resolved by `resolve`) that received an integrity attribute. */
  added: string[];
}

/**
 * Adds integrity attributes. `resolve(url)` maps a tag's `src`/`href` to the bytes of the built file
 * it names, or undefined when the URL is not part of the build.
 */
export function addSri(html: string, resolve: (url: string) => Uint8Array | undefined): SriResult {
  const added: string[] = [];
  const out = html.replace(TAG, (whole, name: string, attrText: string, slash: string) => {
    const attrs = attributes(attrText);
    if (attrs.has("integrity")) return whole;
    let url: string | undefined;
    if (name.toLowerCase() === "script") url = attrs.get("src");
    else {
      const rel = (attrs.get("rel") ?? "").toLowerCase().split(/\s+/);
      if (rel.includes("stylesheet") || rel.includes("modulepreload")) url = attrs.get("href");
    }
    if (url === undefined || url === "") return whole;
    const bytes = resolve(url);
    if (bytes === undefined) return whole;
    added.push(url);
    return `<${name}${attrText} integrity="${sriFor(bytes)}"${slash ? " /" : ""}>`;
  });
  return { html: out, added };
}
