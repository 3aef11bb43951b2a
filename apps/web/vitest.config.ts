import { nodeConfig } from "@sealroom/vitest-config";

// Unit tests of the engine's pure parts (codecs, bookkeeping) in Node; the engine itself runs in real
// Chromium (tooling/e2e/test-browser).
export default nodeConfig();
