/**
 * Codec-aware clear prefixes (DESIGN "Sealed calls"; RFC 9605 §4.4.3 "metadata"; Discord DAVE's
 * per-codec unencrypted ranges).
 *
 * Encrypting a whole encoded frame breaks the receiving browser's depacketizer when it reads codec bytes
 * from the payload. We leave the bytes it reads in the clear and authenticate them as SFrame metadata:
 *
 * - VP8 (RFC 6386 §9.1 / §19.1): the 3-byte frame tag, and on a keyframe also the start code and
 *   dimensions — 10 bytes on a keyframe, 1 byte otherwise. `frame_type` is bit 0 of byte 0 and 0 means
 *   keyframe, so keyframe <=> `(byte0 & 1) === 0` (the Orange Meets E2EE post's `byte0 >> 7` test reads the wrong bit:
 *   the top bits are `first_part_size`). The receiver recomputes the length from byte 0, which is
 *   authenticated, so tampering with it changes the AAD and fails the tag.
 * - VP9: 0 bytes. The RTP VP9 payload descriptor is built from encoder metadata, not from frame bytes.
 * - Opus: 0 bytes. Opus depacketization does not parse the payload.
 * - H.264: refused. Browsers' H.264 packetizer splits the frame at Annex B start codes (00 00 01) and
 *   reads each NAL header; ciphertext is uniformly random, so a 3-byte start code appears in it about
 *   once per 16 MiB of ciphertext per offset — i.e. regularly in a video stream — and the packetizer
 *   then cuts the frame apart or misreads NAL types. A correct
 *   NAL-aware scheme has to keep start codes and NAL headers clear, encrypt each NAL body separately and
 *   apply emulation prevention to the ciphertext (as DAVE does). Until that is built, H.264 is refused
 *   loudly rather than producing video that breaks in the field: negotiate VP8/VP9.
 * - AV1: refused (its OBU packetizer reads OBU headers; not reviewed for this layout).
 * - Anything else: refused, because no one has checked what its depacketizer reads.
 *
 * Layout on the wire: `clear prefix || SFrame header || ciphertext || tag`. The header sits right after
 * the bytes the depacketizer reads and never before them, so depacketizers see exactly the codec bytes
 * they expect at the offsets they expect (DESIGN: "place the SFrame header where depacketizers do not
 * look").
 */
import { UnsupportedCodecError } from "./errors.ts";

export const Codec = {
  vp8: "vp8",
  vp9: "vp9",
  opus: "opus",
} as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

const REFUSED: Record<string, string> = {
  h264: "its packetizer splits frames at Annex B start codes, which ciphertext contains at random; NAL-aware encryption with emulation prevention is not implemented (negotiate VP8 or VP9)",
  av1: "its packetizer parses OBU headers; an AV1 layout has not been designed and reviewed (negotiate VP8 or VP9)",
  h265: "same start-code problem as H.264 (negotiate VP8 or VP9)",
};

/** VP8 keyframe: 3-byte frame tag + 3-byte start code + 4 bytes of dimensions (RFC 6386 §9.1). */
export const VP8_KEYFRAME_PREFIX = 10;
/** VP8 interframe: the first byte carries frame type, version and show_frame. */
export const VP8_DELTA_PREFIX = 1;

/**
 * Maps a codec name or MIME type (`"VP8"`, `"video/VP8"`, `"audio/opus"`) to a supported `Codec`;
 * throws `UnsupportedCodecError` for H.264, AV1 and anything not reviewed.
 */
export function parseCodec(nameOrMime: string): Codec {
  if (typeof nameOrMime !== "string") throw new TypeError(`"codec" must be a string`);
  const slash = nameOrMime.indexOf("/");
  const name = (slash >= 0 ? nameOrMime.slice(slash + 1) : nameOrMime).trim().toLowerCase();
  if (name === "vp8" || name === "vp9" || name === "opus") return name;
  const why = REFUSED[name] ?? REFUSED[name.replace(/[^a-z0-9]/g, "")];
  throw new UnsupportedCodecError(name, why ?? "no clear-prefix rule has been reviewed for it");
}

/** True for VP8 keyframes: frame_type bit (bit 0 of byte 0) is 0 (RFC 6386 §9.1). */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && ((frame[0] as number) & 1) === 0;
}

/**
 * Number of leading bytes to leave in the clear. Depends only on byte 0 (which is itself in the clear),
 * so sender and receiver compute the same value from what each holds.
 */
export function clearPrefixLength(codec: Codec, frame: Uint8Array): number {
  if (codec === "vp8") return isVp8Keyframe(frame) ? VP8_KEYFRAME_PREFIX : VP8_DELTA_PREFIX;
  return 0;
}
