/**
 * The per-fetch integrity check (waict-integrity v2 "Determine Coverage" and "Integrity Check").
 *
 * Given the manifest in force, the request URL as it was before redirects, the request destination
 * and the unencoded response body, decide success or fail with the draft's reason. The steps below
 * are numbered as in the draft.
 */

import { canonicalKey, requestKey } from "./canonical-url.ts";
import { type Failure, FailureReason, failure, ManifestError } from "./errors.ts";
import type { Manifest } from "./manifest.ts";
import { sha256B64u } from "./sha256.ts";

/** "Determine Coverage": destinations covered as active content (always need a manifest entry). */
export const ACTIVE_DESTINATIONS: ReadonlySet<string> = new Set([
  "document",
  "frame",
  "iframe",
  "audioworklet",
  "paintworklet",
  "script",
  "serviceworker",
  "sharedworker",
  "worker",
  "style",
  "xslt",
  "object",
]);

/** "Determine Coverage": passive content, checked only when the manifest lists the URL. */
export const PASSIVE_DESTINATIONS: ReadonlySet<string> = new Set(["audio", "font", "image", "json", "video"]);

export type IntegrityMatch =
  | "path_hash"
  | "fallback_hash"
  | "wildcard_hashes"
  | "tombstone"
  | "not_covered"
  | "passive_not_listed";

export type IntegrityResult = { ok: true; match: IntegrityMatch; hash?: string } | Failure;

export interface CheckIntegrityOptions {
  /** Top-level origin used to resolve relative manifest keys. Default: the request URL's origin. */
  origin?: string;
}

const keyCache = new WeakMap<Manifest, Map<string, Map<string, string>>>();
const setCache = new WeakMap<readonly string[], Set<string>>();

/** Canonical absolute key -> hash; a later key with the same canonical form wins (last occurrence). */
function canonicalHashes(m: Manifest, origin: string): Map<string, string> {
  let byOrigin = keyCache.get(m);
  if (!byOrigin) {
    byOrigin = new Map();
    keyCache.set(m, byOrigin);
  }
  let map = byOrigin.get(origin);
  if (!map) {
    map = new Map();
    for (const [k, h] of Object.entries(m.hashes)) {
      const c = canonicalKey(k, origin);
      if (c !== undefined) map.set(c, h);
    }
    byOrigin.set(origin, map);
  }
  return map;
}

function member(list: readonly string[] | undefined, h: string): boolean {
  if (!list || list.length === 0) return false;
  let s = setCache.get(list);
  if (!s) {
    s = new Set(list);
    setCache.set(list, s);
  }
  return s.has(h);
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  outer: for (
    let i = hay.indexOf(first, from);
    i !== -1 && i + needle.length <= hay.length;
    i = hay.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Splits `body` on every occurrence of `delim` (non-empty), left to right, without overlap. */
export function splitBytes(body: Uint8Array, delim: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = indexOf(body, delim, 0); i !== -1; i = indexOf(body, delim, start)) {
    parts.push(body.subarray(start, i));
    start = i + delim.length;
  }
  parts.push(body.subarray(start));
  return parts;
}

/**
 * Runs the draft's integrity check. `manifest` is the manifest in force; pass `undefined` when none
 * could be fetched (`manifest_unavailable`) and the thrown `ManifestError` when it failed validation
 * (`invalid_manifest`).
 */
export function checkIntegrity(
  manifest: Manifest | ManifestError | undefined,
  requestUrl: string | URL,
  destination: string,
  body: Uint8Array,
  options: CheckIntegrityOptions = {},
): IntegrityResult {
  // Coverage is decided before fetch: an uncovered destination never waits for a manifest.
  const active = ACTIVE_DESTINATIONS.has(destination);
  const passive = PASSIVE_DESTINATIONS.has(destination);
  if (!active && !passive) return { ok: true, match: "not_covered" };
  // Steps 1-3.
  if (manifest === undefined)
    return failure(FailureReason.manifestUnavailable, "no_manifest", "the manifest could not be loaded");
  if (manifest instanceof ManifestError)
    return failure(FailureReason.invalidManifest, manifest.code, manifest.message);
  if (manifest.emergencyOptOut === true) return { ok: true, match: "tombstone" };
  // Steps 4-6.
  const reqKey = requestKey(requestUrl);
  if (reqKey === undefined)
    return failure(
      FailureReason.missingFromManifest,
      "bad_request_url",
      `unparseable request URL ${String(requestUrl)}`,
    );
  const origin = options.origin ?? new URL(reqKey).origin;
  const h = sha256B64u(body);
  const pathHash = canonicalHashes(manifest, origin).get(reqKey);
  // Step 7.
  if (passive && pathHash === undefined) return { ok: true, match: "passive_not_listed", hash: h };
  // Steps 8-9: a document may match a fallback hash (e.g. an error page served for any path).
  if (destination === "document" && member(manifest.fallbackHashes, h))
    return { ok: true, match: "fallback_hash", hash: h };
  // Step 11: a listed URL must match its own hash; wildcards are never a fallback for it.
  if (pathHash !== undefined) {
    if (pathHash === h) return { ok: true, match: "path_hash", hash: h };
    return failure(
      FailureReason.noManifestMatch,
      "hash_mismatch",
      `${reqKey}: body hashes to ${h}, manifest says ${pathHash}`,
    );
  }
  // Step 12.
  const wildcard = manifest.wildcardHashes;
  const delim = manifest.resourceDelimiter;
  if (wildcard && wildcard.length > 0 && delim !== undefined && delim !== "") {
    const parts = splitBytes(body, new TextEncoder().encode(delim));
    for (let i = 0; i < parts.length; i++) {
      const ph = sha256B64u(parts[i]!);
      if (!member(wildcard, ph))
        return failure(
          FailureReason.noManifestMatch,
          "wildcard_mismatch",
          `${reqKey}: component ${i} (${ph}) is not in wildcard_hashes`,
        );
    }
    return { ok: true, match: "wildcard_hashes", hash: h };
  }
  // Step 13.
  return failure(FailureReason.missingFromManifest, "not_listed", `${reqKey} is not in the manifest`);
}

/**
 * "HostEnsureCanCompileWasmBytes": is this WebAssembly module allowed? The draft's step 5 says
 * "base64nopad"; every other manifest hash is base64urlnopad and `wasm_hashes` is defined as
 * base64urlnopad, so that is what we compare.
 */
export function checkWasm(
  manifest: Manifest | ManifestError | undefined,
  bytes: Uint8Array,
): IntegrityResult {
  if (manifest === undefined)
    return failure(FailureReason.manifestUnavailable, "no_manifest", "the manifest could not be loaded");
  if (manifest instanceof ManifestError)
    return failure(FailureReason.invalidManifest, manifest.code, manifest.message);
  if (manifest.emergencyOptOut === true) return { ok: true, match: "tombstone" };
  const h = sha256B64u(bytes);
  if (member(manifest.wasmHashes, h)) return { ok: true, match: "path_hash", hash: h };
  return failure(FailureReason.wasmHashMismatch, "wasm_not_listed", `module ${h} is not in wasm_hashes`);
}
