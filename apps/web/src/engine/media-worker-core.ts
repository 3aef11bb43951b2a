/**
 * The media worker's wiring: `@sealroom/mls-frames`' `FrameWorker` on the worker scope, with one change
 * of trust boundary: epoch keys are accepted only from the key port (whose other end lives in the MLS
 * worker), never from the page. The page may attach streams, ask for stats and nothing else.
 */
import { FrameWorker, type FrameWorkerScope, MessageType } from "@sealroom/mls-frames";
import { MEDIA_KEY_PORT } from "./protocol.ts";

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
  scope.onmessage = (event) => {
    const data = event.data as { type?: string; port?: MessagePort };
    if (data?.type === MEDIA_KEY_PORT && data.port) {
      data.port.onmessage = (e) => {
        const t = (e.data as { type?: string })?.type;
        if (t !== undefined && FROM_KEY_PORT.has(t)) void worker.handleMessage(e.data);
      };
      return;
    }
    if (data?.type !== undefined && FROM_PAGE.has(data.type)) void worker.handleMessage(data);
  };
  scope.onrtctransform = (event) => worker.attachTransformer(event.transformer);
  return worker;
}
