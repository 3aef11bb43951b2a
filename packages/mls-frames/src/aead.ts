/**
 * The AEADs of RFC 9605 §4.5 on WebCrypto (`globalThis.crypto.subtle`), so the same code runs in
 * browsers, Workers and Node.
 *
 * - AES-GCM (suites 4, 5): WebCrypto AES-GCM with a 128-bit tag, except for small frames, which go
 *   through @noble/ciphers' synchronous AES-GCM (NIST SP 800-38D, the same bytes: GCM is
 *   deterministic). WebCrypto's fixed cost per call (a promise, a job on another thread, a copy)
 *   dominates a ~100-byte audio frame; noble's per-call key schedule and GHASH setup is cheaper
 *   there in Node, and WebCrypto's native AES wins on large video frames (issue 12, `pnpm bench` "AEAD
 *   per frame size"). In Chromium WebCrypto is the cheaper path at every size (its calls are cheap and
 *   run on the renderer's own crypto thread; tooling/e2e `bench frames`), so the synchronous path is
 *   used in Node only: `SYNC_GCM_MAX_BYTES` is 512 there and 0 elsewhere.
 * - AES-CTR + HMAC (suites 1–3, §4.5.1): encrypt-then-MAC. The AES key is the first Nka bytes of the
 *   SFrame key, the HMAC key the remaining Nh bytes; the CTR initial counter block is `nonce || 0x00000000`
 *   and the tag is HMAC(auth_key, len(aad) || len(ct) || Nt || nonce || aad || ct) truncated to Nt bytes.
 *   WebCrypto cannot verify a truncated HMAC, so the tag is recomputed and compared in constant time.
 *
 * CryptoKeys are imported once (non-extractable) when the `AeadKey` is built and reused for every frame.
 */
import { gcm as nobleGcm } from "@noble/ciphers/aes.js";
import { asBufferSource, bufferSource, constantTimeEqual } from "./bytes.ts";
import type { CipherSuiteParams } from "./cipher-suite.ts";

export interface AeadKey {
  readonly params: CipherSuiteParams;
  /** AEAD.Encrypt: returns ciphertext || tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** AEAD.Decrypt: returns the plaintext, or null when authentication fails (never throws for that). */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | null>;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new Error("WebCrypto (globalThis.crypto.subtle) is not available");
  return s;
}

/** Node.js (where WebCrypto's per-call cost is high), not a browser, Worker or other runtime. */
const IS_NODE =
  typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node ===
    "string" &&
  !("WorkerGlobalScope" in globalThis) &&
  !("document" in globalThis);

/**
 * AES-GCM frames whose plaintext (seal) or ciphertext (open) is at most this many bytes take the
 * synchronous @noble/ciphers path; larger ones WebCrypto. Node 24 (CPU per frame, packages/mls-frames
 * bench): noble ~30 µs up to ~300 B against WebCrypto's ~50-110 µs, so 512. Chromium (CPU per seal +
 * open, tooling/e2e bench frames, 2026-12-02): WebCrypto 28-46 µs at 64 B-1 KB against noble's
 * 78-263 µs, so 0: browsers use WebCrypto only.
 */
export const SYNC_GCM_MAX_BYTES = IS_NODE ? 512 : 0;

export interface AeadOptions {
  /** Override `SYNC_GCM_MAX_BYTES` (0: WebCrypto only; Infinity: noble only). Tests and benches. */
  syncMaxBytes?: number;
}

/** Imports `key` (AEAD.Nk bytes) for the suite's AEAD. */
export async function importAeadKey(
  params: CipherSuiteParams,
  key: Uint8Array,
  options: AeadOptions = {},
): Promise<AeadKey> {
  if (key.length !== params.Nk) throw new RangeError(`"key" must be ${params.Nk} bytes for ${params.name}`);
  return params.aead === "AES-GCM"
    ? importGcm(params, key, options.syncMaxBytes ?? SYNC_GCM_MAX_BYTES)
    : importCtrHmac(params, key);
}

async function importGcm(params: CipherSuiteParams, key: Uint8Array, syncMax: number): Promise<AeadKey> {
  const s = subtle();
  const k = await s.importKey("raw", bufferSource(key), "AES-GCM", false, ["encrypt", "decrypt"]);
  // Both GCM suites of RFC 9605 (4, 5) have a 16-byte tag (Nt): noble's GCM tag length and
  // WebCrypto's default (128 bits, so `tagLength` is left out: a dictionary member less per call).
  // The sync path needs the raw key in memory (a copy, as long as this AeadKey lives).
  const raw = syncMax > 0 ? key.slice() : undefined;
  const gcm = (iv: Uint8Array, aad: Uint8Array): AesGcmParams => ({
    name: "AES-GCM",
    iv: asBufferSource(iv),
    additionalData: asBufferSource(aad),
  });
  return {
    params,
    // Plain promise chains rather than async functions: one fewer async frame per media frame.
    seal(nonce, aad, plaintext) {
      if (raw !== undefined && plaintext.length <= syncMax) {
        try {
          return Promise.resolve(nobleGcm(raw, nonce, aad).encrypt(plaintext));
        } catch (e) {
          return Promise.reject(e);
        }
      }
      return s.encrypt(gcm(nonce, aad), k, asBufferSource(plaintext)).then((ct) => new Uint8Array(ct));
    },
    open(nonce, aad, ciphertext) {
      if (ciphertext.length < params.Nt) return Promise.resolve(null);
      if (raw !== undefined && ciphertext.length <= syncMax) {
        try {
          return Promise.resolve(nobleGcm(raw, nonce, aad).decrypt(ciphertext));
        } catch {
          return Promise.resolve(null); // bad tag: RFC 9605 §4.4.4 says discard
        }
      }
      return s.decrypt(gcm(nonce, aad), k, asBufferSource(ciphertext)).then(
        (pt) => new Uint8Array(pt),
        // WebCrypto signals a bad tag with an OperationError; RFC 9605 §4.4.4 says discard.
        () => null,
      );
    },
  };
}

function u64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 2 ** 32));
  view.setUint32(at + 4, value >>> 0);
}

async function importCtrHmac(params: CipherSuiteParams, key: Uint8Array): Promise<AeadKey> {
  const s = subtle();
  // §4.5.1 derive_subkeys: enc_key = key[..Nka], auth_key = key[Nka..].
  const encKey = await s.importKey("raw", bufferSource(key.slice(0, params.Nka)), "AES-CTR", false, [
    "encrypt",
    "decrypt",
  ]);
  const authKey = await s.importKey(
    "raw",
    bufferSource(key.slice(params.Nka)),
    { name: "HMAC", hash: params.hash },
    false,
    ["sign"],
  );
  const Nt = params.Nt;

  async function computeTag(nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Promise<Uint8Array> {
    const authData = new Uint8Array(24 + nonce.length + aad.length + ct.length);
    const view = new DataView(authData.buffer);
    u64(view, 0, aad.length);
    u64(view, 8, ct.length);
    u64(view, 16, Nt);
    authData.set(nonce, 24);
    authData.set(aad, 24 + nonce.length);
    authData.set(ct, 24 + nonce.length + aad.length);
    const mac = await s.sign("HMAC", authKey, authData);
    return new Uint8Array(mac, 0, Nt);
  }

  function counterBlock(nonce: Uint8Array): Uint8Array<ArrayBuffer> {
    // initial_counter = nonce || 0x00000000; only the low 32 bits count (frames are < 2^36 bytes).
    const block = new Uint8Array(16);
    block.set(nonce, 0);
    return block;
  }

  return {
    params,
    async seal(nonce, aad, plaintext) {
      const ct = new Uint8Array(
        await s.encrypt(
          { name: "AES-CTR", counter: counterBlock(nonce), length: 32 },
          encKey,
          bufferSource(plaintext),
        ),
      );
      const tag = await computeTag(nonce, aad, ct);
      const out = new Uint8Array(ct.length + Nt);
      out.set(ct, 0);
      out.set(tag, ct.length);
      return out;
    },
    async open(nonce, aad, ciphertext) {
      if (ciphertext.length < Nt) return null;
      const inner = ciphertext.subarray(0, ciphertext.length - Nt);
      const tag = ciphertext.subarray(ciphertext.length - Nt);
      const candidate = await computeTag(nonce, aad, inner);
      if (!constantTimeEqual(tag, candidate)) return null;
      const pt = await s.decrypt(
        { name: "AES-CTR", counter: counterBlock(nonce), length: 32 },
        encKey,
        bufferSource(inner),
      );
      return new Uint8Array(pt);
    },
  };
}
