/**
 * The mesh watchdog's verdict (`src/engine/watchdog.ts`): a connection that is not up is restarted only
 * once it has been quiet for the whole wait; one still making progress is looked at again.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { watchdogVerdict } from "../src/engine/watchdog.ts";

const WAIT = 6_000;

describe("watchdogVerdict", () => {
  it("restarts a connection that is not up and was quiet for the whole wait", () => {
    expect(watchdogVerdict({ state: "new", lastProgress: 1_000 }, 7_000, WAIT)).toEqual({ kind: "restart" });
    expect(watchdogVerdict({ state: "connecting", lastProgress: 0 }, 9_000, WAIT)).toEqual({
      kind: "restart",
    });
  });

  it("leaves an exchange that made progress within the wait, and says when to look again", () => {
    // The traced case: the answer came 5 s into a 6 s wait (a starved machine), then ICE was checking.
    expect(watchdogVerdict({ state: "new", lastProgress: 5_000 }, 6_000, WAIT)).toEqual({
      kind: "recheck",
      ms: 5_000,
    });
    expect(watchdogVerdict({ state: "connecting", lastProgress: 6_999 }, 7_000, WAIT)).toEqual({
      kind: "recheck",
      ms: 5_999,
    });
  });

  it("the boundary: quiet for exactly the wait restarts, one millisecond less does not", () => {
    expect(watchdogVerdict({ state: "new", lastProgress: 0 }, WAIT, WAIT).kind).toBe("restart");
    expect(watchdogVerdict({ state: "new", lastProgress: 1 }, WAIT, WAIT)).toEqual({
      kind: "recheck",
      ms: 1,
    });
  });

  it("restarts a failed connection at once, whatever its progress", () => {
    expect(watchdogVerdict({ state: "failed", lastProgress: 10_000 }, 10_000, WAIT)).toEqual({
      kind: "restart",
    });
  });

  it("stops watching a connection that is up, interrupted or closed", () => {
    for (const state of ["connected", "disconnected", "closed"] as const) {
      expect(watchdogVerdict({ state, lastProgress: 0 }, 1_000_000, WAIT)).toEqual({ kind: "done" });
    }
  });

  it("fast-check: restart exactly when quiet >= wait (or failed); a recheck comes within the wait", () => {
    const states = ["new", "connecting", "connected", "disconnected", "failed", "closed"] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        // Whole milliseconds: with fractions, rounding may leave a last recheck of a fraction of one.
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 1e5 }),
        (state, lastProgress, later, wait) => {
          const now = lastProgress + later;
          const v = watchdogVerdict({ state, lastProgress }, now, wait);
          const pending = state === "new" || state === "connecting";
          if (state === "failed") expect(v.kind).toBe("restart");
          else if (!pending) expect(v.kind).toBe("done");
          else if (now - lastProgress >= wait) expect(v.kind).toBe("restart");
          else {
            expect(v.kind).toBe("recheck");
            if (v.kind === "recheck") {
              expect(v.ms).toBeGreaterThan(0);
              expect(v.ms).toBeLessThanOrEqual(wait);
              // Looking again after `ms` with no progress restarts.
              expect(watchdogVerdict({ state, lastProgress }, now + v.ms, wait).kind).toBe("restart");
            }
          }
        },
      ),
    );
  });
});
