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
  truncated: "truncated",
  nonMinimal: "non-minimal",
  trailing: "trailing",
  oversized: "oversized",
  malformed: "malformed",
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

/** Malformed input to a `decode*` function. */
export class DecodeError extends MlsFramesError {
  readonly offset: number;
  override readonly code: DecodeErrorCode;
  constructor(code: DecodeErrorCode, offset: number, message: string) {
    super(code, `${message} (at byte ${offset})`);
    this.name = "DecodeError";
    this.code = code;
    this.offset = offset;
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
