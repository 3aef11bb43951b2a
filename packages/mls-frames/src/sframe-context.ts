/**
 * A plain RFC 9605 key store (§4.4.1): KID -> base_key, each marked for encryption or decryption, never
 * both; a CTR per encryption KID starting at 0; `encrypt`/`decrypt` as in §4.4.3–§4.4.4.
 *
 * This is the generic SFrame API (used by the RFC vectors and by callers with their own key management).
 * Sealroom's media path uses `FrameCryptor` (frame-cryptor.ts), which adds MLS epochs, codec prefixes,
 * replay windows and drop counters on top of the same primitives.
 */
import { U64_MAX } from "./bytes.ts";
import { DEFAULT_CIPHER_SUITE } from "./cipher-suite.ts";
import { AuthenticationError, MlsFramesError } from "./errors.ts";
import { createSFrameKey, openSFrame, type SFrameKey, sealSFrame } from "./sframe.ts";
import { readSFrameHeader } from "./sframe-header.ts";

interface Entry {
  readonly usage: "encrypt" | "decrypt";
  readonly key: Promise<SFrameKey>;
  ctr: bigint;
}

export class SFrameContext {
  readonly suite: number;
  readonly #keys = new Map<bigint, Entry>();

  constructor(suite: number = DEFAULT_CIPHER_SUITE) {
    this.suite = suite;
  }

  /** Registers `baseKey` under `kid` for one usage (RFC 9605 §4.4.1: never both). */
  addKey(kid: bigint, baseKey: Uint8Array, usage: "encrypt" | "decrypt"): void {
    if (this.#keys.has(kid)) throw new RangeError(`"kid" ${kid} already has a key`);
    this.#keys.set(kid, { usage, key: createSFrameKey(this.suite, kid, baseKey), ctr: 0n });
  }

  removeKey(kid: bigint): void {
    this.#keys.delete(kid);
  }

  /** header || ciphertext for the next CTR of `kid`. */
  async encrypt(kid: bigint, metadata: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const entry = this.#keys.get(kid);
    if (entry === undefined || entry.usage !== "encrypt")
      throw new MlsFramesError("unknown-kid", `no encryption key for KID ${kid}`);
    // RFC 9605 §9.4: never encrypt twice under one (key, nonce).
    if (entry.ctr > U64_MAX) throw new MlsFramesError("ctr-exhausted", `CTR space of KID ${kid} is used up`);
    const ctr = entry.ctr++;
    return sealSFrame(await entry.key, ctr, metadata, plaintext);
  }

  /** Plaintext of an SFrame ciphertext; throws DecodeError, MlsFramesError("unknown-kid") or AuthenticationError. */
  async decrypt(metadata: Uint8Array, sframeCiphertext: Uint8Array): Promise<Uint8Array> {
    const { kid, ctr, length } = readSFrameHeader(sframeCiphertext, 0);
    const entry = this.#keys.get(kid);
    if (entry === undefined || entry.usage !== "decrypt")
      throw new MlsFramesError("unknown-kid", `no decryption key for KID ${kid}`);
    const pt = await openSFrame(
      await entry.key,
      ctr,
      sframeCiphertext.subarray(0, length),
      metadata,
      sframeCiphertext.subarray(length),
    );
    if (pt === null) throw new AuthenticationError();
    return pt;
  }
}
