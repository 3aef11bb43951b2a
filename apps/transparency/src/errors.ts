/**
 * Every expected failure of the service, declared together and mapped to an HTTP status once
 * (`statusOf`, used by `app.onError`). The Durable Object returns these as plain `{ error }`
 * results over RPC (class identity does not survive RPC); routes turn them into `ServiceError`.
 */

export const ErrorKind = {
  /** Malformed path, header, body or parameter. */
  BadRequest: "bad_request",
  /** The domain is not enrolled (the draft: 400). */
  NotEnrolled: "not_enrolled",
  /** Bad append/upload signature. */
  BadSignature: "bad_signature",
  /** Cosignature from a key that is not a configured witness. */
  UnknownKey: "unknown_key",
  /** Unknown batch, domain, entry or asset. */
  NotFound: "not_found",
  /** Append at a position that is not the chain's next one (replay, race); carries `position`. */
  Conflict: "position_conflict",
  PayloadTooLarge: "payload_too_large",
  /** Well-formed cosignature that does not verify for root N. */
  BadCosignature: "bad_cosignature",
  /** Enrolment: the site's well-known document could not be fetched or is malformed (424). */
  SiteUnavailable: "site_unavailable",
  /** Not cosigned yet (append timeout, leaf before first cosignature): retry later. */
  NotYetCosigned: "not_yet_cosigned",
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export interface ErrorResult {
  error: ErrorKind;
  message: string;
  /** The chain's next position (Conflict). */
  position?: string;
}

export function statusOf(kind: ErrorKind): 400 | 403 | 404 | 409 | 413 | 422 | 424 | 503 {
  switch (kind) {
    case ErrorKind.BadRequest:
    case ErrorKind.NotEnrolled:
      return 400;
    case ErrorKind.BadSignature:
    case ErrorKind.UnknownKey:
      return 403;
    case ErrorKind.NotFound:
      return 404;
    case ErrorKind.Conflict:
      return 409;
    case ErrorKind.PayloadTooLarge:
      return 413;
    case ErrorKind.BadCosignature:
      return 422;
    case ErrorKind.SiteUnavailable:
      // A 4xx: the request was fine but the site's document could not be used; retrying the
      // same request changes nothing until the site is fixed.
      return 424;
    case ErrorKind.NotYetCosigned:
      return 503;
  }
}

export class ServiceError extends Error {
  readonly kind: ErrorKind;
  readonly extra: Record<string, string>;
  constructor(kind: ErrorKind, message: string, extra: Record<string, string> = {}) {
    super(message);
    this.name = "ServiceError";
    this.kind = kind;
    this.extra = extra;
  }

  static from(r: ErrorResult): ServiceError {
    return new ServiceError(r.error, r.message, r.position !== undefined ? { position: r.position } : {});
  }
}

export const bad = (message: string): ServiceError => new ServiceError(ErrorKind.BadRequest, message);
