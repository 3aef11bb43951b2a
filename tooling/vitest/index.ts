/**
 * Shared vitest settings. Every run writes `.reports/vitest.json` beside the package so that
 * `tooling/scripts/summarize.mjs` can print one `N passed, N failed` line for the whole workspace
 * (turbo caches the report with the test task, so a cached run still counts).
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const reporters: NonNullable<NonNullable<ViteUserConfig["test"]>["reporters"]> = [
  "default",
  ["json", { outputFile: ".reports/vitest.json" }],
];

/** Packages: plain Node. */
export function nodeConfig(extra: NonNullable<ViteUserConfig["test"]> = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      reporters,
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...extra,
    },
  });
}

/** Apps: tests run inside workerd with the app's own wrangler config (bindings, DOs, R2). */
export function workerConfig(
  wranglerConfigPath = "./wrangler.jsonc",
  /** Test-only Worker vars/secrets layered over wrangler.jsonc (e.g. shorter timeouts). */
  bindings: Record<string, string> = {},
): ViteUserConfig {
  return defineConfig({
    plugins: [cloudflareTest({ wrangler: { configPath: wranglerConfigPath }, miniflare: { bindings } })],
    test: {
      include: ["test/**/*.test.ts"],
      reporters,
      testTimeout: 60_000,
    },
  });
}
