import { formatCosignerSignerKey, generateCosignerKey } from "@sealroom/prefix-tree/note";
import { workerConfig } from "@sealroom/vitest-config";

// A fixed test key (deterministic seed) so tests can check the vkey; never used outside tests.
const testKey = formatCosignerSignerKey(generateCosignerKey("witness.test", new Uint8Array(32).fill(0x42)));

export default workerConfig(
  "./wrangler.jsonc",
  {
    bindings: {
      SERVICES: "[]",
      POLL_MS: "100",
      RECOSIGN_MS: "60000",
      WITNESS_SKEY: testKey,
      ADMIN_TOKEN: "test-admin-token",
    },
  },
  { globalSetup: ["./test/support/global-setup.ts"] },
);
