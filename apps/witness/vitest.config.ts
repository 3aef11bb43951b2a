import { workerConfig } from "@sealroom/vitest-config";

export default workerConfig();
