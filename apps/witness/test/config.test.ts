/** SERVICES parsing: strict, every problem named. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseServices } from "../src/config.ts";
import { WitnessError } from "../src/errors.ts";

describe("parseServices", () => {
  it("accepts the local stack's value and normalises the URL", () => {
    expect(
      parseServices(
        '[{"url":"http://127.0.0.1:8788/","tree_domain":"transparency.sealroom.localhost","mode":"replay"}]',
      ),
    ).toEqual([
      { url: "http://127.0.0.1:8788", tree_domain: "transparency.sealroom.localhost", mode: "replay" },
    ]);
  });

  it.each([
    ["not json", "{"],
    ["not an array", "{}"],
    ["bad url", '[{"url":"nope","tree_domain":"a.example","mode":"replay"}]'],
    ["ftp url", '[{"url":"ftp://x","tree_domain":"a.example","mode":"replay"}]'],
    ["bad domain", '[{"url":"http://x","tree_domain":"A B","mode":"replay"}]'],
    ["bad mode", '[{"url":"http://x","tree_domain":"a.example","mode":"lazy"}]'],
    ["extra field", '[{"url":"http://x","tree_domain":"a.example","mode":"replay","k":1}]'],
    [
      "duplicate domain",
      '[{"url":"http://x","tree_domain":"a.example","mode":"replay"},{"url":"http://y","tree_domain":"a.example","mode":"compact"}]',
    ],
  ])("rejects %s", (_name, value) => {
    expect(() => parseServices(value)).toThrow(WitnessError);
  });

  it("throws only WitnessError on arbitrary JSON (fuzz)", () => {
    fc.assert(
      fc.property(fc.json(), (j) => {
        try {
          parseServices(j);
        } catch (e) {
          expect(e).toBeInstanceOf(WitnessError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
