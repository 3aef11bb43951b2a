/**
 * Key package checks beyond RFC 9420 §10.1 that this room needs: the credential must be a basic
 * credential whose identity is exactly the member id the room assigned (otherwise a server could swap in
 * another member's package under a different id), and the lifetime must be current and short. The draft
 * of the room protocol is silent on lifetimes; we issue 1 day and accept at most 30 days (ts-mls caps a
 * total lifetime at one month by default) with 5 minutes of clock skew.
 */
import { unixSeconds } from "@sealroom/hash-chain/time";

/** Durations are whole seconds as `number`s, points in time Unix seconds (docs/architecture.md "Time"). */
export const KEY_PACKAGE_LIFETIME_SECONDS = 86_400;
export const MAX_KEY_PACKAGE_LIFETIME_SECONDS = 30 * 86_400;
export const CLOCK_SKEW_SECONDS = 300;

const LIFETIME = BigInt(KEY_PACKAGE_LIFETIME_SECONDS);
const MAX_LIFETIME = BigInt(MAX_KEY_PACKAGE_LIFETIME_SECONDS);
const SKEW = BigInt(CLOCK_SKEW_SECONDS);

/** RFC 9420 §7.2 `Lifetime`: u64 Unix seconds on the wire, hence `bigint`. */
export interface Lifetime {
  notBefore: bigint;
  notAfter: bigint;
}

/** The lifetime we put in our own key packages, issued at `now` (Unix seconds). */
export function issueLifetime(now: number): Lifetime {
  const t = BigInt(unixSeconds(now, "now"));
  return { notBefore: t - SKEW, notAfter: t + LIFETIME };
}

/** Current at `now` (Unix seconds, with skew), not inverted, and no longer than the policy maximum. */
export function isLifetimeSane(l: Lifetime, now: number): boolean {
  const t = BigInt(unixSeconds(now, "now"));
  if (l.notAfter < l.notBefore) return false;
  if (l.notAfter - l.notBefore > MAX_LIFETIME) return false;
  return l.notBefore <= t + SKEW && t - SKEW <= l.notAfter;
}
