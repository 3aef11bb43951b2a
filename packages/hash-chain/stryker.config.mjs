// Mutation testing of this package: `pnpm --filter @sealroom/hash-chain mutate` (see the repo README).
// The mutation config allows longer tests and runs the unit tests first (see vitest.mutate.config.ts).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"], vitestConfig: "vitest.mutate.config.ts" });
