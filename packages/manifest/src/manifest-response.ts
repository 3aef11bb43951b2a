/**
 * The manifest response body (waict-integrity v2 "Fetching Manifests"), media type
 * `application/waict-integrity-manifest`:
 *
 *     manifest | U+000A | transparency_proof | U+000A
 *
 * `manifest` is one line of UTF-8 JSON and `transparency_proof` the standard base64 of a
 * `ChainHeadWithProof` (waict-proofs.md). The parse is unique because neither part may contain a
 * newline. The draft says a response with fewer than two newlines is rejected; it does not say what
 * follows the second newline, so Sealroom rejects any trailing byte (one response, one encoding).
 */

import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import { InvalidManifestError, ProofDecodeError } from "./errors.ts";
import { decodeUtf8, MAX_MANIFEST_BYTES } from "./manifest.ts";

export const MANIFEST_MEDIA_TYPE = "application/waict-integrity-manifest";

/** Largest response accepted: the manifest cap plus a generous proof (2^24 B note + tree proof). */
export const MAX_RESPONSE_BYTES = MAX_MANIFEST_BYTES + 24 * 1024 * 1024;

export interface ManifestResponse {
  /** Exact bytes of the manifest line (without its newline): what `resource_hash` commits to. */
  manifestBytes: Uint8Array;
  /** The manifest line as text. */
  manifestText: string;
  /** The proof line as text (may be empty when transparency is off, see integrity "Validating Manifests"). */
  proofText: string;
}

/** Splits a response body. Throws `InvalidManifestError` on framing or UTF-8 errors. */
export function decodeManifestResponse(body: Uint8Array): ManifestResponse {
  if (body.length > MAX_RESPONSE_BYTES)
    throw new InvalidManifestError("too_large", "manifest response too large");
  const nl1 = body.indexOf(0x0a);
  if (nl1 === -1) throw new InvalidManifestError("framing", "manifest response has no newline", body.length);
  const nl2 = body.indexOf(0x0a, nl1 + 1);
  if (nl2 === -1)
    throw new InvalidManifestError("framing", "manifest response has only one newline", body.length);
  if (nl2 !== body.length - 1)
    throw new InvalidManifestError("framing", "bytes after the transparency proof line", nl2 + 1);
  const manifestBytes = body.subarray(0, nl1);
  const manifestText = decodeUtf8(manifestBytes);
  // The proof line is base64, so anything outside ASCII is already an error; decodeUtf8 keeps the
  // "invalid UTF-8 -> reject the response" rule exact for the whole body.
  const proofText = decodeUtf8(body.subarray(nl1 + 1, nl2));
  return { manifestBytes, manifestText, proofText };
}

/** Decodes the proof line's base64. Throws `ProofDecodeError` (`invalid_transparency_proof`). */
export function decodeProofLine(proofText: string): Uint8Array {
  if (proofText === "") throw new ProofDecodeError("empty", "the transparency proof line is empty");
  const b = decodeBase64(proofText);
  if (b === undefined) throw new ProofDecodeError("bad_base64", "the transparency proof line is not base64");
  return b;
}

/** Builds a response body from the exact manifest line and an encoded `ChainHeadWithProof`. */
export function encodeManifestResponse(manifest: string | Uint8Array, proof: Uint8Array): Uint8Array {
  const m = typeof manifest === "string" ? new TextEncoder().encode(manifest) : manifest;
  if (m.includes(0x0a)) throw new RangeError('"manifest" must not contain a newline');
  const p = new TextEncoder().encode(proof.length === 0 ? "" : encodeBase64(proof));
  const out = new Uint8Array(m.length + 1 + p.length + 1);
  out.set(m, 0);
  out[m.length] = 0x0a;
  out.set(p, m.length + 1);
  out[out.length - 1] = 0x0a;
  return out;
}
