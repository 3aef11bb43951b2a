/** Replay window against a reference model (a Set with the same window rule). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayWindow } from "../src/index.ts";

describe("ReplayWindow", () => {
  it("matches a set-based model on random CTR streams (10,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.bigInt({ min: 0n, max: 200n }), { maxLength: 60 }),
        (size, ctrs) => {
          const w = new ReplayWindow(size);
          const seen = new Set<bigint>();
          let highest = -1n;
          for (const c of ctrs) {
            const expected =
              c > highest
                ? "fresh"
                : highest - c >= BigInt(size)
                  ? "too-old"
                  : seen.has(c)
                    ? "replay"
                    : "fresh";
            expect(w.check(c)).toBe(expected);
            if (expected === "fresh") {
              w.accept(c);
              seen.add(c);
              if (c > highest) highest = c;
            }
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("handles large jumps; CTRs at or above 2^53 are out of range", () => {
    const w = new ReplayWindow(64);
    w.accept(5n);
    w.accept(2n ** 53n - 1n);
    expect(w.check(5n)).toBe("too-old");
    expect(w.check(2n ** 53n - 1n)).toBe("replay");
    expect(w.check(2n ** 53n - 2n)).toBe("fresh");
    expect(w.check(2n ** 53n)).toBe("out-of-range");
    expect(w.check((1n << 64n) - 1n)).toBe("out-of-range");
    expect(() => w.accept(2n ** 53n)).toThrow(RangeError);
    expect(() => new ReplayWindow(0)).toThrow(RangeError);
  });

  it("a jump of exactly the window size clears the old bits", () => {
    const w = new ReplayWindow(32);
    for (let i = 0n; i < 32n; i++) w.accept(i);
    w.accept(63n);
    expect(w.check(32n)).toBe("fresh");
    expect(w.check(31n)).toBe("too-old");
    expect(w.check(63n)).toBe("replay");
  });
});
