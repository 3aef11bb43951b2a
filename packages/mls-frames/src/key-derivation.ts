/**
 * SFrame key and salt derivation, RFC 9605 §4.4.2:
 *
 *   sframe_secret = HKDF-Extract("", base_key)
 *   sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key "  || u64 KID || u16 suite, Nk)
 *   sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " || u64 KID || u16 suite, Nn)
 *
 * WebCrypto's HKDF `deriveBits` is Extract-then-Expand in one call; an empty salt is HMAC's all-zero key,
 * exactly HKDF-Extract("", ·). The labels carry the KID as 8 bytes (not the compact header form).
 */
import { bufferSource } from "./bytes.ts";
import type { CipherSuiteParams } from "./cipher-suite.ts";

const KEY_LABEL = new TextEncoder().encode("SFrame 1.0 Secret key ");
const SALT_LABEL = new TextEncoder().encode("SFrame 1.0 Secret salt ");

/** The label bytes of §4.4.2 (exposed for the RFC vectors, which list them). */
export function sframeLabel(kind: "key" | "salt", kid: bigint, suite: number): Uint8Array {
  const prefix = kind === "key" ? KEY_LABEL : SALT_LABEL;
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(prefix.length, kid);
  view.setUint16(prefix.length + 8, suite);
  return out;
}

/** Derives (sframe_key, sframe_salt) for one KID from its base_key. */
export async function deriveKeySalt(
  params: CipherSuiteParams,
  kid: bigint,
  baseKey: Uint8Array,
): Promise<{ key: Uint8Array; salt: Uint8Array }> {
  const s = globalThis.crypto.subtle;
  const ikm = await s.importKey("raw", bufferSource(baseKey), "HKDF", false, ["deriveBits"]);
  const salt = new Uint8Array(0);
  const [key, nonceSalt] = await Promise.all([
    s.deriveBits(
      { name: "HKDF", hash: params.hash, salt, info: bufferSource(sframeLabel("key", kid, params.id)) },
      ikm,
      params.Nk * 8,
    ),
    s.deriveBits(
      { name: "HKDF", hash: params.hash, salt, info: bufferSource(sframeLabel("salt", kid, params.id)) },
      ikm,
      params.Nn * 8,
    ),
  ]);
  return { key: new Uint8Array(key), salt: new Uint8Array(nonceSalt) };
}
