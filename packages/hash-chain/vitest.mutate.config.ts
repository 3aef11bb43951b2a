/**
 * Tests for mutation testing (`pnpm mutate`, stryker.config.mjs): the whole suite, with a longer
 * per-test timeout, and the fast unit-test files first.
 *
 * Stryker instruments `src/`: with `sha256-small.ts` among the mutated files every hash goes through
 * its mutant switches, and the decoder fuzz tests (10,000 inputs, each hashed) then outlast the
 * suite's 60 s timeout on a busy machine, failing Stryker's initial run. Files run SHA-256's own
 * tests and the `*.mutants` tests first: Stryker stops at a mutant's first failing test, so a
 * broken compression function fails a known-answer test in milliseconds instead of a fuzz test.
 */
import { nodeConfig } from "@sealroom/vitest-config";
import { testsFirst } from "@sealroom/vitest-config/tests-first";

const FIRST = [/\/sha256-small\.test\.ts$/, /\.mutants\.test\.ts$/, /\/vectors\.test\.ts$/];

export default nodeConfig({
  testTimeout: 600_000,
  sequence: { sequencer: testsFirst(FIRST) },
});
