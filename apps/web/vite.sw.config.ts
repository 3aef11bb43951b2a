import { defineConfig } from "vite";

// The service worker (src/sw.ts, issue 16), built after the app into dist/sw.js: a fixed URL (its
// scope is the whole site) and one file (service workers cannot use dynamic import()).
export default defineConfig({
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2022",
    lib: { entry: "src/sw.ts", formats: ["es"], fileName: () => "sw.js" },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});
