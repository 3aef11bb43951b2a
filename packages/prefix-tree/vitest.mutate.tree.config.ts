/**
 * Tests for mutating the tree itself, `src/page.ts` and `src/prefix-tree.ts` (`pnpm mutate -- --files
 * src/page.ts,src/prefix-tree.ts`, see stryker.config.mjs): the tree's and the page store's own tests
 * and the known-answer vectors. Every test that builds a tree covers nearly every mutant of these
 * files (the event, replay, shard and batch-proof tests use a tree as a tool and check it only
 * through the same roots and proofs); running them all per surviving mutant made the run take 3-5
 * hours on two cores. The long page-store scenarios of page-rows.test.ts also run at a fifth of their
 * size (`test/scale-for-mutation.setup.ts`): instrumented they took 28 of these tests' 37 seconds.
 * Leaving tests out or making them smaller can only let more mutants survive, so the score stays honest.
 */
import { nodeConfig } from "@sealroom/vitest-config";
import { testsFirst } from "@sealroom/vitest-config/tests-first";

export default nodeConfig({
  include: [
    "test/vectors.test.ts",
    "test/page-store.mutants.test.ts",
    "test/page-buffer.mutants.test.ts",
    "test/page-row-decode.mutants.test.ts",
    "test/sort-leaves.mutants.test.ts",
    "test/page-cache.mutants.test.ts",
    "test/tree-stats.mutants.test.ts",
    "test/tree-args.mutants.test.ts",
    "test/readme-examples.test.ts",
    "test/tree.test.ts",
    "test/non-inclusion.test.ts",
    "test/apply-batch.test.ts",
    "test/buffer-pool.test.ts",
    "test/sql-page-store.test.ts",
    "test/page-rows.test.ts",
  ],
  setupFiles: ["test/scale-for-mutation.setup.ts"],
  testTimeout: 600_000,
  sequence: {
    sequencer: testsFirst([
      /\/vectors\.test\.ts$/,
      /\.mutants\.test\.ts$/,
      /\/readme-examples\.test\.ts$/,
      /\/tree\.test\.ts$/,
      /\/non-inclusion\.test\.ts$/,
    ]),
  },
});
