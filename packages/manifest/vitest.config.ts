import { nodeConfig } from "@sealroom/vitest-config";
import { testHome } from "./test/helpers/test-home.ts";

export default nodeConfig({ env: testHome() });
