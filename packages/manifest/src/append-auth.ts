/**
 * Append and upload authentication for a WAICT transparency service (Sealroom's choice: the draft
 * leaves authentication of `/append/<domain>` to the service, waict-apis.md "Append to resource
 * chain"). The site names an Ed25519 key in its `/.well-known/waict-enroll` document
 * (`append_key`, a C2SP signed-note verifier key of type 0x01 named after the domain), and signs
 * every append with it. The service stores only the public key; re-enrolment rotates it.
 *
 * Signed bytes of an append (UTF-8, each line ending in "\n"):
 *
 *     sealroom-append/v1
 *     <domain>                       lowercase A-label, as in the path
 *     <position>                     decimal, no leading zeros: the chain position the new entry takes
 *     <base64 SHA-256(body)>         standard, padded: the exact request body bytes
 *
 * sent as `Sealroom-Append-Position: <position>` and `Sealroom-Signature: base64(64-byte sig)`.
 * Binding the position makes every signature single-use: once the entry at `position` exists a
 * replay names a taken position (409), and two concurrent appends for one position cannot both
 * win. Binding the body hash covers resource hash and asset hosts.
 *
 * Signed bytes of an asset upload (`PUT /upload/sha256-<b64u>`), key = the domain's append key:
 *
 *     sealroom-upload/v1
 *     <domain>
 *     sha256-<base64url no pad of SHA-256(body)>
 *
 * sent as `Sealroom-Domain: <domain>` and `Sealroom-Signature`. Uploads are content-addressed,
 * so a replayed upload stores the same bytes again: it needs no position.
 */

import { U64_MAX } from "@sealroom/hash-chain";
import {
  decodeBase64 as base64Decode,
  encodeBase64,
  encodeBase64UrlNoPad,
} from "@sealroom/hash-chain/base64";
import {
  ed25519,
  generateNoteKey,
  NoteSignatureType,
  parseSignerKey,
  type SignerKey,
  type VerifierKey,
} from "@sealroom/prefix-tree/note";
import { type Ed25519Backend, verifyEd25519 } from "./ed25519.ts";
import { sha256 } from "./sha256.ts";

export const APPEND_AUTH_HEADER = "sealroom-append/v1";
export const UPLOAD_AUTH_HEADER = "sealroom-upload/v1";
/** HTTP header carrying base64(Ed25519 signature). */
export const SIGNATURE_HEADER = "Sealroom-Signature";
/** HTTP header carrying the expected position of an append. */
export const POSITION_HEADER = "Sealroom-Append-Position";
/** HTTP header naming the uploading domain. */
export const DOMAIN_HEADER = "Sealroom-Domain";

const utf8 = new TextEncoder();

export interface AppendAuthInput {
  domain: string;
  position: bigint;
  body: Uint8Array;
}

export interface UploadAuthInput {
  domain: string;
  /** SHA-256 of the uploaded bytes. */
  digest: Uint8Array;
}

function checkDomain(d: string): void {
  if (typeof d !== "string" || d.length === 0 || d.length > 253 || /[^a-z0-9.-]/.test(d))
    throw new RangeError('"domain" must be a lowercase A-label domain');
}

/** The exact bytes an append signature covers. */
export function appendMessage(i: AppendAuthInput): Uint8Array {
  checkDomain(i.domain);
  if (typeof i.position !== "bigint" || i.position < 0n || i.position > U64_MAX)
    throw new RangeError('"position" must be a u64 bigint');
  if (!(i.body instanceof Uint8Array)) throw new TypeError('"body" must be a Uint8Array');
  return utf8.encode(`${APPEND_AUTH_HEADER}\n${i.domain}\n${i.position}\n${encodeBase64(sha256(i.body))}\n`);
}

/** The exact bytes an upload signature covers. */
export function uploadMessage(i: UploadAuthInput): Uint8Array {
  checkDomain(i.domain);
  if (!(i.digest instanceof Uint8Array) || i.digest.length !== 32)
    throw new RangeError('"digest" must be 32 bytes');
  return utf8.encode(`${UPLOAD_AUTH_HEADER}\n${i.domain}\nsha256-${encodeBase64UrlNoPad(i.digest)}\n`);
}

/**
 * An append signer key (`PRIVATE+KEY+<domain>+…`, text or parsed) checked to be Ed25519 (type
 * 0x01): what `signAppend`/`signUpload` take, for callers that want to refuse a bad key up front.
 */
export function parseAppendSignerKey(key: SignerKey | string): SignerKey {
  const k = typeof key === "string" ? parseSignerKey(key.trim()) : key;
  if (k.type !== NoteSignatureType.Ed25519 || k.secretKey.length !== 32)
    throw new RangeError('"key" must be an Ed25519 (type 0x01) signer key');
  return k;
}

/** Signs an append with the site's append signer key (`PRIVATE+KEY+<domain>+…`). */
export function signAppend(key: SignerKey | string, i: AppendAuthInput): Uint8Array {
  return ed25519().sign(appendMessage(i), parseAppendSignerKey(key).secretKey);
}

/** Signs an upload with the site's append signer key. */
export function signUpload(key: SignerKey | string, i: UploadAuthInput): Uint8Array {
  return ed25519().sign(uploadMessage(i), parseAppendSignerKey(key).secretKey);
}

/** Decodes the `Sealroom-Signature` header value: canonical base64 of 64 bytes, else undefined. */
export function decodeSignatureHeader(v: string | null | undefined): Uint8Array | undefined {
  if (typeof v !== "string" || v.length !== 88) return undefined;
  const b = base64Decode(v);
  return b !== undefined && b.length === 64 ? b : undefined;
}

/** Decodes `Sealroom-Append-Position`: a canonical decimal u64, else undefined. */
export function decodePositionHeader(v: string | null | undefined): bigint | undefined {
  if (typeof v !== "string" || !/^(?:0|[1-9][0-9]{0,19})$/.test(v)) return undefined;
  const n = BigInt(v);
  return n <= U64_MAX ? n : undefined;
}

function checkKey(key: VerifierKey): boolean {
  return key.type === NoteSignatureType.Ed25519 && key.publicKey.length === 32;
}

/** True iff `sig` is the append key's signature on `i`. Never throws for bad signatures. */
export async function verifyAppend(
  key: VerifierKey,
  sig: Uint8Array,
  i: AppendAuthInput,
  backend?: Ed25519Backend,
): Promise<boolean> {
  return checkKey(key) && verifyEd25519(sig, appendMessage(i), key.publicKey, backend);
}

/** True iff `sig` is the append key's signature on upload `i`. */
export async function verifyUpload(
  key: VerifierKey,
  sig: Uint8Array,
  i: UploadAuthInput,
  backend?: Ed25519Backend,
): Promise<boolean> {
  return checkKey(key) && verifyEd25519(sig, uploadMessage(i), key.publicKey, backend);
}

/** A fresh append key for `domain`: signer text (secret, keep it) and the vkey for the well-known doc. */
export function generateAppendKey(
  domain: string,
  seed?: Uint8Array,
): { signerKey: string; verifierKey: string } {
  checkDomain(domain);
  return generateNoteKey(domain, seed);
}

/** The verifier key text matching a signer key text (for writing the well-known document). */
export function appendVerifierKey(signerKey: string): string {
  const s = parseAppendSignerKey(signerKey);
  return generateNoteKey(s.name, s.secretKey).verifierKey;
}
