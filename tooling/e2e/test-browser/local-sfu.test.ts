/**
 * The SFU data plane in real Chromium, end to end on loopback: the room Worker under `wrangler dev`
 * with `CALLS_APP_ID` / `CALLS_APP_SECRET` / `CALLS_API_BASE` pointing at `@sealroom/local-sfu` (a
 * real werift SFU standing in for Cloudflare Realtime). Two tabs each push a fake camera and
 * microphone with partytracks through the Worker's `/partytracks` proxy and pull the other's, on one
 * PeerConnection (one SFU session) per tab, as in a call; each decodes the other's video and audio.
 * Then one tab stops pulling the other's audio (partytracks' `tracks/close` with the tab's offer) and
 * video keeps flowing both ways on the renegotiated sessions (this once crashed the tab: Chromium
 * aborts when a renegotiation moves a live sender's `sdes:mid` extension id, see extension-ids.ts),
 * and pulls it again. Finally one tab closes: the SFU ends its session after the inactivity timeout
 * and the other tab's pulls of it turn inactive.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalSfu } from "@sealroom/local-sfu";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PullStats, TrackMetadata } from "../fixtures/local-sfu/page.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { bundleFixture } from "../src/fixture-server.ts";
import { startSfuRoom, stop } from "../src/workspace.ts";

const persist = mkdtempSync(join(tmpdir(), "sealroom-local-sfu-"));
let sfu: LocalSfu;
let room: Awaited<ReturnType<typeof startSfuRoom>>["room"];
let chromium: LaunchedBrowser;
let origin: string;
let script: string;

beforeAll(async () => {
  // A short inactivity timeout (hosted: 30 s) so a closed tab's session ends within the test.
  // A short inactivity timeout (hosted: 30 s) so a closed tab's session ends within the test.
  let started: Awaited<ReturnType<typeof startSfuRoom>>;
  [started, chromium, script] = await Promise.all([
    startSfuRoom(persist, { port: 0, idleTimeoutMs: 5000 }),
    launchChromium(),
    bundleFixture("local-sfu/page.ts"),
  ]);
  ({ sfu, room, origin } = started);
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  if (room) await stop(room);
  await sfu?.close();
  rmSync(persist, { recursive: true, force: true });
});

type Kind = "video" | "audio";
interface PageApi {
  sfuPush(kind: Kind): Promise<TrackMetadata>;
  sfuPull(meta: TrackMetadata, kind: Kind): Promise<void>;
  sfuStats(): Promise<PullStats>;
  sfuUnpull(trackName: string): void;
}

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

const push = (page: Page, kind: Kind) =>
  page.evaluate((k) => (globalThis as unknown as PageApi).sfuPush(k), kind);
const pull = (page: Page, meta: TrackMetadata, kind: Kind) =>
  page.evaluate(([m, k]) => (globalThis as unknown as PageApi).sfuPull(m, k), [meta, kind] as const);
const stats = (page: Page) => page.evaluate(() => (globalThis as unknown as PageApi).sfuStats());

describe("SFU data plane through the room Worker and the local SFU", () => {
  it("two tabs push camera and microphone with partytracks and each decodes the other's", async () => {
    const res = await fetch(`${origin}/media/config`);
    expect(((await res.json()) as { mode: string }).mode).toBe("sfu");
    const errors: string[] = [];
    const [a, b] = [await open(errors), await open(errors)];
    const [aVideo, aAudio, bVideo, bAudio] = await Promise.all([
      push(a, "video"),
      push(a, "audio"),
      push(b, "video"),
      push(b, "audio"),
    ]);
    expect(aVideo.location).toBe("remote");
    expect(aVideo.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(aAudio.sessionId).toBe(aVideo.sessionId);
    expect(bVideo.sessionId).not.toBe(aVideo.sessionId);
    await Promise.all([
      pull(a, bVideo, "video"),
      pull(a, bAudio, "audio"),
      pull(b, aVideo, "video"),
      pull(b, aAudio, "audio"),
    ]);
    for (const page of [a, b]) {
      let first: PullStats | undefined;
      await expect
        .poll(
          async () => {
            const s = await stats(page);
            first ??= s.framesDecoded > 0 ? s : undefined;
            return s.framesDecoded;
          },
          { timeout: 30_000, interval: 250 },
        )
        .toBeGreaterThan(10);
      // Decoding goes on (frames keep arriving through the SFU), and audio plays.
      await expect
        .poll(async () => (await stats(page)).framesDecoded, { timeout: 15_000 })
        .toBeGreaterThan((first?.framesDecoded ?? 0) + 20);
      const last = await stats(page);
      expect(last.videoWidth).toBeGreaterThan(0);
      expect(last.keyFramesDecoded).toBeGreaterThan(0);
      expect(last.audioSamplesReceived).toBeGreaterThan(0);
      expect(last.connectionState).toBe("connected");
    }
    // The SFU really carried it: each pushed track received RTP and forwarded it to the other tab.
    for (const meta of [aVideo, bVideo]) {
      const s = sfu.sfu.stats(meta.sessionId);
      expect(Object.values(s.pushed).every((p) => p.received > 50)).toBe(true);
      expect(Object.values(s.pulled).every((p) => p.forwarded > 50)).toBe(true);
      expect(Object.keys(s.pulled)).toHaveLength(2);
    }
    // B stops pulling A's audio: partytracks closes it at the SFU; video still flows both ways.
    await b.evaluate((name) => (globalThis as unknown as PageApi).sfuUnpull(name), aAudio.trackName);
    await expect
      .poll(async () => (await fetchState(bVideo.sessionId)).filter((t) => t.location === "remote").length, {
        timeout: 15_000,
      })
      .toBe(1);
    for (const page of [a, b]) {
      const before = (await stats(page)).framesDecoded;
      await expect
        .poll(async () => (await stats(page)).framesDecoded, { timeout: 15_000 })
        .toBeGreaterThan(before + 20);
      expect((await stats(page)).connectionState).toBe("connected");
    }
    // B pulls A's audio again (a new m-line, or the closed one recycled): audio plays again.
    const samples = (await stats(b)).audioSamplesReceived;
    await pull(b, aAudio, "audio");
    await expect
      .poll(async () => (await stats(b)).audioSamplesReceived, { timeout: 15_000 })
      .toBeGreaterThan(samples + 48_000);
    expect(errors).toEqual([]);
    // A's tab closes: the SFU sees A go silent and ends its session; B's pulls of A turn inactive.
    await a.close();
    await expect
      .poll(async () => (await fetchState(bVideo.sessionId)).filter((t) => t.status === "inactive").length, {
        timeout: 30_000,
      })
      .toBe(2);
    expect(
      (await fetch(`${sfu.url}/apps/${sfu.appId}/sessions/${aVideo.sessionId}`, { headers: auth() })).status,
    ).toBe(404);
  });
});

/** `GET sessions/{id}` on the SFU, as the Realtime API answers it. */
async function fetchState(
  sessionId: string,
): Promise<{ location: string; trackName: string; status: string }[]> {
  const res = await fetch(`${sfu.url}/apps/${sfu.appId}/sessions/${sessionId}`, { headers: auth() });
  return ((await res.json()) as { tracks: { location: string; trackName: string; status: string }[] }).tracks;
}

function auth(): Record<string, string> {
  return { authorization: `Bearer ${sfu.appSecret}` };
}
