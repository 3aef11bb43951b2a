import { nodeConfig } from "@sealroom/vitest-config";

// Browser tests: real Chromium, run by `pnpm test` inside a loopback-only network namespace.
export default nodeConfig({
  include: ["test-browser/**/*.test.ts"],
  reporters: ["default", ["json", { outputFile: ".reports/browser.json" }]],
  fileParallelism: false,
  testTimeout: 240_000,
});
