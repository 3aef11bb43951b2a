/**
 * Page-side helper: attaches the media worker's transform to an `RTCRtpSender` or `RTCRtpReceiver` with
 * the standard `RTCRtpScriptTransform` when the browser has it, else with Chromium's
 * `createEncodedStreams()` (which needs `new RTCPeerConnection({ encodedInsertableStreams: true })`),
 * transferring the streams to the worker. No `window`/`document`: it looks up `RTCRtpScriptTransform` on
 * `globalThis`.
 */
import type { FrameTransformOptions } from "./frame-transform.ts";
import { MessageType } from "./frame-worker.ts";

/** The part of `Worker` used here. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** An `RTCRtpSender` or `RTCRtpReceiver` as far as this helper is concerned. */
export interface RtpEndpointLike {
  transform?: unknown;
  createEncodedStreams?: () => { readable: ReadableStream; writable: WritableStream };
}

type ScriptTransformCtor = new (worker: WorkerLike, options: unknown, transfer?: unknown[]) => unknown;

/** Returns which API was used; throws TypeError when the browser has neither. */
export function attachFrameTransform(
  endpoint: RtpEndpointLike,
  worker: WorkerLike,
  options: FrameTransformOptions,
): "script-transform" | "encoded-streams" {
  const ctor = (globalThis as unknown as { RTCRtpScriptTransform?: ScriptTransformCtor })
    .RTCRtpScriptTransform;
  if (ctor !== undefined) {
    endpoint.transform = new ctor(worker, { ...options, sealroom: 1 });
    return "script-transform";
  }
  if (typeof endpoint.createEncodedStreams === "function") {
    const { readable, writable } = endpoint.createEncodedStreams();
    worker.postMessage({ type: MessageType.stream, readable, writable, options }, [
      readable as unknown as Transferable,
      writable as unknown as Transferable,
    ]);
    return "encoded-streams";
  }
  throw new TypeError("this browser has neither RTCRtpScriptTransform nor createEncodedStreams");
}
