/**
 * Why a witness refuses a service's tree update (issue 10, DESIGN.md "Transparency service"). A
 * refusal is recorded with its reason and time, the service's stored state is left exactly as it
 * was, and nothing more is signed for that service until an operator resets it (README "Reset").
 */
export const RefusalKind = {
  /** Same N, another root: the service shows two trees (split view). */
  Fork: "fork",
  /** The service's size is below what the witness has verified. */
  Rollback: "rollback",
  /** The service advertises size M but withholds a sealed batch below M. */
  Gap: "gap",
  /** A batch that does not decode or replay (time backwards, bad domain, count mismatch, ...). */
  Replay: "replay",
  /** A compact batch proof that does not verify against the trusted root. */
  Proof: "proof",
  /** The service speaks for another tree domain than the one configured. */
  Domain: "domain",
  /** Signing would give a second root for an N the witness already cosigned. */
  Equivocation: "equivocation",
} as const;
export type RefusalKind = (typeof RefusalKind)[keyof typeof RefusalKind];

/** Thrown inside a poll step; caught by the Durable Object, which records it. */
export class Refusal extends Error {
  readonly kind: RefusalKind;
  /** The batch count the refused update was about. */
  readonly size: number;
  constructor(kind: RefusalKind, size: number, message: string) {
    super(message);
    this.name = "Refusal";
    this.kind = kind;
    this.size = size;
  }
}
