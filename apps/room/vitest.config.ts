import { workerConfig } from "@sealroom/vitest-config";

// Short heartbeat so the half-open test takes ~2 s; the other limits keep their production defaults.
// A fixed (public) append key and the test hooks for the WAICT routes (test/waict.test.ts).
export default workerConfig("./wrangler.jsonc", {
  bindings: {
    ROOM_HEARTBEAT_TIMEOUT_MS: "1500",
    WAICT_APPEND_KEY: "sealroom.localhost+2b5e297d+AWuGWenGAWxVbB6mR1mKn0YGLaFC+xED74aB7gQkC/Ln",
    SEALROOM_TEST_HOOKS: "1",
  },
});
