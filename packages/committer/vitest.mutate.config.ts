/**
 * Fast tests for mutation testing (`pnpm mutate`, stryker.config.mjs): the whole suite except the
 * long explorations (exhaustive state exploration and randomized schedules, ~20 s each), which
 * Stryker would otherwise re-run for nearly every mutant of the committer and sequencer. The
 * explorations still run in `pnpm test`; mutation scores are those of the remaining tests.
 */
import { nodeConfig } from "@sealroom/vitest-config";

export default nodeConfig({
  include: ["test/**/*.test.ts"],
  exclude: ["test/explore.test.ts", "test/random.test.ts"],
});
