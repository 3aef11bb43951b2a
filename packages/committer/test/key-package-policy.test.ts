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

const NOW = 1_800_000_000n;

describe("key package lifetime policy", () => {
  it("the constants are 1 day, 30 days and 5 minutes", () => {
    expect(KEY_PACKAGE_LIFETIME_SECONDS).toBe(86_400n);
    expect(MAX_KEY_PACKAGE_LIFETIME_SECONDS).toBe(2_592_000n);
    expect(CLOCK_SKEW_SECONDS).toBe(300n);
  });

  it("issues [now - skew, now + 1 day]", () => {
    expect(issueLifetime(NOW)).toEqual({ notBefore: NOW - 300n, notAfter: NOW + 86_400n });
  });

  it("a package not yet valid is accepted up to exactly the skew early", () => {
    const starting = (notBefore: bigint) => isLifetimeSane({ notBefore, notAfter: notBefore + 3600n }, NOW);
    expect(starting(NOW)).toBe(true);
    expect(starting(NOW + CLOCK_SKEW_SECONDS)).toBe(true);
    expect(starting(NOW + CLOCK_SKEW_SECONDS + 1n)).toBe(false);
  });

  it("an expired package is accepted up to exactly the skew late", () => {
    const ending = (notAfter: bigint) => isLifetimeSane({ notBefore: notAfter - 3600n, notAfter }, NOW);
    expect(ending(NOW)).toBe(true);
    expect(ending(NOW - CLOCK_SKEW_SECONDS)).toBe(true);
    expect(ending(NOW - CLOCK_SKEW_SECONDS - 1n)).toBe(false);
  });

  it("a total lifetime of exactly 30 days is accepted, one second more is not", () => {
    const from = NOW - 86_400n;
    expect(isLifetimeSane({ notBefore: from, notAfter: from + MAX_KEY_PACKAGE_LIFETIME_SECONDS }, NOW)).toBe(
      true,
    );
    expect(
      isLifetimeSane({ notBefore: from, notAfter: from + MAX_KEY_PACKAGE_LIFETIME_SECONDS + 1n }, NOW),
    ).toBe(false);
  });

  it("a zero-length lifetime at now is accepted; an inverted one never is", () => {
    expect(isLifetimeSane({ notBefore: NOW, notAfter: NOW }, NOW)).toBe(true);
    expect(isLifetimeSane({ notBefore: NOW, notAfter: NOW - 1n }, NOW)).toBe(false);
    // Inverted but both ends within the skew of now: only the inversion check refuses it.
    expect(isLifetimeSane({ notBefore: NOW + 100n, notAfter: NOW - 100n }, NOW)).toBe(false);
  });
});
