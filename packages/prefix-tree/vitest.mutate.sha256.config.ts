/**
 * Tests for mutating `src/sha256-into.ts` alone (`pnpm mutate -- --files src/sha256-into.ts`, see
 * stryker.config.mjs): its own tests (padding boundaries, every length 0..200 and 10,000 random inputs
 * against node:crypto, ranges and arguments), the hash adapter's mutants tests and the tree's known-answer
 * vectors. Every other test covers every mutant of the hash too, but only through these same digests;
 * running them all per surviving mutant, and waiting out a looping mutant against the whole suite's
 * time, made the run take hours.
 */
import { nodeConfig } from "@sealroom/vitest-config";

export default nodeConfig({
  include: ["test/sha256-into.test.ts", "test/hash-proof.mutants.test.ts", "test/vectors.test.ts"],
  testTimeout: 600_000,
});
