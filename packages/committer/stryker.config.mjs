// Mutation testing of this package: `pnpm --filter @sealroom/committer mutate` (see the repo README).
// The fast-test config leaves out the long explorations (see vitest.mutate.config.ts).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"], vitestConfig: "vitest.mutate.config.ts" });
