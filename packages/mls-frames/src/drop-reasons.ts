/**
 * Why a frame was dropped. The media path never throws (a throw would tear down the browser's encoded
 * transform stream and freeze the call); every failure becomes one of these reasons and is counted, so
 * the UI and tests can see what happened. RFC 9605 §4.4.4: a frame that fails for any reason other than
 * a missing key MUST be discarded.
 */
export const DropReason = {
  /** Sender side: no epoch installed yet, so nothing may leave unencrypted. */
  noSendKey: "no-send-key",
  /** Codec refused or unknown (see clear-prefix.ts). */
  unsupportedCodec: "unsupported-codec",
  /** Frame too short for its codec's clear prefix (e.g. a VP8 keyframe under 10 bytes). */
  malformedFrame: "malformed-frame",
  /** Too short to hold prefix + header + tag. */
  truncated: "truncated",
  /** SFrame header does not parse (truncated or non-minimal encoding). */
  badHeader: "bad-header",
  /** KID names an epoch we do not hold (not yet received, or long gone). */
  unknownEpoch: "unknown-epoch",
  /** KID names the previous epoch after its grace period. */
  expiredEpoch: "expired-epoch",
  /** KID's sender index is not a member of that epoch, or is our own leaf. */
  unknownSender: "unknown-sender",
  /** KID's context is above the configured maximum (bounds the key cache). */
  badContext: "bad-context",
  /** CTR already accepted for this KID. */
  replay: "replay",
  /** CTR below the replay window. */
  tooOld: "too-old",
  /** AEAD tag did not verify. */
  authFailed: "auth-failed",
  /** CTR at or above 2^53: never sent by FrameCryptor (285 000 years at 1000 fps), refused on receipt. */
  ctrOutOfRange: "ctr-out-of-range",
  /** Anything unexpected (a WebCrypto failure, ...); counted instead of thrown. */
  internal: "internal",
} as const;
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

export type FrameResult =
  | { readonly ok: true; readonly data: Uint8Array; readonly kid?: bigint; readonly senderLeaf?: number }
  | { readonly ok: false; readonly reason: DropReason };

/** Counters kept by a cryptor: frames passed per outcome and drops per reason. */
export type FrameStats = {
  encrypted: number;
  decrypted: number;
  /** Empty frames passed through untouched (both directions). */
  passedEmpty: number;
} & Record<DropReason, number>;

export function emptyStats(): FrameStats {
  const stats = { encrypted: 0, decrypted: 0, passedEmpty: 0 } as FrameStats;
  for (const r of Object.values(DropReason)) stats[r] = 0;
  return stats;
}
