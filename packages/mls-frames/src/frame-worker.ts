/**
 * The media worker: glue between the browser's encoded-transform APIs and a `FrameCryptor`. Runs in a
 * DedicatedWorker (no `window`/`document`); `installFrameWorker(self)` wires it up, and tests drive it in
 * Node with a fake scope and synthetic frames.
 *
 * - `onrtctransform` (W3C WebRTC Encoded Transform): `event.transformer.options` is a
 *   `FrameTransformOptions` (marked `sealroom: 1`); its readable is piped through the transform into its
 *   writable.
 * - Fallback (`RTCRtpSender/Receiver.createEncodedStreams()`, Chromium before script transforms): the page
 *   transfers `{ type: "sealroom-frames/stream", readable, writable, options }`; same transform.
 * - Keys: `{ type: "sealroom-frames/epoch", keys: EpochKeys }` installs an epoch while streams run.
 *   Afterwards every sending video transformer is asked for a keyframe (`generateKeyFrame()`, RFC 9605
 *   §7.2: a keyframe under the new key lets new members start decoding at once); receive transforms that
 *   dropped frames for want of a key send a keyframe request upstream (`sendKeyFrameRequest()`). On the
 *   fallback path, where the worker cannot reach the RTP objects, it posts
 *   `{ type: "sealroom-frames/keyframe-request", streamId, direction }` to the page instead.
 * - `{ type: "sealroom-frames/stats" }` is answered with the cryptor's counters.
 */
import { DropReason } from "./drop-reasons.ts";
import type { EpochKeys } from "./epoch-keys.ts";
import { FrameCryptor, type FrameCryptorOptions } from "./frame-cryptor.ts";
import {
  createFrameTransform,
  type EncodedFrameLike,
  type FrameTransformOptions,
} from "./frame-transform.ts";

export const MessageType = {
  epoch: "sealroom-frames/epoch",
  epochInstalled: "sealroom-frames/epoch-installed",
  stream: "sealroom-frames/stream",
  stats: "sealroom-frames/stats",
  clear: "sealroom-frames/clear",
  keyframeRequest: "sealroom-frames/keyframe-request",
  error: "sealroom-frames/error",
} as const;

export type FrameWorkerInbound =
  | { type: typeof MessageType.epoch; keys: EpochKeys }
  | {
      type: typeof MessageType.stream;
      readable: ReadableStream<EncodedFrameLike>;
      writable: WritableStream<EncodedFrameLike>;
      options: FrameTransformOptions;
    }
  | { type: typeof MessageType.stats }
  | { type: typeof MessageType.clear };

export type FrameWorkerOutbound =
  | { type: typeof MessageType.epochInstalled; epoch: bigint }
  | { type: typeof MessageType.keyframeRequest; streamId: string | undefined; direction: "send" | "receive" }
  | { type: typeof MessageType.stats; stats: Record<string, number> }
  | { type: typeof MessageType.error; message: string };

/** The part of `RTCRtpScriptTransformer` the worker uses. */
export interface ScriptTransformerLike {
  readonly readable: ReadableStream<EncodedFrameLike>;
  readonly writable: WritableStream<EncodedFrameLike>;
  readonly options?: unknown;
  generateKeyFrame?(rid?: string): Promise<unknown>;
  sendKeyFrameRequest?(): Promise<void>;
}

/** The part of `DedicatedWorkerGlobalScope` the worker uses. */
export interface FrameWorkerScope {
  postMessage(message: FrameWorkerOutbound): void;
  onmessage: ((event: { data: unknown }) => unknown) | null;
  onrtctransform?: ((event: { transformer: ScriptTransformerLike }) => unknown) | null;
}

interface LiveStream {
  readonly options: FrameTransformOptions;
  readonly transformer: ScriptTransformerLike | undefined;
  /** Frames dropped because no key matched since the last epoch install. */
  missedKey: boolean;
  /** Resolves when the pipe ends. */
  readonly done: Promise<void>;
}

function isTransformOptions(value: unknown): value is FrameTransformOptions {
  if (typeof value !== "object" || value === null) return false;
  const d = (value as { direction?: unknown }).direction;
  return d === "send" || d === "receive";
}

export class FrameWorker {
  readonly cryptor: FrameCryptor;
  readonly #scope: FrameWorkerScope;
  readonly #streams = new Set<LiveStream>();

  constructor(scope: FrameWorkerScope, options: FrameCryptorOptions = {}) {
    this.#scope = scope;
    this.cryptor = new FrameCryptor(options);
  }

  /** Number of streams currently piping. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Handles one `rtctransform` event's transformer. */
  attachTransformer(transformer: ScriptTransformerLike): void {
    const options = transformer.options;
    if (!isTransformOptions(options)) {
      this.#post({ type: MessageType.error, message: "rtctransform without sealroom FrameTransformOptions" });
      return;
    }
    this.#pipe(transformer.readable, transformer.writable, options, transformer);
  }

  /** Handles one message from the page; never throws (errors are posted back). */
  async handleMessage(data: unknown): Promise<void> {
    try {
      const msg = data as FrameWorkerInbound;
      switch (msg?.type) {
        case MessageType.epoch:
          this.cryptor.setEpoch(msg.keys);
          this.#post({ type: MessageType.epochInstalled, epoch: msg.keys.epoch });
          await this.#requestKeyframes();
          return;
        case MessageType.stream:
          if (!isTransformOptions(msg.options))
            throw new TypeError(`"options.direction" must be send or receive`);
          this.#pipe(msg.readable, msg.writable, msg.options, undefined);
          return;
        case MessageType.stats:
          this.#post({ type: MessageType.stats, stats: { ...this.cryptor.stats } });
          return;
        case MessageType.clear:
          this.cryptor.clear();
          return;
        default:
          throw new TypeError(`unknown message ${JSON.stringify((msg as { type?: unknown })?.type)}`);
      }
    } catch (err) {
      this.#post({ type: MessageType.error, message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Resolves when every stream piped so far has ended (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#streams].map((s) => s.done));
  }

  #post(message: FrameWorkerOutbound): void {
    try {
      this.#scope.postMessage(message);
    } catch {
      // A closed port must not break the media path.
    }
  }

  #pipe(
    readable: ReadableStream<EncodedFrameLike>,
    writable: WritableStream<EncodedFrameLike>,
    options: FrameTransformOptions,
    transformer: ScriptTransformerLike | undefined,
  ): void {
    let stream: LiveStream | undefined;
    const transform = createFrameTransform(this.cryptor, options, {
      onDrop: (reason) => {
        if (stream !== undefined && (reason === DropReason.unknownEpoch || reason === DropReason.noSendKey)) {
          stream.missedKey = true;
        }
      },
    });
    const done = readable
      .pipeThrough(transform)
      .pipeTo(writable)
      .catch(() => undefined)
      .finally(() => {
        if (stream !== undefined) this.#streams.delete(stream);
      });
    stream = { options, transformer, missedKey: false, done };
    this.#streams.add(stream);
  }

  async #requestKeyframes(): Promise<void> {
    const requests: Promise<unknown>[] = [];
    for (const s of this.#streams) {
      const send = s.options.direction === "send";
      if (!send && !s.missedKey) continue;
      s.missedKey = false;
      const t = s.transformer;
      if (t === undefined) {
        this.#post({
          type: MessageType.keyframeRequest,
          streamId: s.options.streamId,
          direction: s.options.direction,
        });
        continue;
      }
      // generateKeyFrame rejects on audio senders (no keyframes); that is expected and ignored.
      const call = send ? t.generateKeyFrame?.() : t.sendKeyFrameRequest?.();
      if (call !== undefined) requests.push(Promise.resolve(call).catch(() => undefined));
    }
    await Promise.all(requests);
  }
}

/** Wires a worker scope (`self` in a DedicatedWorker) to a new `FrameWorker`. */
export function installFrameWorker(scope: FrameWorkerScope, options: FrameCryptorOptions = {}): FrameWorker {
  const worker = new FrameWorker(scope, options);
  scope.onmessage = (event) => worker.handleMessage(event.data);
  scope.onrtctransform = (event) => worker.attachTransformer(event.transformer);
  return worker;
}
