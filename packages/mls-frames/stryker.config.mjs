// Mutation testing of this package: `pnpm --filter @sealroom/mls-frames mutate` (see the repo README).
import { strykerConfig } from "../../tooling/mutate/stryker-config.mjs";

export default strykerConfig({ mutate: ["src/**/*.ts"] });
