/**
 * SFrame encryption and decryption, RFC 9605 §4.4.3–§4.4.4, on keys derived once per KID.
 *
 *   nonce  = sframe_salt XOR encode_big_endian(CTR, Nn)
 *   aad    = header || metadata
 *   output = header || AEAD.Encrypt(sframe_key, nonce, aad, plaintext)
 *
 * `sealSFrame` can also place a clear prefix in front of the header (Sealroom's media layout, see
 * clear-prefix.ts): `prefix || header || ciphertext`, with the prefix passed as (part of) the metadata so
 * it is authenticated.
 */
import type { AeadKey } from "./aead.ts";
import { importAeadKey } from "./aead.ts";
import { U64_MAX } from "./bytes.ts";
import { type CipherSuiteParams, cipherSuiteParams } from "./cipher-suite.ts";
import { deriveKeySalt } from "./key-derivation.ts";
import { headerLength, writeSFrameHeader } from "./sframe-header.ts";

/** Everything needed to encrypt or decrypt under one KID; built once per KID and cached by callers. */
export interface SFrameKey {
  readonly kid: bigint;
  readonly params: CipherSuiteParams;
  readonly aead: AeadKey;
  readonly salt: Uint8Array;
}

/** Derives the key and salt for `kid` from `baseKey` and imports the CryptoKeys (RFC 9605 §4.4.2). */
export async function createSFrameKey(suite: number, kid: bigint, baseKey: Uint8Array): Promise<SFrameKey> {
  const params = cipherSuiteParams(suite);
  const { key, salt } = await deriveKeySalt(params, kid, baseKey);
  const aead = await importAeadKey(params, key);
  key.fill(0);
  return { kid, params, aead, salt };
}

/** nonce = salt XOR CTR, CTR big-endian in Nn bytes (RFC 9605 §4.4.3). */
export function sframeNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  const nonce = salt.slice();
  if (ctr <= SAFE) {
    // Per-frame path: Number arithmetic, no BigInt allocations.
    let n = Number(ctr);
    for (let i = nonce.length - 1; i >= 0 && n > 0; i--) {
      nonce[i] = (nonce[i] as number) ^ (n % 256);
      n = Math.floor(n / 256);
    }
    return nonce;
  }
  let v = ctr;
  for (let i = nonce.length - 1; i >= 0 && v > 0n; i--) {
    nonce[i] = (nonce[i] as number) ^ Number(v & 0xffn);
    v >>= 8n;
  }
  return nonce;
}

/**
 * Encrypts `plaintext` under `key` with counter `ctr`. Returns `prefix || header || ciphertext`, where the
 * AAD is `header || metadata`. RFC 9605's `encrypt()` is the case `prefix` = empty.
 */
export function sealSFrame(
  key: SFrameKey,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
  prefix: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  if (ctr < 0n || ctr > U64_MAX) return Promise.reject(new RangeError(`"ctr" must be a u64`));
  const hLen = headerLength(key.kid, ctr);
  const aad = new Uint8Array(hLen + metadata.length);
  writeSFrameHeader(aad, 0, key.kid, ctr);
  aad.set(metadata, hLen);
  return key.aead.seal(sframeNonce(key.salt, ctr), aad, plaintext).then((ct) => {
    const out = new Uint8Array(prefix.length + hLen + ct.length);
    out.set(prefix, 0);
    out.set(aad.subarray(0, hLen), prefix.length);
    out.set(ct, prefix.length + hLen);
    return out;
  });
}

/**
 * Decrypts the ciphertext part (after the header) given the parsed header. `header` is the exact header
 * bytes seen on the wire, so the AAD matches what the sender authenticated. Returns null on a bad tag.
 */
export function openSFrame(
  key: SFrameKey,
  ctr: bigint,
  header: Uint8Array,
  metadata: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array | null> {
  const aad = new Uint8Array(header.length + metadata.length);
  aad.set(header, 0);
  aad.set(metadata, header.length);
  return key.aead.open(sframeNonce(key.salt, ctr), aad, ciphertext);
}

const EMPTY = new Uint8Array(0);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
