/**
 * Fast tests for mutation testing (`pnpm mutate`, stryker.config.mjs): the whole suite except the
 * long explorations (exhaustive state exploration and randomized schedules, ~20 s each), which
 * Stryker would otherwise re-run for nearly every mutant of the committer and sequencer. The
 * explorations still run in `pnpm test`; mutation scores are those of the remaining tests.
 *
 * Files run unit tests first (codec, framing, sequencer, the `*.mutants` tests), then the scenario
 * tests that drive real MLS groups. Stryker stops at a mutant's first failing test, so a broken
 * encoder is caught by a codec test in milliseconds instead of hanging a scenario (waiting for
 * members that never settle) until Stryker's timeout restarts the runner.
 */
import { nodeConfig } from "@sealroom/vitest-config";
import { testsFirst } from "@sealroom/vitest-config/tests-first";

const FIRST = [
  /\.mutants\.test\.ts$/,
  /\/codec[^/]*\.test\.ts$/,
  /\/mls-framing[^/]*\.test\.ts$/,
  /\/sequencer[^/]*\.test\.ts$/,
];

export default nodeConfig({
  include: ["test/**/*.test.ts"],
  exclude: ["test/explore.test.ts", "test/random.test.ts"],
  sequence: { sequencer: testsFirst(FIRST) },
});
