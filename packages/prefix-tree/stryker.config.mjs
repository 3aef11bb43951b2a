// Mutation testing of this package: `pnpm --filter @sealroom/prefix-tree mutate` (see the repo README).
// `--files src/sha256-into.ts` alone runs only the SHA-256 tests (vitest.mutate.sha256.config.ts);
// `--files src/page.ts,src/prefix-tree.ts` only the tree's own tests (vitest.mutate.tree.config.ts).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({
  mutate: ["src/**/*.ts"],
  vitestConfig: "vitest.mutate.config.ts",
  alone: {
    "src/sha256-into.ts": "vitest.mutate.sha256.config.ts",
    "src/page.ts,src/prefix-tree.ts": "vitest.mutate.tree.config.ts",
  },
});
