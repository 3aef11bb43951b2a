/**
 * Randomized schedules (issue #5): real ts-mls with crashes at await points, and symbolic MLS for breadth.
 * CI runs a few hundred real schedules; `pnpm check` runs >= 10,000 (SEALROOM_CHECK_RUNS).
 */
import { describe, expect, it } from "vitest";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { randomRun } from "./support/random-run.ts";
import { SymbolicEngine } from "./support/symbolic-engine.ts";

const REAL_RUNS = Number(process.env.SEALROOM_TEST_RUNS ?? 300);

describe("randomized schedules", () => {
  it(`${REAL_RUNS} schedules of 3-6 users on real ts-mls`, async () => {
    const engine = await TsMlsEngine.create();
    const t0 = performance.now();
    let faults = 0;
    let epochs = 0n;
    let users = 0;
    for (let seed = 1; seed <= REAL_RUNS; seed++) {
      const r = await randomRun(seed, engine);
      faults += r.crashes + r.awaitCrashes + r.reconnects;
      epochs += r.finalEpoch;
      users += r.users;
    }
    console.log(
      `random[ts-mls]: ${REAL_RUNS} schedules, ${users} users, ${faults} faults, ${epochs} epochs, ${Math.round(performance.now() - t0)} ms`,
    );
    expect(faults).toBeGreaterThan(REAL_RUNS / 2);
    expect(epochs).toBeGreaterThan(BigInt(REAL_RUNS));
  }, 170_000);

  it("1000 schedules on symbolic MLS", async () => {
    const engine = new SymbolicEngine();
    for (let seed = 100_000; seed < 101_000; seed++) await randomRun(seed, engine);
  }, 120_000);
});
