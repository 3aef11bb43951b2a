// Mutation testing of this package: `pnpm --filter @sealroom/prefix-tree mutate` (see the repo README).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"], vitestConfig: "vitest.mutate.config.ts" });
