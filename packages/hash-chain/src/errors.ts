/**
 * Error hierarchy of @sealroom/hash-chain.
 *
 * Every failure the package raises on purpose is a `HashChainError` with a stable `code` (the
 * `HashChainErrorCode` values below), so callers (the transparency service, witnesses, the CLI)
 * can map failures to responses once. Decoders raise the subclass `DecodeError`, which also
 * carries the byte `offset` at which the input stopped making sense. Misuse of an API by the
 * caller (a non-`Uint8Array` argument, a negative u64) is a programming error, reported with
 * the built-in `TypeError` / `RangeError` naming the argument, as noble does.
 *
 * The decode error shape is shared by every Sealroom package (docs/architecture.md "Errors"): each
 * package has its own base error and a `DecodeError` extending it with `code` (lowercase,
 * kebab-case), `offset` (byte where decoding stopped, from the start of the input the caller gave)
 * and `detail` (the message without the offset). An enclosing decoder that calls another package's
 * decoder on a slice rethrows `DecodeError.at(inner, sliceStart)`: same code, offset from its own
 * input, no copy of the inner decoder. This module is also `@sealroom/hash-chain/errors`.
 */

/** Stable error codes; wire-facing code should switch on these, never on messages. */
export const HashChainErrorCode = {
  /** Input ended before the structure was complete. */
  Truncated: "truncated",
  /** Bytes remained after a complete structure. */
  Trailing: "trailing",
  /** A length or count is larger than the format allows. */
  Oversized: "oversized",
  /** The bytes parse but are not the one canonical encoding (e.g. unsorted asset hosts). */
  NonCanonical: "non-canonical",
  /** A field holds a value the format forbids (e.g. an empty asset host URL). */
  InvalidValue: "invalid-value",
  /** Structurally invalid bytes that fit none of the codes above (also: an inner decoder's own code). */
  Malformed: "malformed",
  /** An appended entry's position is not the previous position + 1 (or 0 for the first). */
  PositionMismatch: "position-mismatch",
  /** An appended entry's time_created is earlier than the previous entry's. */
  TimeWentBackwards: "time-backwards",
  /** The first entry of a chain did not name its asset hosts ("unchanged" has nothing to keep). */
  MissingAssetHosts: "missing-asset-hosts",
  /** Both an asset host list and an asset hosts hash were given for one append. */
  AmbiguousAssetHosts: "ambiguous-asset-hosts",
  /** A position or size is outside the chain (or outside u64). */
  OutOfRange: "out-of-range",
} as const;
export type HashChainErrorCode = (typeof HashChainErrorCode)[keyof typeof HashChainErrorCode];

/** Base class of every error this package throws on purpose. */
export class HashChainError extends Error {
  readonly code: HashChainErrorCode;
  constructor(code: HashChainErrorCode, message: string) {
    super(message);
    this.name = "HashChainError";
    this.code = code;
  }
}

/** What every Sealroom package's `DecodeError` carries (structural: packages need not share a class). */
export interface DecodeFailure extends Error {
  readonly code: string;
  readonly offset: number;
  readonly detail: string;
}

/** True for a `DecodeError` of any Sealroom package. */
export function isDecodeFailure(e: unknown): e is DecodeFailure {
  return (
    e instanceof Error &&
    e.name === "DecodeError" &&
    typeof (e as Partial<DecodeFailure>).code === "string" &&
    typeof (e as Partial<DecodeFailure>).offset === "number" &&
    typeof (e as Partial<DecodeFailure>).detail === "string"
  );
}

/**
 * The code, offset and detail of `inner` seen from an enclosing input in which it starts at byte
 * `base`. A code outside `codes` becomes `malformed`, with the inner code named in the detail.
 */
export function shiftDecodeFailure<C extends string>(
  inner: DecodeFailure,
  base: number,
  codes: Readonly<Record<string, C>>,
): { code: C | "malformed"; offset: number; detail: string } {
  const known = (Object.values(codes) as string[]).includes(inner.code);
  return {
    code: known ? (inner.code as C) : "malformed",
    offset: base + inner.offset,
    detail: known ? inner.detail : `${inner.code}: ${inner.detail}`,
  };
}

/** Malformed bytes handed to a `decode*` function; `offset` is where decoding stopped. */
export class DecodeError extends HashChainError {
  readonly offset: number;
  /** The message without the offset suffix. */
  readonly detail: string;
  constructor(code: HashChainErrorCode, offset: number, detail: string, options?: { cause?: unknown }) {
    super(code, `${detail} (at byte ${offset})`);
    this.name = "DecodeError";
    this.offset = offset;
    this.detail = detail;
    if (options && "cause" in options) this.cause = options.cause;
  }

  /**
   * `inner` (any package's decode error, raised on a slice starting at byte `base` of this
   * decoder's input) as this package's `DecodeError`: same code (`malformed` for a code this package
   * does not define, named in the detail), offset shifted by `base`, `inner` kept as `cause`.
   */
  static at(inner: DecodeFailure, base: number): DecodeError {
    const { code, offset, detail } = shiftDecodeFailure(inner, base, HashChainErrorCode);
    return new DecodeError(code, offset, detail, { cause: inner });
  }
}
