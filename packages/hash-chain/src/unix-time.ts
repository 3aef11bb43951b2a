/**
 * The one time convention of every Sealroom package (docs/architecture.md "Time"): a point in time
 * in a public API is **Unix seconds as a `number`** (a non-negative safe integer), and a duration is
 * whole seconds as a `number`. Wire codecs keep `bigint` where the format says u64
 * (`Entry.timeCreated`, a cosignature's `TimestampedSignature.timestamp`, an MLS `Lifetime`).
 *
 * Anything else throws a `TypeError` naming the option, instead of silently making every
 * cosignature "stale": a `Date`, a `bigint`, a string, a non-integer, NaN, and a value above
 * `MAX_UNIX_SECONDS` (10^11 s, the year 5138), which is how `Date.now()` milliseconds look.
 */

/**
 * The family's cosignature freshness defaults (docs/wire-formats.md "Signed notes and cosignatures",
 * the WAICT blog's 7 days; 5 minutes of clock skew). Applied by prefix-tree's `tallyWitnesses`,
 * re-exported by `@sealroom/prefix-tree/note` and `@sealroom/manifest`; defined here, in a module
 * without side effects, so the browser verifier's up-front chunk does not load signed notes.
 */
export const DEFAULT_MAX_AGE = 7 * 24 * 60 * 60;
export const DEFAULT_MAX_FUTURE_SKEW = 5 * 60;

/** Largest accepted point in time: larger values are taken for milliseconds (year 5138). */
export const MAX_UNIX_SECONDS = 100_000_000_000;

function describe(value: unknown): string {
  if (value instanceof Date) return "a Date";
  if (typeof value === "bigint") return `the bigint ${value}n`;
  if (typeof value === "number") return String(value);
  return typeof value;
}

/** `value` as a point in time (Unix seconds); `TypeError` naming `name` for anything else. */
export function unixSeconds(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `"${name}" must be Unix seconds as a non-negative integer number, got ${describe(value)}`,
    );
  }
  if (value > MAX_UNIX_SECONDS) {
    throw new TypeError(`"${name}" looks like milliseconds (${value}); pass Unix seconds`);
  }
  return value;
}

/**
 * `value` as a duration in whole seconds; `TypeError` naming `name` for anything else.
 * With `unbounded`, `Infinity` is accepted and means "no limit".
 */
export function durationSeconds(value: unknown, name: string, unbounded = false): number {
  if (unbounded && value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `"${name}" must be a duration in seconds as a non-negative integer number, got ${describe(value)}`,
    );
  }
  return value;
}

/** The system clock in Unix seconds (what an omitted `now` means). */
export function currentUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
