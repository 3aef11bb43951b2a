/**
 * A plain RFC 9605 key store (§4.4.1): KID -> base_key, each marked for encryption or decryption, never
 * both; a CTR per encryption KID, starting at 0 or where a sender left off; `encrypt`/`decrypt` as in
 * §4.4.3–§4.4.4. RFC 9605 §9.1 requires that a counter never repeats for a key: a sender that keeps a
 * key across restarts persists `nextCounter(kid)` before sending with it and passes it back as
 * `addKey(…, { counter })`.
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

  /**
   * Registers `baseKey` under `kid` for one usage (RFC 9605 §4.4.1: never both). For an encryption
   * key, `options.counter` (a u64, default 0) is the CTR of its next frame: resume a key with the
   * value `nextCounter(kid)` had, so no counter repeats (§9.1).
   */
  addKey(
    kid: bigint,
    baseKey: Uint8Array,
    usage: "encrypt" | "decrypt",
    options: { counter?: bigint } = {},
  ): void {
    if (this.#keys.has(kid)) throw new RangeError(`"kid" ${kid} already has a key`);
    const ctr = options.counter ?? 0n;
    if (typeof ctr !== "bigint" || ctr < 0n || ctr > U64_MAX)
      throw new RangeError('"counter" must be a u64 bigint');
    if (usage !== "encrypt" && ctr !== 0n) throw new RangeError('"counter" applies to encryption keys only');
    this.#keys.set(kid, { usage, key: createSFrameKey(this.suite, kid, baseKey), ctr });
  }

  /** CTR the next `encrypt` under `kid` will use (persist it to resume the key later, §9.1). */
  nextCounter(kid: bigint): bigint {
    const entry = this.#keys.get(kid);
    if (entry === undefined || entry.usage !== "encrypt")
      throw new MlsFramesError("unknown-kid", `no encryption key for KID ${kid}`);
    return entry.ctr;
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
