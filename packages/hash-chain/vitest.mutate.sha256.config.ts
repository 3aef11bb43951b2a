/**
 * Tests for mutating `src/sha256-small.ts` alone (`pnpm mutate -- --files src/sha256-small.ts`, see
 * stryker.config.mjs): SHA-256's own tests (FIPS 180-4 examples, every length 0..200 and 5,000 random
 * inputs against node:crypto, argument checks) and the known-answer vectors. Every other test covers
 * every mutant of the hash too, but only through these same digests; running them all per surviving
 * mutant, and waiting out a looping mutant against the whole suite's time, made the run take hours.
 */
import { nodeConfig } from "@sealroom/vitest-config";

export default nodeConfig({
  include: ["test/sha256-small.test.ts", "test/vectors.test.ts"],
  testTimeout: 600_000,
});
