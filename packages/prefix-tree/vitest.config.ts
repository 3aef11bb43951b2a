import { nodeConfig } from "@sealroom/vitest-config";

export default nodeConfig();
