/**
 * The "New Entry Data" JSON object (waict-apis.md "Append to resource chain", "Enrollment via
 * HTTPS"): what a site sends to `/append/<domain>` and serves at `/.well-known/waict-enroll`.
 *
 *     { "resource_hash": base64 (std, padded) of 32 bytes,   // maxLength 45
 *       "asset_hosts":   [ "https://…", … ],                 // 1..16 items, 1..512 characters each
 *       "append_key":    "<domain>+<keyid>+base64(0x01 || Ed25519 public key)" }   // Sealroom extension
 *
 * Strictness (choices where the draft is silent, README "New Entry Data"): the body is at most
 * `MAX_NEW_ENTRY_DATA_BYTES` of UTF-8 JSON holding one object; unknown members are ignored;
 * `resource_hash` must be canonical base64 of exactly 32 bytes (all zeros = tombstone, i.e.
 * unenrolment); every asset host must be an absolute `https:` URL (`http:` only for loopback hosts,
 * for local development), no duplicates, and the set must fit the TLS `AssetHost<1..2^13-1>`
 * vector (checked with @sealroom/hash-chain's encoder, so the JSON and the tree agree). The draft's
 * JSON schema allows an empty `asset_hosts`; the tree format does not (`<1..>`), so neither do we.
 * `append_key` is the site's Ed25519 append key as a C2SP signed-note verifier key (type 0x01)
 * whose name is the domain: required in the well-known document (append-auth.ts), ignored in
 * `/append` bodies.
 */

import { encodeAssetHosts } from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import { NoteSignatureType, parseVerifierKey, type VerifierKey } from "@sealroom/prefix-tree/note";
import { FailureReason, ManifestError } from "./errors.ts";

/** Cap on the JSON body (bytes) before parsing. */
export const MAX_NEW_ENTRY_DATA_BYTES = 16 * 1024;
/** waict-apis.md schema: `maxItems: 16`. */
export const MAX_ASSET_HOSTS = 16;
/** waict-apis.md schema: items `maxLength: 512` (characters). */
export const MAX_ASSET_HOST_LENGTH = 512;

export interface NewEntryData {
  /** 32-byte resource hash; all zeros = tombstone. */
  resourceHash: Uint8Array;
  /** Asset host URLs as given (the tree sorts them). */
  assetHosts: string[];
  /** The site's append key (Sealroom extension), when present. */
  appendKey?: VerifierKey;
}

/** Malformed New Entry Data; `code` names the field. */
export class NewEntryDataError extends ManifestError {
  constructor(code: string, message: string) {
    super(FailureReason.invalidManifest, code, message);
    this.name = "NewEntryDataError";
  }
}

const utf8 = new TextEncoder();
const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function checkHost(h: unknown, i: number): string {
  // The empty string is not an absolute URL: the URL parser below refuses it.
  if (typeof h !== "string" || h.length > MAX_ASSET_HOST_LENGTH)
    throw new NewEntryDataError("bad_asset_host", `asset_hosts[${i}] must be a string of 1..512 characters`);
  let u: URL;
  try {
    u = new URL(h);
  } catch {
    throw new NewEntryDataError("bad_asset_host", `asset_hosts[${i}] is not an absolute URL`);
  }
  const loop = LOOPBACK.has(u.hostname) || u.hostname.endsWith(".localhost");
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loop))
    throw new NewEntryDataError("bad_asset_host", `asset_hosts[${i}] must be https (http only on loopback)`);
  if (u.username || u.password || u.hash)
    throw new NewEntryDataError(
      "bad_asset_host",
      `asset_hosts[${i}] must not carry credentials or a fragment`,
    );
  return h;
}

/** The append key named in a well-known document: an Ed25519 (0x01) vkey named after `domain`. */
export function parseAppendKey(text: unknown, domain?: string): VerifierKey {
  if (typeof text !== "string" || text.length > 512)
    throw new NewEntryDataError("bad_append_key", "append_key must be a signed-note verifier key string");
  let k: VerifierKey;
  try {
    k = parseVerifierKey(text);
  } catch (e) {
    throw new NewEntryDataError("bad_append_key", `append_key: ${(e as Error).message}`);
  }
  if (k.type !== NoteSignatureType.Ed25519 || k.publicKey.length !== 32)
    throw new NewEntryDataError("bad_append_key", "append_key must be an Ed25519 (type 0x01) key");
  if (domain !== undefined && k.name !== domain)
    throw new NewEntryDataError(
      "bad_append_key",
      `append_key is named ${JSON.stringify(k.name)}, not the domain`,
    );
  return k;
}

export interface ParseNewEntryDataOptions {
  /** Require and check `append_key`, named after this domain (the well-known document). */
  appendKeyFor?: string;
}

/** Parses and validates New Entry Data; throws `NewEntryDataError` naming the bad field. */
export function parseNewEntryData(
  input: Uint8Array | string,
  options: ParseNewEntryDataOptions = {},
): NewEntryData {
  const bytes = typeof input === "string" ? utf8.encode(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"input" must be a Uint8Array or string');
  if (bytes.length > MAX_NEW_ENTRY_DATA_BYTES)
    throw new NewEntryDataError("too_large", `New Entry Data is over ${MAX_NEW_ENTRY_DATA_BYTES} bytes`);
  let obj: unknown;
  try {
    obj = JSON.parse(utf8Fatal.decode(bytes));
  } catch {
    throw new NewEntryDataError("bad_json", "New Entry Data is not UTF-8 JSON");
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw new NewEntryDataError("bad_json", "New Entry Data must be a JSON object");
  const o = obj as Record<string, unknown>;
  const rh = o.resource_hash;
  const resourceHash = typeof rh === "string" && rh.length <= 45 ? decodeBase64(rh) : undefined;
  if (resourceHash === undefined || resourceHash.length !== 32)
    throw new NewEntryDataError("bad_resource_hash", "resource_hash must be canonical base64 of 32 bytes");
  const hosts = o.asset_hosts;
  if (!Array.isArray(hosts) || hosts.length < 1 || hosts.length > MAX_ASSET_HOSTS)
    throw new NewEntryDataError(
      "bad_asset_hosts",
      `asset_hosts must be an array of 1..${MAX_ASSET_HOSTS} URLs`,
    );
  const assetHosts = hosts.map(checkHost);
  try {
    encodeAssetHosts(assetHosts);
  } catch (e) {
    throw new NewEntryDataError("bad_asset_hosts", `asset_hosts: ${(e as Error).message}`);
  }
  const out: NewEntryData = { resourceHash, assetHosts };
  if (options.appendKeyFor !== undefined) {
    if (!Object.hasOwn(o, "append_key"))
      throw new NewEntryDataError("missing_append_key", "the well-known document must name an append_key");
    out.appendKey = parseAppendKey(o.append_key, options.appendKeyFor);
  }
  return out;
}

/** Serializes New Entry Data (the form `sealroom` sends and a site serves). */
export function serializeNewEntryData(d: {
  resourceHash: Uint8Array;
  assetHosts: readonly string[];
  appendKey?: string;
}): string {
  if (!(d.resourceHash instanceof Uint8Array) || d.resourceHash.length !== 32)
    throw new RangeError('"resourceHash" must be 32 bytes');
  return JSON.stringify({
    resource_hash: encodeBase64(d.resourceHash),
    asset_hosts: [...d.assetHosts],
    ...(d.appendKey !== undefined ? { append_key: d.appendKey } : {}),
  });
}
