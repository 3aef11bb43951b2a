/**
 * Error hierarchy of @sealroom/hash-chain.
 *
 * Every failure the package raises on purpose is a `HashChainError` with a stable `code` (the
 * `HashChainErrorCode` values below), so callers (the transparency service, witnesses, the CLI)
 * can map failures to responses once. Decoders raise the subclass `DecodeError`, which also
 * carries the byte `offset` at which the input stopped making sense. Misuse of an API by the
 * caller (a non-`Uint8Array` argument, a negative u64) is a programming error, reported with
 * the built-in `TypeError` / `RangeError` naming the argument, as noble does.
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

/** Malformed bytes handed to a `decode*` function; `offset` is where decoding stopped. */
export class DecodeError extends HashChainError {
  readonly offset: number;
  constructor(code: HashChainErrorCode, offset: number, message: string) {
    super(code, `${message} (at byte ${offset})`);
    this.name = "DecodeError";
    this.offset = offset;
  }
}
