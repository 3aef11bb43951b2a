/**
 * The `Integrity-Policy-WAICT-v1` response header (waict-integrity v2 "Response Header").
 *
 * An RFC 9651 Dictionary with required `max-age` (sf-integer >= 0), `mode` (sf-token `enforce` or
 * `report`) and `manifest` (sf-string URL, may be relative), optional `preload` (sf-boolean) and
 * `endpoints`. "If one or more of the mandatory keys is missing or invalid, the entire header MUST be
 * ignored"; "any other keys MUST be ignored" (including `GREASE-*`). Dictionary parsing and
 * serialization use the maintained `structured-headers` library (RFC 9651, HTTP WG test suite).
 */

import { type Dictionary, type Item, parseDictionary, serializeDictionary, Token } from "structured-headers";

export const INTEGRITY_POLICY_HEADER = "Integrity-Policy-WAICT-v1";

export const WaictMode = { enforce: "enforce", report: "report" } as const;
export type WaictMode = (typeof WaictMode)[keyof typeof WaictMode];

export interface IntegrityPolicy {
  maxAge: number;
  mode: WaictMode;
  /** The `manifest` value as sent (possibly relative). */
  manifest: string;
  preload: boolean;
  /** Reporting endpoint names; empty by default. */
  endpoints: string[];
}

/** Why a header was ignored (the spec has no failure reason for this: the header simply does not apply). */
export type HeaderParseResult =
  | { ok: true; policy: IntegrityPolicy }
  | { ok: false; ignored: true; detail: string; message: string };

/** Header values above this length are ignored rather than parsed (no legitimate header comes close). */
export const MAX_HEADER_LENGTH = 8192;

function ignored(detail: string, message: string): HeaderParseResult {
  return { ok: false, ignored: true, detail, message };
}

/**
 * The top-level members of a dictionary field value as written, split at the commas outside
 * sf-strings and display strings. A comma elsewhere (inside an inner list) is invalid RFC 9651,
 * and splitting there cannot make such a value valid. Used only on a value that
 * failed strict parsing (to fold GREASE- keys) or that passed it (to tell an sf-integer from an
 * sf-decimal, which the parser returns as the same JavaScript number).
 */
function topLevelMembers(v: string): string[] {
  const members: string[] = [];
  let inString = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ",") {
      members.push(v.slice(start, i));
      start = i + 1;
    }
  }
  members.push(v.slice(start));
  return members;
}

/**
 * The draft lets servers send `GREASE-` keys that clients must ignore, but RFC 9651 §3.1.2 keys are
 * lowercase, so a strict parser rejects the whole field. When strict parsing fails we retry once with
 * the member keys that start with `GREASE-` lowercased (never touching string contents), so such a
 * header is read as the draft intends. Any other invalid key still voids the header.
 */
function foldGreaseKeys(v: string): string {
  return topLevelMembers(v)
    .map((m) => {
      const lead = m.length - m.trimStart().length;
      if (!m.startsWith("GREASE-", lead)) return m;
      const end = m.slice(lead).search(/[=;]|$/) + lead;
      return m.slice(0, lead) + m.slice(lead, end).toLowerCase() + m.slice(end);
    })
    .join(",");
}

/**
 * Whether the last top-level `max-age=` member's value is written with a decimal point (an
 * sf-decimal); the key itself holds none, so the member's text before its parameters is checked.
 */
function maxAgeWrittenAsDecimal(v: string): boolean {
  const members = topLevelMembers(v);
  for (let i = members.length - 1; i >= 0; i--) {
    const m = members[i]!;
    const eq = m.indexOf("=");
    if (eq > 0 && m.slice(0, eq).trim() === "max-age") return m.split(";")[0]!.includes(".");
  }
  return false;
}

/**
 * Parses one field value. Never throws: invalid input yields `{ok: false, ignored: true}`, the
 * spec's outcome for a bad header. Several header lines must be joined with ", " by the caller first
 * (RFC 9110 §5.3), as `Headers.get` does.
 */
export function parseIntegrityPolicy(value: string | null | undefined): HeaderParseResult {
  if (value === null || value === undefined)
    return ignored("missing", `no ${INTEGRITY_POLICY_HEADER} header`);
  if (value.length > MAX_HEADER_LENGTH) return ignored("too_long", "header value too long");
  let dict: ReturnType<typeof parseDictionary>;
  let text = value;
  try {
    dict = parseDictionary(value);
  } catch (e) {
    text = foldGreaseKeys(value);
    try {
      dict = parseDictionary(text);
    } catch {
      return ignored("syntax", `not an RFC 9651 dictionary: ${(e as Error).message}`);
    }
  }
  const maxAge = dict.get("max-age");
  const mode = dict.get("mode");
  const manifest = dict.get("manifest");
  if (maxAge === undefined) return ignored("missing_max_age", 'missing "max-age"');
  if (mode === undefined) return ignored("missing_mode", 'missing "mode"');
  if (manifest === undefined) return ignored("missing_manifest", 'missing "manifest"');
  const ma = maxAge[0] as number;
  // An inner list has an array as its value; parameters on items are allowed and ignored.
  if (!Number.isInteger(ma) || ma < 0 || maxAgeWrittenAsDecimal(text))
    return ignored("bad_max_age", '"max-age" must be an sf-integer >= 0');
  const md = mode[0];
  if (!(md instanceof Token)) return ignored("bad_mode", '"mode" must be an sf-token');
  const ms = md.toString();
  if (ms !== "enforce" && ms !== "report") return ignored("bad_mode", '"mode" must be enforce or report');
  const mf = manifest[0];
  if (typeof mf !== "string") return ignored("bad_manifest", '"manifest" must be an sf-string');
  if (mf === "") return ignored("bad_manifest", '"manifest" must not be empty');

  // Optional keys: an invalid optional value falls back to its default rather than voiding the header
  // (the draft only voids the header for the mandatory keys).
  let preload = false;
  const pl = dict.get("preload");
  if (pl !== undefined && pl[0] === true) preload = true;
  const endpoints: string[] = [];
  const ep = dict.get("endpoints");
  if (ep !== undefined) {
    const items = Array.isArray(ep[0]) ? (ep[0] as [unknown, unknown][]) : [ep as [unknown, unknown]];
    for (const [v] of items) {
      if (v instanceof Token) endpoints.push(v.toString());
      else if (typeof v === "string") endpoints.push(v);
    }
  }
  return { ok: true, policy: { maxAge: ma, mode: ms, manifest: mf, preload, endpoints } };
}

/** Serializes a policy as a header field value, e.g. `max-age=90, mode=enforce, manifest="/m"`. */
export function buildIntegrityPolicy(p: {
  maxAge: number;
  mode: WaictMode;
  manifest: string;
  preload?: boolean;
  endpoints?: string[];
}): string {
  if (!Number.isSafeInteger(p.maxAge) || p.maxAge < 0 || p.maxAge > 999_999_999_999_999)
    throw new RangeError('"maxAge" must be an integer in [0, 10^15)');
  if (p.mode !== "enforce" && p.mode !== "report") throw new TypeError('"mode" must be enforce or report');
  if (p.manifest === "") throw new TypeError('"manifest" must not be empty');
  const d: Dictionary = new Map();
  d.set("max-age", [p.maxAge, new Map()]);
  d.set("mode", [new Token(p.mode), new Map()]);
  if (p.preload !== undefined) d.set("preload", [p.preload, new Map()]);
  if (p.endpoints !== undefined && p.endpoints.length > 0)
    d.set("endpoints", [p.endpoints.map((e): Item => [new Token(e), new Map()]), new Map()]);
  d.set("manifest", [p.manifest, new Map()]);
  // structured-headers throws SerializeError for a manifest URL with non-ASCII characters: callers
  // must percent-encode, which a URL serializer already does.
  return serializeDictionary(d);
}
