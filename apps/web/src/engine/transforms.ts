/**
 * Attaching the media worker's SFrame transform to RTP senders and receivers, shared by both data planes
 * (the peer mesh, `peer.ts`, and the SFU, `sfu.ts`): `RTCRtpScriptTransform` (W3C WebRTC Encoded
 * Transform) when the browser has it, else Chromium's `createEncodedStreams()`, through
 * `@sealroom/mls-frames`' `attachFrameTransform`. Each sender and receiver is transformed once (a reused
 * transceiver keeps the transform it has), and callers attach before any media can flow on it: an
 * untransformed sender would send clear frames, an untransformed receiver would hand ciphertext to the
 * decoder.
 */
import { attachFrameTransform } from "@sealroom/mls-frames";

/** KID stream contexts (RFC 9605 §5.2 layout in @sealroom/mls-frames): which of a member's streams. */
export const CONTEXT = { audio: 0, video: 1, screen: 2 } as const;
export type StreamSlot = keyof typeof CONTEXT;

export const useScriptTransform = (): boolean => "RTCRtpScriptTransform" in globalThis;

/**
 * `RTCConfiguration` additions the transform path needs: the `createEncodedStreams()` fallback only works
 * on a connection created with `encodedInsertableStreams: true` (Chromium before script transforms).
 */
export function transformConfig(): { encodedInsertableStreams?: boolean } {
  return useScriptTransform() ? {} : { encodedInsertableStreams: true };
}

/**
 * Makes a video transceiver negotiate VP8 only: the frame layer keeps VP8's payload header in clear for
 * the depacketizer (an SFU forwards it as is). No effect where VP8 is missing or the state forbids it.
 */
export function preferVp8(t: RTCRtpTransceiver): void {
  const codecs = RTCRtpReceiver.getCapabilities?.("video")?.codecs ?? [];
  const vp8 = codecs.filter((c) => c.mimeType.toLowerCase() === "video/vp8");
  if (vp8.length === 0 || t.receiver.track.kind !== "video" || t.currentDirection === "stopped") return;
  try {
    t.setCodecPreferences(vp8);
  } catch {
    // Not settable in this state; the previous preference stays.
  }
}

/** Remembers what was transformed, per data plane (WeakSets: closed connections are collected). */
export class FrameTransforms {
  private readonly senders = new WeakSet<RTCRtpSender>();
  private readonly receivers = new WeakSet<RTCRtpReceiver>();
  private readonly worker: Worker;

  constructor(worker: Worker) {
    this.worker = worker;
  }

  /** Encrypts what `sender` sends as stream `slot` (its KID context); `streamId` labels it in the worker. */
  sender(sender: RTCRtpSender, slot: StreamSlot, streamId: string): void {
    if (this.senders.has(sender)) return;
    this.senders.add(sender);
    attachFrameTransform(sender, this.worker, { direction: "send", context: CONTEXT[slot], streamId });
  }

  /** Decrypts what `receiver` receives (the KID in each frame names the sender and epoch). */
  receiver(receiver: RTCRtpReceiver, streamId: string): void {
    if (this.receivers.has(receiver)) return;
    this.receivers.add(receiver);
    attachFrameTransform(receiver, this.worker, { direction: "receive", streamId });
  }
}
