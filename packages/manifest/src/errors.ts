/**
 * Failure reasons and typed errors.
 *
 * The reason names are those of waict-integrity v2 "Handling Failures -> Reporting"
 * (`manifest_unavailable`, `invalid_manifest`, `invalid_transparency_proof`, `missing_from_manifest`,
 * `no_manifest_match`) plus `wasm_hash_mismatch` from "Changes to WebAssembly Processing", and the
 * reasons of Sealroom's preload-list extension (docs/preload-list.md), which the drafts lack. Every
 * verifier in this package reports one of these, with a finer `detail` code and a human message, so a
 * caller can map a failure to the spec's enforce/report behaviour without string matching.
 */
import type { DecodeFailure } from "@sealroom/hash-chain/errors";

export const FailureReason = {
  manifestUnavailable: "manifest_unavailable",
  invalidManifest: "invalid_manifest",
  invalidTransparencyProof: "invalid_transparency_proof",
  missingFromManifest: "missing_from_manifest",
  noManifestMatch: "no_manifest_match",
  wasmHashMismatch: "wasm_hash_mismatch",
  // Sealroom preload-list extension (preload-policy.ts, verify-preload-list.ts; docs/preload-list.md).
  /** A preloaded site sent no `Integrity-Policy-WAICT-v1` header or no manifest. */
  stripped: "stripped",
  /** A preloaded site's manifest response has no transparency proof line. */
  missingTransparencyProof: "missing_transparency_proof",
  /** A preloaded site's chain head is older than the one its preload list saw in the tree. */
  staleHead: "stale_head",
  /** A preloaded site shows a tombstone (or emergency opt-out) younger than the cooldown. */
  unenrolmentCooldown: "unenrolment_cooldown",
  /** A site on the dev-ids preload list lacks dev-ids, or its value is not provably cooled down. */
  extensionCooldown: "extension_cooldown",
  /** A preload list (or its publication proof) does not verify. */
  invalidPreloadList: "invalid_preload_list",
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** A failed check: the spec's reason, a stable machine-readable detail code and a message. */
export interface Failure {
  readonly ok: false;
  readonly reason: FailureReason;
  readonly detail: string;
  readonly message: string;
}

export function failure(reason: FailureReason, detail: string, message: string): Failure {
  return { ok: false, reason, detail, message };
}

/**
 * Base of every error this package throws on purpose; thrown by `decode*`/`parse*` functions on
 * malformed input. `reason` is the integrity-spec failure reason the malformation maps to; `code`
 * is the `Failure.detail` a verifier reports for it (snake_case, the vocabulary of the spec's
 * reasons: README "Errors"); `offset` is the byte (or character) offset where parsing stopped, when
 * one is meaningful; `detail` is the message without the offset (docs/architecture.md "Errors").
 */
export class ManifestError extends Error {
  readonly reason: FailureReason;
  readonly code: string;
  readonly offset: number | undefined;
  readonly detail: string;
  constructor(
    reason: FailureReason,
    code: string,
    detail: string,
    offset?: number,
    options?: { cause?: unknown },
  ) {
    super(offset === undefined ? detail : `${detail} (at byte ${offset})`);
    this.name = "ManifestError";
    this.reason = reason;
    this.code = code;
    this.offset = offset;
    this.detail = detail;
    if (options && "cause" in options) this.cause = options.cause;
  }
}

/** `ChainHeadWithProof` and signed-note decoding failures: always `invalid_transparency_proof`. */
export class ProofDecodeError extends ManifestError {
  constructor(code: string, detail: string, offset?: number, options?: { cause?: unknown }) {
    super(FailureReason.invalidTransparencyProof, code, detail, offset, options);
    this.name = "ProofDecodeError";
  }

  /**
   * Another package's decode error (`inner`, on a slice starting at byte `base` of this decoder's
   * input) passed through: same code in this package's casing (`non-canonical` → `non_canonical`),
   * offset from this input, `inner` kept as `cause`.
   */
  static at(inner: DecodeFailure, base: number): ProofDecodeError {
    return new ProofDecodeError(inner.code.replaceAll("-", "_"), inner.detail, base + inner.offset, {
      cause: inner,
    });
  }
}

/** Preload list and preload list response decoding failures: always `invalid_preload_list`. */
export class PreloadListDecodeError extends ManifestError {
  constructor(code: string, message: string, offset?: number) {
    super(FailureReason.invalidPreloadList, code, message, offset);
    this.name = "PreloadListDecodeError";
  }
}

/** Manifest JSON / response framing failures: always `invalid_manifest`. */
export class InvalidManifestError extends ManifestError {
  constructor(code: string, message: string, offset?: number) {
    super(FailureReason.invalidManifest, code, message, offset);
    this.name = "InvalidManifestError";
  }
}
