import { workerConfig } from "@sealroom/vitest-config";

// Short heartbeat so the half-open test takes ~2 s; the other limits keep their production defaults.
export default workerConfig("./wrangler.jsonc", { bindings: { ROOM_HEARTBEAT_TIMEOUT_MS: "1500" } });
