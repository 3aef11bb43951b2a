// Mutation testing of this package: `pnpm --filter @sealroom/hash-chain mutate` (see the repo README).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"] });
