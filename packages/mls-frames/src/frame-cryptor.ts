/**
 * Per-frame media encryption keyed from MLS epochs: RFC 9605 SFrame with the MLS key schedule of §5.2,
 * codec clear prefixes (clear-prefix.ts), replay windows and an epoch grace period.
 *
 * - Sending: the current epoch's base key, KID = (context, own leaf, epoch low bits); one CTR sequence per
 *   KID starting at 0 (so (KID, CTR) is never reused: a new epoch means a new KID and a new key).
 * - Receiving: the epoch is found from the KID's low E bits among the epochs held — the current one and,
 *   for `graceMs` (default 10 s, DESIGN "Epoch switch") after a switch, the previous one. Then the sender
 *   index must be a member of that epoch other than ourselves (RFC 9605 §4.4.1: a key is for encryption
 *   or decryption, never both), the CTR must be fresh in the KID's replay window, and the tag must verify.
 * - Keys: `CryptoKey`s and salt are derived once per KID, on first use, and cached with the epoch; when an
 *   epoch is dropped its base key is zeroed and its keys are released.
 * - Never throws from `encryptFrame`/`decryptFrame`: failures come back as `{ ok: false, reason }` and are
 *   counted in `stats`.
 */

import { type CipherSuite, type CipherSuiteParams, cipherSuiteParams } from "./cipher-suite.ts";
import { type Codec, clearPrefixLength, parseCodec } from "./clear-prefix.ts";
import { DropReason, emptyStats, type FrameResult, type FrameStats } from "./drop-reasons.ts";
import type { EpochKeys } from "./epoch-keys.ts";
import { DecodeError } from "./errors.ts";
import { DEFAULT_EPOCH_BITS, decodeMlsKid, encodeMlsKid, senderIndexBits } from "./mls-kid.ts";
import { MAX_WINDOW_CTR, ReplayWindow } from "./replay-window.ts";
import { createSFrameKey, openSFrame, type SFrameKey, sealSFrame } from "./sframe.ts";
import { readSFrameHeader } from "./sframe-header.ts";

/** Highest CTR a sender uses: the replay window works below 2^53 (see replay-window.ts). */
const MAX_CTR = BigInt(MAX_WINDOW_CTR);
/** Shortest tag of any RFC 9605 suite (suite 3, 4 bytes): a frame shorter than header + this is truncated. */
const MIN_TAG = 4;

export interface FrameCryptorOptions {
  /** E, the epoch bits in the KID (§5.2); default 4. */
  epochBits?: number;
  /** How long the previous epoch's receive keys stay usable after a switch; default 10 000 ms. */
  graceMs?: number;
  /** Replay window size per KID, in frames; default 256. */
  replayWindow?: number;
  /** Highest stream context accepted in a received KID; default 15. Bounds the per-epoch key cache. */
  maxContext?: number;
  /**
   * Millisecond clock for `graceMs` (tests inject one); default `Date.now`. Named `clockMs`, not
   * `now`: in every Sealroom API `now` is Unix seconds (docs/architecture.md "Time").
   */
  clockMs?: () => number;
}

interface SendState {
  readonly kid: bigint;
  readonly key: Promise<SFrameKey>;
  /** The key once derived, so the per-frame path skips an await. */
  ready: SFrameKey | undefined;
  ctr: bigint;
}

interface RecvState {
  readonly key: Promise<SFrameKey>;
  ready: SFrameKey | undefined;
  readonly window: ReplayWindow;
  readonly senderLeaf: number;
}

interface EpochState {
  readonly epoch: bigint;
  /** The epoch's SFrame suite (from `EpochKeys.suite`, itself a function of the MLS suite). */
  readonly params: CipherSuiteParams;
  readonly low: number;
  readonly baseKey: Uint8Array;
  readonly ownLeaf: number;
  readonly members: ReadonlySet<number>;
  readonly indexBits: number;
  /** ms timestamp after which receive keys are refused; Infinity for the current epoch. */
  expiresAt: number;
  readonly send: Map<bigint, SendState>;
  readonly recv: Map<bigint, RecvState>;
}

export class FrameCryptor {
  readonly epochBits: number;
  readonly graceMs: number;
  readonly replayWindow: number;
  readonly maxContext: number;
  readonly #now: () => number;
  /** (1 << E) - 1, precomputed: the receive path extracts the epoch bits of every KID. */
  readonly #epochMask: bigint;
  /** Held epochs, newest last. */
  #epochs: EpochState[] = [];
  #stats: FrameStats = emptyStats();
  /** parseCodec results per codec string seen (a handful per call), to keep string work off the hot path. */
  readonly #codecs = new Map<string, Codec | null>();

  constructor(options: FrameCryptorOptions = {}) {
    this.epochBits = options.epochBits ?? DEFAULT_EPOCH_BITS;
    if (!Number.isInteger(this.epochBits) || this.epochBits < 1 || this.epochBits > 16) {
      throw new RangeError(`"epochBits" must be 1..16`);
    }
    this.#epochMask = (1n << BigInt(this.epochBits)) - 1n;
    this.graceMs = options.graceMs ?? 10_000;
    this.replayWindow = options.replayWindow ?? 256;
    this.maxContext = options.maxContext ?? 15;
    if ("now" in options) throw new TypeError('"now" was renamed "clockMs" (a millisecond clock)');
    this.#now = options.clockMs ?? Date.now;
  }

  /** The current (sending) epoch, if any. */
  get epoch(): bigint | undefined {
    return this.#epochs.at(-1)?.epoch;
  }

  /** SFrame suite of the current (sending) epoch, if any. */
  get suite(): CipherSuite | undefined {
    return this.#epochs.at(-1)?.params.id;
  }

  /** A snapshot of the counters. */
  get stats(): FrameStats {
    return { ...this.#stats };
  }

  /**
   * Installs a new epoch: sending switches to it at once; the previous epoch keeps decrypting for
   * `graceMs`. Epochs must increase. An older epoch with the same low E bits is removed first (RFC 9605
   * §5.2: receivers MUST remove it). The SFrame suite comes with the keys (`keys.suite`), so it cannot
   * disagree with the base key's length. Throws RangeError/TypeError on bad input (this is control plane).
   */
  setEpoch(keys: EpochKeys): void {
    if (typeof keys.epoch !== "bigint" || keys.epoch < 0n)
      throw new TypeError(`"epoch" must be a u64 bigint`);
    const params = cipherSuiteParams(keys.suite);
    if (!(keys.baseKey instanceof Uint8Array) || keys.baseKey.length !== params.Nk) {
      throw new RangeError(`"baseKey" must be ${params.Nk} bytes for SFrame suite ${params.id}`);
    }
    if (!keys.leaves.includes(keys.ownLeaf)) throw new RangeError(`"ownLeaf" must be one of "leaves"`);
    const current = this.#epochs.at(-1);
    if (current !== undefined && keys.epoch <= current.epoch) {
      throw new RangeError(`epoch ${keys.epoch} is not newer than the current epoch ${current.epoch}`);
    }
    const now = this.#now();
    const low = Number(keys.epoch & this.#epochMask);
    if (current !== undefined) current.expiresAt = now + this.graceMs;
    const kept: EpochState[] = [];
    for (const e of this.#epochs) {
      if (e.low === low || e.expiresAt <= now) this.#forget(e);
      else kept.push(e);
    }
    kept.push({
      epoch: keys.epoch,
      params,
      low,
      baseKey: keys.baseKey.slice(),
      ownLeaf: keys.ownLeaf,
      members: new Set(keys.leaves),
      indexBits: senderIndexBits(keys.leaves),
      expiresAt: Number.POSITIVE_INFINITY,
      send: new Map(),
      recv: new Map(),
    });
    this.#epochs = kept;
  }

  /** Drops every epoch and key (e.g. on leaving the call). */
  clear(): void {
    for (const e of this.#epochs) this.#forget(e);
    this.#epochs = [];
  }

  #forget(e: EpochState): void {
    e.baseKey.fill(0);
    e.send.clear();
    e.recv.clear();
  }

  #codec(name: Codec | string): Codec | null {
    let c = this.#codecs.get(name);
    if (c === undefined) {
      try {
        c = parseCodec(name);
      } catch {
        c = null;
      }
      if (this.#codecs.size < 64) this.#codecs.set(name, c);
    }
    return c;
  }

  #drop(reason: DropReason): FrameResult {
    this.#stats[reason]++;
    return { ok: false, reason };
  }

  /** The KID this cryptor uses for stream `context` in the current epoch. */
  sendKid(context = 0n): bigint | undefined {
    const e = this.#epochs.at(-1);
    return e === undefined
      ? undefined
      : encodeMlsKid(context, e.ownLeaf, e.epoch, e.indexBits, this.epochBits);
  }

  /**
   * Encrypts one encoded frame: `clear prefix || SFrame header || ciphertext || tag`. `codec` is a
   * `Codec`, a codec name or a MIME type; `context` identifies the outbound stream (0 = audio, 1 = video…).
   * An empty frame is returned untouched.
   */
  async encryptFrame(frame: Uint8Array, codec: Codec | string, context = 0n): Promise<FrameResult> {
    try {
      if (frame.length === 0) {
        this.#stats.passedEmpty++;
        return { ok: true, data: frame };
      }
      const c = this.#codec(codec);
      if (c === null) return this.#drop(DropReason.unsupportedCodec);
      const e = this.#epochs.at(-1);
      if (e === undefined) return this.#drop(DropReason.noSendKey);
      const prefixLen = clearPrefixLength(c, frame);
      if (frame.length < prefixLen) return this.#drop(DropReason.malformedFrame);
      let s = e.send.get(context);
      if (s === undefined) {
        const kid = encodeMlsKid(context, e.ownLeaf, e.epoch, e.indexBits, this.epochBits);
        s = { kid, key: createSFrameKey(e.params.id, kid, e.baseKey), ready: undefined, ctr: 0n };
        e.send.set(context, s);
      }
      if (s.ctr > MAX_CTR) return this.#drop(DropReason.ctrOutOfRange);
      const ctr = s.ctr++;
      const prefix = frame.subarray(0, prefixLen);
      if (s.ready === undefined) s.ready = await s.key;
      const data = await sealSFrame(s.ready, ctr, prefix, frame.subarray(prefixLen), prefix);
      this.#stats.encrypted++;
      return { ok: true, data, kid: s.kid, senderLeaf: e.ownLeaf };
    } catch {
      return this.#drop(DropReason.internal);
    }
  }

  /** Decrypts one frame produced by `encryptFrame` of another member; never throws. */
  async decryptFrame(frame: Uint8Array, codec: Codec | string): Promise<FrameResult> {
    try {
      if (frame.length === 0) {
        this.#stats.passedEmpty++;
        return { ok: true, data: frame };
      }
      const c = this.#codec(codec);
      if (c === null) return this.#drop(DropReason.unsupportedCodec);
      const prefixLen = clearPrefixLength(c, frame);
      // The smallest tag any suite has (4 bytes, suite 3); the epoch's own Nt is checked below.
      if (frame.length < prefixLen + 1 + MIN_TAG) return this.#drop(DropReason.truncated);
      let kid: bigint;
      let ctr: bigint;
      let hLen: number;
      try {
        ({ kid, ctr, length: hLen } = readSFrameHeader(frame, prefixLen));
      } catch (err) {
        if (err instanceof DecodeError) return this.#drop(DropReason.badHeader);
        throw err;
      }
      const bodyAt = prefixLen + hLen;

      const low = Number(kid & this.#epochMask);
      let e: EpochState | undefined;
      for (const x of this.#epochs) if (x.low === low) e = x;
      if (e === undefined) return this.#drop(DropReason.unknownEpoch);
      if (frame.length - bodyAt < e.params.Nt) return this.#drop(DropReason.truncated);
      if (e.expiresAt <= this.#now()) {
        this.#epochs = this.#epochs.filter((x) => x !== e);
        this.#forget(e);
        return this.#drop(DropReason.expiredEpoch);
      }
      let r = e.recv.get(kid);
      if (r === undefined) {
        const parts = decodeMlsKid(kid, e.indexBits, this.epochBits);
        if (parts.senderIndex === e.ownLeaf || !e.members.has(parts.senderIndex)) {
          return this.#drop(DropReason.unknownSender);
        }
        if (parts.context > BigInt(this.maxContext)) return this.#drop(DropReason.badContext);
        r = {
          key: createSFrameKey(e.params.id, kid, e.baseKey),
          ready: undefined,
          window: new ReplayWindow(this.replayWindow),
          senderLeaf: parts.senderIndex,
        };
        e.recv.set(kid, r);
      }
      const fresh = r.window.check(ctr);
      if (fresh === "replay") return this.#drop(DropReason.replay);
      if (fresh === "too-old") return this.#drop(DropReason.tooOld);
      if (fresh === "out-of-range") return this.#drop(DropReason.ctrOutOfRange);
      const prefix = frame.subarray(0, prefixLen);
      if (r.ready === undefined) r.ready = await r.key;
      const pt = await openSFrame(
        r.ready,
        ctr,
        frame.subarray(prefixLen, bodyAt),
        prefix,
        frame.subarray(bodyAt),
      );
      if (pt === null) return this.#drop(DropReason.authFailed);
      // Re-check after the await: a concurrent call may have accepted the same CTR, or moved the window
      // past it, meanwhile.
      const still = r.window.check(ctr);
      if (still !== "fresh") return this.#drop(still === "replay" ? DropReason.replay : DropReason.tooOld);
      r.window.accept(ctr);
      let data = pt;
      if (prefixLen > 0) {
        data = new Uint8Array(prefixLen + pt.length);
        data.set(prefix, 0);
        data.set(pt, prefixLen);
      }
      this.#stats.decrypted++;
      return { ok: true, data, kid, senderLeaf: r.senderLeaf };
    } catch {
      return this.#drop(DropReason.internal);
    }
  }
}
