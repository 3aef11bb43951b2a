import { nodeConfig } from "@sealroom/vitest-config";

export default nodeConfig({ setupFiles: ["./test/helpers/test-home.ts"] });
