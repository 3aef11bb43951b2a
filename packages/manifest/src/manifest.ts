/**
 * The WAICT integrity manifest (waict-integrity v2 "Manifest Structure" and "Validating Manifests").
 *
 * A manifest is a JSON object: `hashes` (URL -> base64urlnopad SHA-256), optional `wasm_hashes`,
 * `fallback_hashes`, `wildcard_hashes` (sorted unique base64urlnopad lists), `resource_delimiter` and
 * `emergency_opt_out`. Unknown top-level keys "MUST be ignored" by checkers; we keep them (in
 * `extensions`, in document order) so a tool that rewrites a manifest does not drop other parties'
 * extensions. Duplicate keys: last occurrence wins (the draft's rule, and what `JSON.parse` does).
 *
 * Transparency commits to the exact served bytes, so nothing here re-serializes a manifest to verify it:
 * `parseManifest` is only used to read the bytes whose hash was already checked.
 */

import { decodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { canonicalKey, PLACEHOLDER_ORIGIN } from "./canonical-url.ts";
import { InvalidManifestError } from "./errors.ts";

/** Largest manifest line accepted (bytes). The draft sets no bound; 32 MiB is far above any real site. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

export interface Manifest {
  /** URL key (as written) -> base64urlnopad SHA-256, in document order, last duplicate wins. */
  hashes: Record<string, string>;
  wasmHashes?: string[];
  fallbackHashes?: string[];
  wildcardHashes?: string[];
  resourceDelimiter?: string;
  emergencyOptOut?: boolean;
  /** Every other top-level key, preserved verbatim (e.g. the `sealroom_dev_ids` extension). */
  extensions: Record<string, unknown>;
}

export interface ParseManifestOptions {
  /** Top-level origin (`https://host[:port]`) used to check relative `hashes` keys. */
  origin?: string;
}

const KNOWN = new Set([
  "hashes",
  "wasm_hashes",
  "fallback_hashes",
  "wildcard_hashes",
  "resource_delimiter",
  "emergency_opt_out",
]);

/** Sets an own property even for keys such as `__proto__`, which plain assignment would not. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `h` is base64urlnopad of exactly 32 bytes. */
export function isSha256B64u(h: unknown): h is string {
  if (typeof h !== "string" || h.length !== 43) return false;
  const d = decodeBase64UrlNoPad(h);
  return d !== undefined && d.length === 32;
}

function hashList(obj: Record<string, unknown>, key: string, validate: boolean): string[] | undefined {
  if (!Object.hasOwn(obj, key)) return undefined;
  const v = obj[key];
  if (!Array.isArray(v)) throw new InvalidManifestError("bad_type", `"${key}" must be an array`);
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) {
    const h: unknown = v[i];
    if (typeof h !== "string") throw new InvalidManifestError("bad_type", `"${key}"[${i}] must be a string`);
    if (validate) {
      if (!isSha256B64u(h))
        throw new InvalidManifestError("bad_hash", `"${key}"[${i}] is not base64urlnopad of 32 bytes`);
      // "a lexicographically sorted list of unique" hashes: enforced so membership can be a binary search.
      const prev = out[i - 1];
      if (prev !== undefined && !(prev < h))
        throw new InvalidManifestError("unsorted", `"${key}" is not sorted and unique at index ${i}`);
    }
    out.push(h);
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes manifest bytes as strict UTF-8 (a BOM is kept, so JSON parsing then rejects it). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidManifestError("bad_utf8", "manifest is not valid UTF-8");
  }
}

/**
 * Parses and validates a manifest. Throws `InvalidManifestError` (reason `invalid_manifest`).
 * A tombstone (`emergency_opt_out: true`) only needs its mandatory keys present: the draft says it is a
 * tombstone "even when the entries in all the fields are invalid".
 */
export function parseManifest(input: string | Uint8Array, options: ParseManifestOptions = {}): Manifest {
  if (typeof input !== "string") {
    if (input.length > MAX_MANIFEST_BYTES) throw new InvalidManifestError("too_large", "manifest too large");
    input = decodeUtf8(input);
  } else if (input.length > MAX_MANIFEST_BYTES) {
    throw new InvalidManifestError("too_large", "manifest too large");
  }
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch (e) {
    throw new InvalidManifestError("bad_json", `manifest is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(json)) throw new InvalidManifestError("not_object", "manifest must be a JSON object");
  if (!Object.hasOwn(json, "hashes")) throw new InvalidManifestError("missing_hashes", 'missing "hashes"');

  let emergencyOptOut: boolean | undefined;
  if (Object.hasOwn(json, "emergency_opt_out")) {
    const v = json.emergency_opt_out;
    if (typeof v !== "boolean")
      throw new InvalidManifestError("bad_type", '"emergency_opt_out" must be a boolean');
    emergencyOptOut = v;
  }
  const validate = emergencyOptOut !== true;
  const origin = options.origin ?? PLACEHOLDER_ORIGIN;

  const hashes: Record<string, string> = {};
  const rawHashes = json.hashes;
  if (isPlainObject(rawHashes)) {
    for (const [k, h] of Object.entries(rawHashes)) {
      if (validate) {
        if (!isSha256B64u(h))
          throw new InvalidManifestError(
            "bad_hash",
            `hash of ${JSON.stringify(k)} is not base64urlnopad of 32 bytes`,
          );
        if (canonicalKey(k, origin) === undefined)
          throw new InvalidManifestError("bad_url", `key ${JSON.stringify(k)} is not a canonical URL`);
      }
      if (typeof h === "string") setOwn(hashes, k, h);
    }
  } else if (validate) {
    throw new InvalidManifestError("bad_type", '"hashes" must be an object');
  }

  const m: Manifest = { hashes, extensions: {} };
  const wasm = hashList(json, "wasm_hashes", validate);
  if (wasm) m.wasmHashes = wasm;
  const fallback = hashList(json, "fallback_hashes", validate);
  if (fallback) m.fallbackHashes = fallback;
  const wildcard = hashList(json, "wildcard_hashes", validate);
  if (wildcard) m.wildcardHashes = wildcard;
  if (Object.hasOwn(json, "resource_delimiter")) {
    const d = json.resource_delimiter;
    if (typeof d !== "string")
      throw new InvalidManifestError("bad_type", '"resource_delimiter" must be a string');
    m.resourceDelimiter = d;
  }
  if (emergencyOptOut !== undefined) m.emergencyOptOut = emergencyOptOut;
  for (const [k, v] of Object.entries(json)) if (!KNOWN.has(k)) setOwn(m.extensions, k, v);
  return m;
}

/**
 * Serializes a manifest as one line of compact JSON (the response format forbids a newline in it;
 * `JSON.stringify` escapes any inside strings). Known keys first in the draft's order, then extensions
 * in their original order. The result is what gets hashed and logged, so write it once and serve those
 * exact bytes.
 */
export function serializeManifest(m: Manifest): string {
  const out: Record<string, unknown> = {};
  const hashes: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.hashes)) setOwn(hashes, k, v);
  out.hashes = hashes;
  if (m.wasmHashes) out.wasm_hashes = m.wasmHashes;
  if (m.fallbackHashes) out.fallback_hashes = m.fallbackHashes;
  if (m.wildcardHashes) out.wildcard_hashes = m.wildcardHashes;
  if (m.resourceDelimiter !== undefined) out.resource_delimiter = m.resourceDelimiter;
  if (m.emergencyOptOut !== undefined) out.emergency_opt_out = m.emergencyOptOut;
  for (const [k, v] of Object.entries(m.extensions)) if (!KNOWN.has(k)) setOwn(out, k, v);
  return JSON.stringify(out);
}

/** True when the manifest is a tombstone (waict-integrity "Manifest Structure"). */
export function isTombstoneManifest(m: Manifest): boolean {
  return m.emergencyOptOut === true;
}
