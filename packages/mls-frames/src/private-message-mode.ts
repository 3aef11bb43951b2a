/**
 * The Orange Meets E2EE post's framing as a mode: every media frame is one MLS PrivateMessage (RFC 9420 §6.3), application
 * content, signed by the sender's leaf key and encrypted under the sender's secret-tree ratchet. It gives
 * per-sender authentication of every frame (SFrame cannot: any member holds every key, RFC 9605 §9.2) at
 * a cost of about a millisecond per frame, and it is the benchmark anchor.
 *
 * Layout: `clear prefix || MLSMessage(mls_private_message)`, with the clear prefix (same codec rules as
 * SFrame) carried as the PrivateMessage's `authenticated_data`, which MLS authenticates; the receiver
 * checks it equals the clear bytes. Only application content is accepted on the media path: a handshake
 * message arriving here is dropped before it can touch the group state.
 *
 * MLS state is a value threaded through every call, so calls are serialised; the owner swaps in the new
 * state after each commit with `setState`.
 */
import type { CiphersuiteImpl, ClientState } from "ts-mls";
import {
  createApplicationMessage,
  decodeMlsMessage,
  emptyPskIndex,
  encodeMlsMessage,
  processPrivateMessage,
  zeroOutUint8Array,
} from "ts-mls";
import { constantTimeEqual } from "./bytes.ts";
import { type Codec, clearPrefixLength, parseCodec } from "./clear-prefix.ts";
import { DropReason, emptyStats, type FrameResult, type FrameStats } from "./drop-reasons.ts";

export class PrivateMessageFrameCipher {
  #state: ClientState;
  readonly #impl: CiphersuiteImpl;
  #queue: Promise<unknown> = Promise.resolve();
  #stats: FrameStats = emptyStats();

  constructor(state: ClientState, impl: CiphersuiteImpl) {
    this.#state = state;
    this.#impl = impl;
  }

  get state(): ClientState {
    return this.#state;
  }

  get stats(): FrameStats {
    return { ...this.#stats };
  }

  /** Replaces the group state (after processing a commit elsewhere). */
  setState(state: ClientState): void {
    this.#state = state;
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(f, f);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #drop(reason: DropReason): FrameResult {
    this.#stats[reason]++;
    return { ok: false, reason };
  }

  encryptFrame(frame: Uint8Array, codec: Codec | string): Promise<FrameResult> {
    return this.#serial(async () => {
      try {
        if (frame.length === 0) {
          this.#stats.passedEmpty++;
          return { ok: true, data: frame };
        }
        let c: Codec;
        try {
          c = parseCodec(codec);
        } catch {
          return this.#drop(DropReason.unsupportedCodec);
        }
        const prefixLen = clearPrefixLength(c, frame);
        if (frame.length < prefixLen) return this.#drop(DropReason.malformedFrame);
        const prefix = frame.slice(0, prefixLen);
        const r = await createApplicationMessage(this.#state, frame.subarray(prefixLen), this.#impl, prefix);
        this.#state = r.newState;
        r.consumed.forEach(zeroOutUint8Array);
        const msg = encodeMlsMessage({
          version: "mls10",
          wireformat: "mls_private_message",
          privateMessage: r.privateMessage,
        });
        const out = new Uint8Array(prefixLen + msg.length);
        out.set(prefix, 0);
        out.set(msg, prefixLen);
        this.#stats.encrypted++;
        return { ok: true, data: out, senderLeaf: this.#state.privatePath.leafIndex };
      } catch {
        return this.#drop(DropReason.internal);
      }
    });
  }

  decryptFrame(frame: Uint8Array, codec: Codec | string): Promise<FrameResult> {
    return this.#serial(async () => {
      try {
        if (frame.length === 0) {
          this.#stats.passedEmpty++;
          return { ok: true, data: frame };
        }
        let c: Codec;
        try {
          c = parseCodec(codec);
        } catch {
          return this.#drop(DropReason.unsupportedCodec);
        }
        const prefixLen = clearPrefixLength(c, frame);
        if (frame.length <= prefixLen) return this.#drop(DropReason.truncated);
        let decoded: ReturnType<typeof decodeMlsMessage>;
        try {
          decoded = decodeMlsMessage(frame, prefixLen);
        } catch {
          decoded = undefined;
        }
        // ts-mls decoders return [value, bytes consumed]; the message must fill the rest of the frame exactly.
        if (decoded === undefined || prefixLen + decoded[1] !== frame.length)
          return this.#drop(DropReason.badHeader);
        const msg = decoded[0];
        if (msg.wireformat !== "mls_private_message") return this.#drop(DropReason.badHeader);
        const pm = msg.privateMessage;
        // Handshake content must never be processed from the media path.
        if (pm.contentType !== "application") return this.#drop(DropReason.badHeader);
        if (pm.epoch !== this.#state.groupContext.epoch) return this.#drop(DropReason.unknownEpoch);
        const prefix = frame.subarray(0, prefixLen);
        if (!constantTimeEqual(pm.authenticatedData, prefix)) return this.#drop(DropReason.authFailed);
        let r: Awaited<ReturnType<typeof processPrivateMessage>>;
        try {
          r = await processPrivateMessage(this.#state, pm, emptyPskIndex, this.#impl);
        } catch {
          return this.#drop(DropReason.authFailed);
        }
        this.#state = r.newState;
        r.consumed.forEach(zeroOutUint8Array);
        if (r.kind !== "applicationMessage") return this.#drop(DropReason.badHeader);
        const out = new Uint8Array(prefixLen + r.message.length);
        out.set(prefix, 0);
        out.set(r.message, prefixLen);
        this.#stats.decrypted++;
        return { ok: true, data: out };
      } catch {
        return this.#drop(DropReason.internal);
      }
    });
  }
}
