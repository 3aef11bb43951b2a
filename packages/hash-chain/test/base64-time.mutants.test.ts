/**
 * Base64 decoders and time arguments at their edges (found by mutation testing, `pnpm mutate`):
 * characters above ASCII in the 4-character fast path and in the tail, an all-zero group, the
 * largest accepted Unix time and a zero duration.
 */
import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64UrlNoPad } from "../src/base64.ts";
import {
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  durationSeconds,
  MAX_UNIX_SECONDS,
  unixSeconds,
} from "../src/unix-time.ts";

describe("base64 decoders", () => {
  it("an all-zero group decodes to zero bytes", () => {
    expect(decodeBase64("AAAA")).toEqual(new Uint8Array(3));
    expect(decodeBase64UrlNoPad("AAAAAA")).toEqual(new Uint8Array(4));
  });

  it("refuses characters above ASCII, in a full group and in the tail", () => {
    for (const c of ["\u0080", "\u00e9", "\u0100", "\u4e00"]) {
      expect(decodeBase64(`${c}AAA`), c).toBeUndefined();
      expect(decodeBase64(`AAAA${c}A==`), c).toBeUndefined();
      expect(decodeBase64UrlNoPad(`AAA${c}`), c).toBeUndefined();
      expect(decodeBase64UrlNoPad(`AAAAA${c}`), c).toBeUndefined();
      expect(decodeBase64UrlNoPad(`AAAA${c}A`), c).toBeUndefined();
    }
  });
});

describe("time arguments", () => {
  it("cosignature freshness defaults: 7 days old at most, 5 minutes ahead at most (docs/wire-formats.md)", () => {
    expect(DEFAULT_MAX_AGE).toBe(604_800);
    expect(DEFAULT_MAX_FUTURE_SKEW).toBe(300);
  });

  it(`Unix seconds up to ${MAX_UNIX_SECONDS}; one more looks like milliseconds`, () => {
    expect(unixSeconds(MAX_UNIX_SECONDS, "now")).toBe(MAX_UNIX_SECONDS);
    expect(() => unixSeconds(MAX_UNIX_SECONDS + 1, "now")).toThrow(TypeError);
    expect(unixSeconds(0, "now")).toBe(0);
  });

  it("a zero duration is a duration", () => {
    expect(durationSeconds(0, "maxFutureSkew")).toBe(0);
    expect(() => durationSeconds(-1, "maxFutureSkew")).toThrow(TypeError);
  });
});
