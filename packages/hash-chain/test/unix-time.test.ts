import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentUnixSeconds, durationSeconds, MAX_UNIX_SECONDS, unixSeconds } from "../src/unix-time.ts";

describe("the one time convention: Unix seconds as a number", () => {
  it("accepts every safe integer in [0, MAX_UNIX_SECONDS]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_UNIX_SECONDS }), (t) => {
        expect(unixSeconds(t, "now")).toBe(t);
      }),
      { numRuns: 200 },
    );
    expect(unixSeconds(0, "now")).toBe(0);
    expect(unixSeconds(currentUnixSeconds(), "now")).toBeGreaterThan(1_700_000_000);
  });

  it("a Date, a bigint, a string, a fraction, NaN, a negative or a millisecond value is a TypeError naming the option", () => {
    const ms = Date.now();
    for (const bad of [new Date(), 1_800_000_000n, "1800000000", 1.5, Number.NaN, -1, ms, Infinity, null]) {
      expect(() => unixSeconds(bad, "now"), String(bad)).toThrow(TypeError);
      expect(() => unixSeconds(bad, "now")).toThrow(/^"now"/);
    }
    expect(() => unixSeconds(ms, "now")).toThrow(/milliseconds/);
    expect(() => unixSeconds(new Date(), "time")).toThrow(/a Date/);
    expect(() => unixSeconds(MAX_UNIX_SECONDS + 1, "now")).toThrow(TypeError);
  });

  it("durations are whole seconds; Infinity only where a limit may be absent", () => {
    expect(durationSeconds(300, "maxFutureSkew")).toBe(300);
    expect(durationSeconds(Infinity, "maxAge", true)).toBe(Infinity);
    expect(() => durationSeconds(Infinity, "maxFutureSkew")).toThrow(/"maxFutureSkew"/);
    for (const bad of [300n, 0.5, -1, Number.NaN, "300"])
      expect(() => durationSeconds(bad, "maxAge", true), String(bad)).toThrow(TypeError);
  });
});
