/**
 * The media worker's wiring: `@sealroom/mls-frames`' `FrameWorker` on the worker scope, with one change
 * of trust boundary: epoch keys are accepted only from the key port (whose other end lives in the MLS
 * worker), never from the page. The page may attach streams, ask for stats and nothing else.
 *
 * Keyframes after an epoch switch (RFC 9605 §7.2: a keyframe under the new key lets members who just got
 * it decode at once). `FrameWorker` asks each sending transform for one (`generateKeyFrame()`) and each
 * receiving transform that dropped frames for want of a key to request one (`sendKeyFrameRequest()`).
 * Chromium's `RTCRtpScriptTransformer` has no `generateKeyFrame` (checked on Chromium 156: only
 * `sendKeyFrameRequest`), so senders cannot be asked from inside. On the SFU plane the request therefore
 * comes from the receiving end: once an epoch is installed, every SFU receiving transform that has had
 * frames sends a keyframe request (RTCP PLI), which the SFU relays to the sender, whose encoder answers
 * with a keyframe; one request per receiver per epoch. The mesh keeps `FrameWorker`'s behaviour (requests
 * from receivers that missed a key, and each decoder's own requests, which reach the sender directly):
 * asking from every mesh receiver on every epoch stalled video between some pairs in the five-member
 * Chromium test, where the mesh's behaviour is proven.
 */
import {
  FrameWorker,
  type FrameWorkerScope,
  MessageType,
  type ScriptTransformerLike,
} from "@sealroom/mls-frames";
import { MEDIA_KEY_PORT, SFU_STREAM } from "./protocol.ts";

const FROM_PAGE = new Set<string>([MessageType.stream, MessageType.stats]);

const FROM_KEY_PORT = new Set<string>([MessageType.epoch, MessageType.clear]);

export interface MediaWorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => unknown) | null;
  onrtctransform?: ((event: { transformer: never }) => unknown) | null;
}

export function startMediaWorker(scope: MediaWorkerScope): FrameWorker {
  // FrameWorker only posts to the page (acks, stats, keyframe requests); it never reads `onmessage`.
  const worker = new FrameWorker({
    postMessage: (m) => scope.postMessage(m),
    onmessage: null,
  } as FrameWorkerScope);
  /** Receiving transforms that can send a keyframe request; dropped once a request fails (receiver gone). */
  const receivers = new Set<ScriptTransformerLike>();
  const requestKeyframes = () => {
    for (const t of receivers) t.sendKeyFrameRequest?.().catch(() => receivers.delete(t));
  };
  scope.onmessage = (event) => {
    const data = event.data as { type?: string; port?: MessagePort };
    if (data?.type === MEDIA_KEY_PORT && data.port) {
      data.port.onmessage = (e) => {
        const t = (e.data as { type?: string })?.type;
        if (t === undefined || !FROM_KEY_PORT.has(t)) return;
        void worker.handleMessage(e.data).then(() => {
          if (t === MessageType.epoch) requestKeyframes();
        });
      };
      return;
    }
    if (data?.type !== undefined && FROM_PAGE.has(data.type)) void worker.handleMessage(data);
  };
  scope.onrtctransform = (event) => {
    const t = event.transformer as ScriptTransformerLike;
    const options = t.options as { direction?: string; streamId?: string } | undefined;
    const sfuReceiver = options?.direction === "receive" && options.streamId?.startsWith(SFU_STREAM);
    if (!sfuReceiver || typeof t.sendKeyFrameRequest !== "function") {
      worker.attachTransformer(t);
      return;
    }
    // Asked only once media flows: a receiver still being negotiated has no one to ask (and asking a
    // mesh receiver before its connection was up stalled that connection in Chromium).
    const seen = new TransformStream<unknown, unknown>({
      transform(frame, controller) {
        receivers.add(t);
        controller.enqueue(frame);
      },
    });
    // No `sendKeyFrameRequest` for FrameWorker: its requests (receivers that missed a key) are a subset of
    // ours, and one request per receiver per epoch is enough.
    worker.attachTransformer({
      readable: t.readable.pipeThrough(seen) as ScriptTransformerLike["readable"],
      writable: t.writable,
      options: t.options,
    });
  };
  return worker;
}
