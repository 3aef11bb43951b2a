/**
 * Chromium for the call UI tests and bench: like `browser.ts` (Debian's /usr/bin/chromium, fake camera
 * and microphone, loopback) plus what a person's browser would grant: screen capture picked without a
 * dialog (`--auto-select-desktop-capture-source`), media autoplay, and clipboard access for the origin.
 * Pages are driven through the UI (roles, labels, clicks); `videoPixels` only reads what is on screen.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type LaunchedBrowser, launchChromium } from "./browser.ts";
import { ROOT } from "./workspace.ts";

export const SCREENSHOTS = join(ROOT, "tooling/e2e/screenshots");

export type UiBrowser = LaunchedBrowser;

export async function launchUiChromium(origin: string): Promise<UiBrowser> {
  const browser = await launchChromium({
    viewport: { width: 1280, height: 800 },
    args: [
      "--auto-select-desktop-capture-source=Entire screen",
      "--autoplay-policy=no-user-gesture-required",
    ],
    grant: { origin, permissions: ["clipboard-read", "clipboard-write", "camera", "microphone"] },
  });
  // Two shared cores run three tabs, their workers and wrangler: a click can wait for a starved renderer.
  browser.context.setDefaultTimeout(60_000);
  return browser;
}

export interface Pixels {
  width: number;
  /** Mean and standard deviation of luminance (0..255). */
  mean: number;
  sd: number;
  /** A coarse 8×8 luminance fingerprint, to tell a moving picture from a frozen one. */
  print: number[];
}

/** What a `<video>` shows now (drawn to a canvas). `selector` must match one video element. */
export function videoPixels(page: Page, selector: string): Promise<Pixels | null> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    if (!v || v.videoWidth === 0) return null;
    const c = document.createElement("canvas");
    c.width = 64;
    c.height = 64;
    const g = c.getContext("2d", { willReadFrequently: true })!;
    g.drawImage(v, 0, 0, 64, 64);
    const d = g.getImageData(0, 0, 64, 64).data;
    const lum: number[] = [];
    for (let i = 0; i < d.length; i += 4) lum.push(0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!);
    const mean = lum.reduce((a, b) => a + b, 0) / lum.length;
    const sd = Math.sqrt(lum.reduce((a, b) => a + (b - mean) ** 2, 0) / lum.length);
    const print: number[] = [];
    for (let by = 0; by < 8; by++)
      for (let bx = 0; bx < 8; bx++) {
        let s = 0;
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s += lum[(by * 8 + y) * 64 + bx * 8 + x]!;
        print.push(Math.round(s / 64));
      }
    return { width: v.videoWidth, mean, sd, print };
  }, selector);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
