/**
 * The package's error hierarchy. Decoders throw `DecodeError` (with a `code` and the byte `offset`
 * where parsing stopped); `keyForDomain` throws `DomainError`; `applyBatch` throws `BatchError`
 * (with the index of the offending event). Every other misuse is a `TypeError`/`RangeError` naming
 * the argument. `verify*` functions never throw on bad proofs: they return false/null.
 * `DecodeError` has the shape every Sealroom package shares (`code`, `offset`, `detail`;
 * @sealroom/hash-chain/errors, docs/architecture.md "Errors"): `DecodeError.at` passes an inner
 * decoder's error (hash-chain's asset hosts inside a tree event) through with the outer offset.
 */
import { type DecodeFailure, shiftDecodeFailure } from "@sealroom/hash-chain/errors";

/** Machine-readable failure codes, shared by all errors of this package. */
export const PrefixTreeErrorCode = {
  Truncated: "truncated",
  Trailing: "trailing",
  Oversized: "oversized",
  NonCanonical: "non-canonical",
  BadMagic: "bad-magic",
  BadVersion: "bad-version",
  BadTag: "bad-tag",
  Malformed: "malformed",
  CountMismatch: "count-mismatch",
  BadDomain: "bad-domain",
  UnknownDomain: "unknown-domain",
  TimeBackwards: "time-backwards",
  DuplicateKey: "duplicate-key",
  PageMissing: "page-missing",
  /** A tree without a store is used after an update of it failed part-way (`PrefixTree.setMany`). */
  FailedUpdate: "failed-update",
} as const;
export type PrefixTreeErrorCode = (typeof PrefixTreeErrorCode)[keyof typeof PrefixTreeErrorCode];

export class PrefixTreeError extends Error {
  readonly code: PrefixTreeErrorCode;
  constructor(code: PrefixTreeErrorCode, message: string) {
    super(message);
    this.name = "PrefixTreeError";
    this.code = code;
  }
}

/** Malformed bytes: truncated, trailing, oversized, non-canonical or structurally invalid. */
export class DecodeError extends PrefixTreeError {
  readonly offset: number;
  /** The message without the offset suffix. */
  readonly detail: string;
  constructor(code: PrefixTreeErrorCode, offset: number, detail: string, options?: { cause?: unknown }) {
    super(code, `${detail} (at byte ${offset})`);
    this.name = "DecodeError";
    this.offset = offset;
    this.detail = detail;
    if (options && "cause" in options) this.cause = options.cause;
  }

  /** `inner` (any package's decode error on a slice starting at byte `base`) as this package's. */
  static at(inner: DecodeFailure, base: number): DecodeError {
    const { code, offset, detail } = shiftDecodeFailure(inner, base, PrefixTreeErrorCode);
    return new DecodeError(code, offset, detail, { cause: inner });
  }
}

/** A domain that is not a lowercase-normalisable ASCII A-label name. */
export class DomainError extends PrefixTreeError {
  readonly domain: string;
  constructor(domain: string, message: string) {
    super(
      PrefixTreeErrorCode.BadDomain,
      `invalid domain ${JSON.stringify(domain.slice(0, 300))}: ${message}`,
    );
    this.name = "DomainError";
    this.domain = domain;
  }
}

/** A tree event batch that cannot be replayed; the tree is left unchanged. */
export class BatchError extends PrefixTreeError {
  /** Index of the offending event in the batch, or -1 for the batch as a whole. */
  readonly eventIndex: number;
  constructor(code: PrefixTreeErrorCode, eventIndex: number, message: string) {
    super(code, eventIndex >= 0 ? `event ${eventIndex}: ${message}` : message);
    this.name = "BatchError";
    this.eventIndex = eventIndex;
  }
}
