/**
 * Key package lifetime policy at its exact boundaries (issue 18, mutation testing): the clock-skew
 * allowance on both ends, the maximum total lifetime, and an inverted lifetime.
 */
import { describe, expect, it } from "vitest";
import {
  CLOCK_SKEW_SECONDS,
  isLifetimeSane,
  issueLifetime,
  KEY_PACKAGE_LIFETIME_SECONDS,
  MAX_KEY_PACKAGE_LIFETIME_SECONDS,
} from "../src/key-package-policy.ts";

const NOW = 1_800_000_000;
const N = BigInt(NOW);
const SKEW = BigInt(CLOCK_SKEW_SECONDS);
const MAX = BigInt(MAX_KEY_PACKAGE_LIFETIME_SECONDS);

describe("key package lifetime policy", () => {
  it("the constants are 1 day, 30 days and 5 minutes", () => {
    expect(KEY_PACKAGE_LIFETIME_SECONDS).toBe(86_400);
    expect(MAX_KEY_PACKAGE_LIFETIME_SECONDS).toBe(2_592_000);
    expect(CLOCK_SKEW_SECONDS).toBe(300);
  });

  it("issues [now - skew, now + 1 day]", () => {
    expect(issueLifetime(NOW)).toEqual({ notBefore: N - 300n, notAfter: N + 86_400n });
  });

  it("a package not yet valid is accepted up to exactly the skew early", () => {
    const starting = (notBefore: bigint) => isLifetimeSane({ notBefore, notAfter: notBefore + 3600n }, NOW);
    expect(starting(N)).toBe(true);
    expect(starting(N + SKEW)).toBe(true);
    expect(starting(N + SKEW + 1n)).toBe(false);
  });

  it("an expired package is accepted up to exactly the skew late", () => {
    const ending = (notAfter: bigint) => isLifetimeSane({ notBefore: notAfter - 3600n, notAfter }, NOW);
    expect(ending(N)).toBe(true);
    expect(ending(N - SKEW)).toBe(true);
    expect(ending(N - SKEW - 1n)).toBe(false);
  });

  it("a total lifetime of exactly 30 days is accepted, one second more is not", () => {
    const from = N - 86_400n;
    expect(isLifetimeSane({ notBefore: from, notAfter: from + MAX }, NOW)).toBe(true);
    expect(isLifetimeSane({ notBefore: from, notAfter: from + MAX + 1n }, NOW)).toBe(false);
  });

  it("now is Unix seconds as a number: a bigint, a Date or milliseconds is a TypeError", () => {
    for (const bad of [N, new Date(NOW * 1000), NOW * 1000, NOW + 0.5])
      expect(() => issueLifetime(bad as never), String(bad)).toThrow(/"now"/);
    expect(() => isLifetimeSane({ notBefore: N, notAfter: N }, N as never)).toThrow(TypeError);
  });

  it("a zero-length lifetime at now is accepted; an inverted one never is", () => {
    expect(isLifetimeSane({ notBefore: N, notAfter: N }, NOW)).toBe(true);
    expect(isLifetimeSane({ notBefore: N, notAfter: N - 1n }, NOW)).toBe(false);
    // Inverted but both ends within the skew of now: only the inversion check refuses it.
    expect(isLifetimeSane({ notBefore: N + 100n, notAfter: N - 100n }, NOW)).toBe(false);
  });
});
