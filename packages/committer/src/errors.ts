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
  Malformed: "malformed",
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/**
 * Base of every error this package throws on purpose: misuse of the committer or sequencer API (bad
 * argument, call in the wrong state), and `DecodeError`.
 */
export class CommitterError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "CommitterError";
    this.code = code;
  }
}

/**
 * Malformed bytes: the only exception a `decode*` function throws. The shape every Sealroom package
 * shares (`code`, `offset`, `detail`; docs/architecture.md "Errors").
 */
export class DecodeError extends CommitterError {
  declare readonly code: DecodeErrorCode;
  readonly offset: number;
  /** The message without the offset suffix. */
  readonly detail: string;
  constructor(code: DecodeErrorCode, offset: number, detail: string) {
    super(code, `${detail} (at byte ${offset})`);
    this.name = "DecodeError";
    this.offset = offset;
    this.detail = detail;
  }
}
