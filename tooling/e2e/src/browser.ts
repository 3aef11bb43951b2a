/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * browser download of the test tool's own). Run inside tooling/scripts/loopback.sh so that WebRTC
 * media and every request stay on loopback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.SEALROOM_CHROMIUM ?? "/usr/bin/chromium";

export interface LaunchedBrowser {
  /** A context on a fresh, throw-away profile directory. */
  context: BrowserContext;
  /** The profile directory: Chromium's processes carry it as `--user-data-dir` (benchmarks sum their CPU). */
  profile: string;
  close(): Promise<void>;
}

/**
 * Command-line switches of every test browser. Several participants share one browser as tabs, so
 * background tabs must keep their timers and keep rendering video like a foreground one.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--allow-loopback-in-peer-connection",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

export interface LaunchOptions {
  /** Switches added to `CHROMIUM_ARGS`. */
  args?: string[];
  viewport?: { width: number; height: number };
  /** Permissions granted to `origin` (e.g. the clipboard). */
  grant?: { origin: string; permissions: string[] };
}

export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sealroom-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
  });
  if (opts.grant) await context.grantPermissions(opts.grant.permissions, { origin: opts.grant.origin });
  return {
    context,
    profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
