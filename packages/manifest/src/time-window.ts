/**
 * The client's freshness window, checked once at the entry of every verifier
 * (`verifyTransparency`, `verifyPreloadList`): Unix seconds as a safe-integer `number` for `now`,
 * whole seconds for `maxAge` (`Infinity`: no limit) and `maxFutureSkew`, as in every Sealroom
 * package (@sealroom/hash-chain/time, docs/architecture.md "Time"). A `Date`, a `bigint` or
 * milliseconds throw a `TypeError` naming the option instead of making every cosignature "stale".
 * The defaults are hash-chain/time's `DEFAULT_MAX_AGE`/`DEFAULT_MAX_FUTURE_SKEW`; the counting rule is
 * prefix-tree's `tallyWitnesses`.
 */
import {
  currentUnixSeconds,
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  durationSeconds,
  unixSeconds,
} from "@sealroom/hash-chain/time";

export interface TimeWindowOptions {
  /** Current Unix time in seconds (default: the system clock). */
  now?: number;
  /** Oldest acceptable cosignature, in seconds (default 7 days; `Infinity`: no limit). */
  maxAge?: number;
  /** Tolerated cosignature time in the future, in seconds (default 300). */
  maxFutureSkew?: number;
}

export interface TimeWindow {
  now: number;
  maxAge: number;
  maxFutureSkew: number;
}

/** The checked window with defaults filled in; `TypeError` naming the option otherwise. */
export function timeWindow(o: TimeWindowOptions): TimeWindow {
  return {
    now: o.now === undefined ? currentUnixSeconds() : unixSeconds(o.now, "now"),
    maxAge: durationSeconds(o.maxAge ?? DEFAULT_MAX_AGE, "maxAge", true),
    maxFutureSkew: durationSeconds(o.maxFutureSkew ?? DEFAULT_MAX_FUTURE_SKEW, "maxFutureSkew"),
  };
}
