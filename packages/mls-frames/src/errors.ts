/**
 * Error hierarchy of @sealroom/mls-frames.
 *
 * Decoders (`decode*`) throw `DecodeError` with a machine-readable `code` and the byte `offset` where the
 * input went wrong; misuse of an API throws `TypeError`/`RangeError` naming the argument; a codec that
 * cannot be carried safely through browsers' packetizers throws `UnsupportedCodecError`. The frame
 * transform itself never throws: it turns every failure into a counted `DropReason` (see drop-reasons.ts).
 */

/** Base class so callers can catch everything this package throws on purpose. */
export class MlsFramesError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "MlsFramesError";
    this.code = code;
  }
}

/** Codes a decoder reports; each names one way bytes can be malformed. */
export const DecodeErrorCode = {
  Truncated: "truncated",
  NonMinimal: "non-minimal",
  Trailing: "trailing",
  Oversized: "oversized",
  Malformed: "malformed",
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/**
 * Malformed input to a `decode*` function, in the shape every Sealroom package shares (`code`,
 * `offset`, `detail`; docs/architecture.md "Errors").
 */
export class DecodeError extends MlsFramesError {
  readonly offset: number;
  override readonly code: DecodeErrorCode;
  /** The message without the offset suffix. */
  readonly detail: string;
  constructor(code: DecodeErrorCode, offset: number, detail: string) {
    super(code, `${detail} (at byte ${offset})`);
    this.name = "DecodeError";
    this.code = code;
    this.offset = offset;
    this.detail = detail;
  }
}

/** A codec whose frames this package refuses to encrypt (see clear-prefix.ts for the reasons). */
export class UnsupportedCodecError extends MlsFramesError {
  readonly codec: string;
  constructor(codec: string, why: string) {
    super("unsupported-codec", `codec ${JSON.stringify(codec)} is not supported: ${why}`);
    this.name = "UnsupportedCodecError";
    this.codec = codec;
  }
}

/** AEAD authentication failed (wrong key, tampered bytes). */
export class AuthenticationError extends MlsFramesError {
  constructor() {
    super("authentication", "AEAD authentication failed");
    this.name = "AuthenticationError";
  }
}
