// Mutation testing of this package: `pnpm --filter @sealroom/hash-chain mutate` (see the repo README).
// The mutation config allows longer tests and runs the unit tests first (see vitest.mutate.config.ts);
// `--files src/sha256-small.ts` alone runs only SHA-256's own tests (vitest.mutate.sha256.config.ts).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({
  mutate: ["src/**/*.ts"],
  vitestConfig: "vitest.mutate.config.ts",
  alone: { "src/sha256-small.ts": "vitest.mutate.sha256.config.ts" },
});
