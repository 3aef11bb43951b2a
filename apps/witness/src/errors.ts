/**
 * Every expected failure of the witness, declared together and mapped to an HTTP status in one
 * place (`statusOf`), as Sunlight's witness does. Refusals of a service's tree update are not
 * errors of a request: they are recorded data (see refusal.ts).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const WitnessErrorKind = {
  /** The request is malformed (bad JSON, bad parameter). */
  BadRequest: "bad-request",
  /** Missing or wrong admin credentials. */
  Unauthorized: "unauthorized",
  /** The route is disabled (no admin token configured). */
  Forbidden: "forbidden",
  /** No such route or followed service. */
  NotFound: "not-found",
  /** The witness is misconfigured (SERVICES, WITNESS_SKEY, intervals). */
  Config: "config",
  /** A followed service answered something unusable (transient: retried, never signed). */
  Service: "service",
} as const;
export type WitnessErrorKind = (typeof WitnessErrorKind)[keyof typeof WitnessErrorKind];

export class WitnessError extends Error {
  readonly kind: WitnessErrorKind;
  constructor(kind: WitnessErrorKind, message: string) {
    super(message);
    this.name = "WitnessError";
    this.kind = kind;
  }
}

export const badRequest = (m: string) => new WitnessError(WitnessErrorKind.BadRequest, m);
export const configError = (m: string) => new WitnessError(WitnessErrorKind.Config, m);
export const serviceError = (m: string) => new WitnessError(WitnessErrorKind.Service, m);

export function statusOf(kind: WitnessErrorKind): ContentfulStatusCode {
  switch (kind) {
    case WitnessErrorKind.BadRequest:
      return 400;
    case WitnessErrorKind.Unauthorized:
      return 401;
    case WitnessErrorKind.Forbidden:
      return 403;
    case WitnessErrorKind.NotFound:
      return 404;
    case WitnessErrorKind.Service:
      return 502;
    case WitnessErrorKind.Config:
      return 503;
  }
}
