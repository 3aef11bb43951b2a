/**
 * The web client as a person gets it: the room Worker under wrangler dev serves the built page, and
 * real Chromium loads it and runs its script against the Worker's API.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { type start, startWorker, stop } from "../src/workspace.ts";

const port = 28_787;
const persist = mkdtempSync(join(tmpdir(), "sealroom-browser-"));
let room: ReturnType<typeof start>;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  room = await startWorker("room", { port, inspectorPort: 29229, persistTo: persist });
  chromium = await launchChromium();
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await stop(room);
  rmSync(persist, { recursive: true, force: true });
});

describe("web client in Chromium", () => {
  it("loads from the room Worker and reports the room server it talks to", async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(`http://127.0.0.1:${port}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe("Sealroom");
    await expect
      .poll(() => page.locator("#status").textContent(), { timeout: 15_000 })
      .toMatch(/^Room server @sealroom\/room \d+\.\d+\.\d+.* is up\.$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("serves the single-page app for unknown paths and JSON errors for the API", async () => {
    const page = await chromium.context.newPage();
    const res = await page.goto(`http://127.0.0.1:${port}/r/some-room`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe("Sealroom");
    const api = await page.request.get(`http://127.0.0.1:${port}/rooms/BAD/ws`);
    expect(api.status()).toBe(400);
    await page.close();
  });
});
