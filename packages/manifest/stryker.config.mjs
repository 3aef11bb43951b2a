// Mutation testing of this package: `pnpm --filter @sealroom/manifest mutate` (see the repo README).
// The mutation config leaves out the bundle-size guard (see vitest.mutate.config.ts).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"], vitestConfig: "vitest.mutate.config.ts" });
