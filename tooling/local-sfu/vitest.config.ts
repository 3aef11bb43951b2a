import { nodeConfig } from "@sealroom/vitest-config";

// Every test starts servers on 127.0.0.1 (run inside tooling/scripts/loopback.sh); one file at a time.
export default nodeConfig({ fileParallelism: false, testTimeout: 30_000 });
