/**
 * The SFU data plane in real Chromium, end to end on loopback: the room Worker under `wrangler dev`
 * with `CALLS_APP_ID` / `CALLS_APP_SECRET` / `CALLS_API_BASE` pointing at `@sealroom/local-sfu` (a
 * real werift SFU standing in for Cloudflare Realtime). One tab pushes its fake camera with
 * partytracks through the Worker's `/partytracks` proxy; a second tab pulls it and decodes it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalSfu, startLocalSfu } from "@sealroom/local-sfu";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PullStats, TrackMetadata } from "../fixtures/local-sfu/page.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { bundleFixture } from "../src/fixture-server.ts";
import { freePort, startWorker, stop } from "../src/workspace.ts";

const persist = mkdtempSync(join(tmpdir(), "sealroom-local-sfu-"));
let sfu: LocalSfu;
let room: Awaited<ReturnType<typeof startWorker>>;
let chromium: LaunchedBrowser;
let origin: string;
let script: string;

beforeAll(async () => {
  sfu = await startLocalSfu({ port: 0 });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  [room, chromium, script] = await Promise.all([
    startWorker("room", {
      port,
      inspectorPort: await freePort(),
      persistTo: persist,
      vars: { CALLS_APP_ID: sfu.appId, CALLS_APP_SECRET: sfu.appSecret, CALLS_API_BASE: sfu.url },
    }),
    launchChromium(),
    bundleFixture("local-sfu/page.ts"),
  ]);
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  if (room) await stop(room);
  await sfu?.close();
  rmSync(persist, { recursive: true, force: true });
});

/** A tab on the room Worker's origin (so `/partytracks` and `/media/config` are same-origin). */
async function open(errors: string[]): Promise<Page> {
  const page = await chromium.context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route(`${origin}/__local-sfu/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path.endsWith("/page.js")) return route.fulfill({ contentType: "text/javascript", body: script });
    return route.fulfill({
      contentType: "text/html",
      body: '<!doctype html><title>sfu</title><script type="module" src="/__local-sfu/page.js"></script>',
    });
  });
  await page.goto(`${origin}/__local-sfu/`);
  await page.waitForFunction(() => "sfuPush" in globalThis);
  return page;
}

describe("SFU data plane through the room Worker and the local SFU", () => {
  it("one tab pushes its camera with partytracks, another pulls and decodes it", async () => {
    const errors: string[] = [];
    const pusher = await open(errors);
    const puller = await open(errors);
    const meta = await pusher.evaluate(() =>
      (globalThis as unknown as { sfuPush(): Promise<TrackMetadata> }).sfuPush(),
    );
    expect(meta.location).toBe("remote");
    expect(meta.sessionId).toMatch(/^[0-9a-f]{32}$/);
    await puller.evaluate(
      (m) => (globalThis as unknown as { sfuPull(m: TrackMetadata): Promise<void> }).sfuPull(m),
      meta,
    );
    const stats = () =>
      puller.evaluate(() => (globalThis as unknown as { sfuStats(): Promise<PullStats> }).sfuStats());
    let first: PullStats | undefined;
    await expect
      .poll(
        async () => {
          const s = await stats();
          first ??= s.framesDecoded > 0 ? s : undefined;
          return s.framesDecoded;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThan(10);
    // Decoding goes on (frames keep arriving through the SFU), at the camera's size.
    await expect
      .poll(async () => (await stats()).framesDecoded, { timeout: 15_000 })
      .toBeGreaterThan((first?.framesDecoded ?? 0) + 20);
    const last = await stats();
    expect(last.videoWidth).toBeGreaterThan(0);
    expect(last.keyFramesDecoded).toBeGreaterThan(0);
    expect(last.connectionState).toBe("connected");
    // The SFU really carried it: the pusher's session received RTP and forwarded it to the puller's.
    const pushed = Object.values(sfu.sfu.stats(meta.sessionId).pushed);
    expect(pushed[0]?.received).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });
});
