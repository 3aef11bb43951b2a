/**
 * Tests for mutation testing (`pnpm mutate`, stryker.config.mjs): the whole suite (~40 s), with a
 * longer per-test timeout, and the fast unit-test files first.
 *
 * With `hash.ts`, `bytes.ts` or `sha256-into.ts` among the mutated files nearly every test covers
 * every mutant; the fuzz and page-store tests (10,000 inputs, thousands of hashed pages) then run
 * slower under instrumentation and on a busy machine could outlast the suite's 60 s timeout. Stryker
 * stops at a mutant's first failing test, so the `*.mutants` tests, the known-answer vectors and the
 * codec tests run first: a broken hash or decoder fails there in milliseconds.
 */
import { nodeConfig } from "@sealroom/vitest-config";
import { testsFirst } from "@sealroom/vitest-config/tests-first";

const FIRST = [
  /\.mutants\.test\.ts$/,
  /\/vectors\.test\.ts$/,
  /\/domain\.test\.ts$/,
  /\/tree-event[^/]*\.test\.ts$/,
  /\/signed-note\.test\.ts$/,
  /\/cosignature\.test\.ts$/,
  /\/ed25519\.test\.ts$/,
];

export default nodeConfig({
  testTimeout: 600_000,
  sequence: { sequencer: testsFirst(FIRST) },
});
