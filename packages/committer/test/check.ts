/**
 * `pnpm --filter @sealroom/committer check`: the heavy verification run, outside CI.
 *   - exhaustive exploration with symbolic MLS at deeper bounds than CI (SEALROOM_CHECK_EXPLORE=0 skips);
 *   - SEALROOM_CHECK_RUNS (default 10000) random schedules of 3-6 users on real ts-mls with crashes at
 *     await points and lossy reconnects; SEALROOM_CHECK_SEED sets the first seed (default 1).
 * Prints states explored, schedules run and timings; exits non-zero on the first violation (with the
 * schedule that produced it, replayable by seed).
 */
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { type ExploreConfig, explore } from "./support/explore.ts";
import { randomRun } from "./support/random-run.ts";

const runs = Number(process.env.SEALROOM_CHECK_RUNS ?? 10_000);
const firstSeed = Number(process.env.SEALROOM_CHECK_SEED ?? 1);
const doExplore = process.env.SEALROOM_CHECK_EXPLORE !== "0";

const CONFIGS: (ExploreConfig & { name: string })[] = [
  {
    name: "3 users, empty room",
    users: ["a", "b", "c"],
    settled: 0,
    depth: 16,
    maxCrashes: 1,
    maxReconnects: 1,
  },
  {
    name: "3 users, empty room, 2+2 faults",
    users: ["a", "b", "c"],
    settled: 0,
    depth: 14,
    maxCrashes: 2,
    maxReconnects: 2,
  },
  {
    name: "4 users, empty room",
    users: ["a", "b", "c", "d"],
    settled: 0,
    depth: 14,
    maxCrashes: 1,
    maxReconnects: 1,
  },
  {
    name: "4 users, 2 settled",
    users: ["a", "b", "c", "d"],
    settled: 2,
    depth: 12,
    maxCrashes: 1,
    maxReconnects: 1,
  },
  {
    name: "4 users, 3 settled",
    users: ["a", "b", "c", "d"],
    settled: 3,
    depth: 12,
    maxCrashes: 2,
    maxReconnects: 1,
  },
];

const t0 = performance.now();
if (doExplore) {
  let total = 0;
  for (const cfg of CONFIGS) {
    const r = await explore(cfg);
    total += r.states;
    console.log(
      `explore ${cfg.name.padEnd(32)} depth ${String(cfg.depth).padStart(2)} crashes<=${cfg.maxCrashes} reconnects<=${cfg.maxReconnects}: ` +
        `${r.states} states, ${r.transitions} transitions, ${r.quiescentChecks} quiescent checks, ${r.frontierDrains} frontier drains, ${(r.ms / 1000).toFixed(1)} s`,
    );
  }
  console.log(`explore total: ${total} states`);
}

const engine = await TsMlsEngine.create();
const t1 = performance.now();
let faults = 0;
let epochs = 0n;
let users = 0;
for (let i = 0; i < runs; i++) {
  const r = await randomRun(firstSeed + i, engine);
  faults += r.crashes + r.awaitCrashes + r.reconnects;
  epochs += r.finalEpoch;
  users += r.users;
  if ((i + 1) % 1000 === 0)
    console.log(`  ${i + 1} schedules, ${((performance.now() - t1) / 1000).toFixed(0)} s`);
}
console.log(
  `random ts-mls: ${runs} schedules (seeds ${firstSeed}..${firstSeed + runs - 1}), ${users} users, ${faults} faults, ` +
    `${epochs} epochs, ${((performance.now() - t1) / 1000).toFixed(1)} s`,
);
console.log(`check passed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
