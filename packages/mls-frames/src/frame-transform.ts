/**
 * A WHATWG `TransformStream` over encoded WebRTC frames (W3C WebRTC Encoded Transform), shared by both
 * browser APIs: `RTCRtpScriptTransform` (`onrtctransform` in a worker) and Chromium's older
 * `createEncodedStreams()`. Frames are duck-typed (`data: ArrayBuffer`, optional `type`, `getMetadata()`)
 * so the same code runs on `RTCEncodedVideoFrame`, `RTCEncodedAudioFrame` and synthetic frames in tests.
 *
 * A frame that cannot be encrypted or decrypted is not enqueued (dropped, counted by the cryptor); the
 * transform never errors the stream, because an errored stream stops the track for good.
 */
import type { DropReason, FrameResult } from "./drop-reasons.ts";

/**
 * What the transform needs from a cipher: `FrameCryptor` (SFrame) and `PrivateMessageFrameCipher` (one
 * MLS PrivateMessage per frame) both fit, so either mode runs behind the same transform.
 */
export interface FrameCipher {
  encryptFrame(frame: Uint8Array, codec: string, context?: bigint): Promise<FrameResult>;
  decryptFrame(frame: Uint8Array, codec: string): Promise<FrameResult>;
}

/** What the transform reads and writes: RTCEncodedVideoFrame / RTCEncodedAudioFrame. */
export interface EncodedFrameLike {
  data: ArrayBuffer;
  readonly type?: string;
  getMetadata(): { mimeType?: string; [key: string]: unknown };
}

/** Structured-cloneable options (they travel through `new RTCRtpScriptTransform(worker, options)`). */
export interface FrameTransformOptions {
  direction: "send" | "receive";
  /** Codec name or MIME type; when absent, the frame metadata's `mimeType` decides per frame. */
  codec?: string;
  /** Outbound stream context in the KID (0 = audio, 1 = camera, 2 = screen...). Send side only. */
  context?: number;
  /** Application label of the stream, echoed in keyframe requests of the fallback path. */
  streamId?: string;
}

export interface FrameTransformHooks {
  /** Called for every dropped frame with its reason. */
  onDrop?(reason: DropReason): void;
}

function codecOf(frame: EncodedFrameLike, options: FrameTransformOptions): string {
  if (options.codec !== undefined) return options.codec;
  try {
    const mime = frame.getMetadata().mimeType;
    return typeof mime === "string" ? mime : "";
  } catch {
    return "";
  }
}

/** Builds the transform for one stream. */
export function createFrameTransform(
  cryptor: FrameCipher,
  options: FrameTransformOptions,
  hooks: FrameTransformHooks = {},
): TransformStream<EncodedFrameLike, EncodedFrameLike> {
  const context = BigInt(options.context ?? 0);
  const send = options.direction === "send";
  return new TransformStream<EncodedFrameLike, EncodedFrameLike>({
    async transform(frame, controller) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(frame.data);
      } catch {
        hooks.onDrop?.("internal");
        return;
      }
      const codec = codecOf(frame, options);
      const result = send
        ? await cryptor.encryptFrame(bytes, codec, context)
        : await cryptor.decryptFrame(bytes, codec);
      if (!result.ok) {
        hooks.onDrop?.(result.reason);
        return;
      }
      if (result.data !== bytes) {
        // A view spanning its whole buffer (so at offset 0) gives that buffer; anything else a copy.
        const d = result.data;
        frame.data =
          d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer
            ? d.buffer
            : d.slice().buffer;
      }
      controller.enqueue(frame);
    },
  });
}
