/**
 * Key package checks beyond RFC 9420 §10.1 that this room needs: the credential must be a basic
 * credential whose identity is exactly the member id the room assigned (otherwise a server could swap in
 * another member's package under a different id), and the lifetime must be current and short. The draft
 * of the room protocol is silent on lifetimes; we issue 1 day and accept at most 30 days (ts-mls caps a
 * total lifetime at one month by default) with 5 minutes of clock skew.
 */
export const KEY_PACKAGE_LIFETIME_SECONDS = 86_400n;
export const MAX_KEY_PACKAGE_LIFETIME_SECONDS = 30n * 86_400n;
export const CLOCK_SKEW_SECONDS = 300n;

export interface Lifetime {
  notBefore: bigint;
  notAfter: bigint;
}

/** The lifetime we put in our own key packages. */
export function issueLifetime(now: bigint): Lifetime {
  return { notBefore: now - CLOCK_SKEW_SECONDS, notAfter: now + KEY_PACKAGE_LIFETIME_SECONDS };
}

/** Current at `now` (with skew), not inverted, and no longer than the policy maximum. */
export function isLifetimeSane(l: Lifetime, now: bigint): boolean {
  if (l.notAfter < l.notBefore) return false;
  if (l.notAfter - l.notBefore > MAX_KEY_PACKAGE_LIFETIME_SECONDS) return false;
  return l.notBefore <= now + CLOCK_SKEW_SECONDS && now - CLOCK_SKEW_SECONDS <= l.notAfter;
}
