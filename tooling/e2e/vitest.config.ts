import { nodeConfig } from "@sealroom/vitest-config";

// Files share ports and the machine's two cores: run them one after another.
export default nodeConfig({ fileParallelism: false, testTimeout: 180_000 });
