import { defineConfig } from "vite";

// The room Worker serves dist/ (see apps/room/wrangler.jsonc); the build is what gets a WAICT manifest.
// Workers (MLS, media) are ES modules: `new Worker(new URL(...), { type: "module" })`.
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, target: "es2022" },
  worker: { format: "es" },
});
