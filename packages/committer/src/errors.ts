/**
 * Typed errors for the room protocol (see README "Byte formats"). Decoders throw `DecodeError` with a
 * stable `code` and the byte `offset` where parsing stopped, and never any other exception, so the room
 * Worker can map every malformed frame to one close code. State-machine misuse throws `CommitterError`.
 */

export const DecodeErrorCode = {
  Truncated: "truncated",
  Trailing: "trailing",
  Oversized: "oversized",
  UnknownTag: "unknown-tag",
  NonCanonical: "non-canonical",
  InvalidMemberId: "invalid-member-id",
  InvalidMlsFraming: "invalid-mls-framing",
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/** Malformed bytes: the only exception a `decode*` function throws. */
export class DecodeError extends Error {
  readonly code: DecodeErrorCode;
  readonly offset: number;
  constructor(code: DecodeErrorCode, offset: number, detail: string) {
    super(`${code} at byte ${offset}: ${detail}`);
    this.name = "DecodeError";
    this.code = code;
    this.offset = offset;
  }
}

/** Misuse of the committer or sequencer API (bad argument, call in the wrong state). */
export class CommitterError extends Error {
  readonly code: string;
  constructor(code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = "CommitterError";
    this.code = code;
  }
}
