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

/** Miniflare overrides for a test run (test-only vars, an outbound service). */
export type WorkerTestOverrides =
  NonNullable<Parameters<typeof cloudflareTest>[0]> extends infer O
    ? O extends { miniflare?: infer M }
      ? M
      : never
    : never;

export interface WorkerConfigOptions {
  /** Node-side setup files (e.g. a local HTTP server the Worker under test talks to). */
  globalSetup?: string[];
}

/**
 * Apps: tests run inside workerd with the app's own wrangler config (bindings, DOs, R2), plus
 * optional Miniflare overrides (e.g. test vars, an outbound service standing in for the Internet).
 */
export function workerConfig(
  wranglerConfigPath = "./wrangler.jsonc",
  miniflare?: WorkerTestOverrides,
  options: WorkerConfigOptions = {},
): ViteUserConfig {
  return defineConfig({
    plugins: [
      cloudflareTest({ wrangler: { configPath: wranglerConfigPath }, ...(miniflare ? { miniflare } : {}) }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      reporters,
      testTimeout: 60_000,
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
    },
  });
}
