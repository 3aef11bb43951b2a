import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallOptions, CallReport } from "../fixtures/frames/page.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { bundleFixture, type FixtureServer, serveFixtures } from "../src/fixture-server.ts";

let server: FixtureServer | undefined;
let origin: string;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  server = await serveFixtures({
    "/": ["text/html", '<!doctype html><title>frames</title><script type="module" src="/page.js"></script>'],
    "/page.js": ["text/javascript", await bundleFixture("frames/page.ts")],
    "/worker.js": ["text/javascript", await bundleFixture("frames/worker.ts")],
  });
  origin = server.origin;
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function call(opts: CallOptions): Promise<CallReport> {
  const page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(origin);
  await page.waitForFunction(() => "runCall" in globalThis);
  const report = await page.evaluate(
    (o) => (globalThis as unknown as { runCall(o: CallOptions): Promise<CallReport> }).runCall(o),
    opts,
  );
  await page.close();
  expect(errors).toEqual([]);
  return report;
}

describe.each(["script-transform", "encoded-streams"] as const)("encrypted call through %s", (api) => {
  it("decodes video and audio when both sides hold the epoch key, across an epoch switch", async () => {
    const r = await call({ api, wrongKey: false });
    expect(r.api).toBe(api);
    expect(r.codec).toBe("video/VP8");
    // Frames were encrypted and decrypted, not passed through.
    expect(r.first.sender.encrypted).toBeGreaterThan(50);
    expect(r.first.receiver.decrypted).toBeGreaterThan(50);
    expect(r.first.receiver["auth-failed"]).toBe(0);
    expect(r.first.videoFramesDecoded).toBeGreaterThan(20);
    expect(r.first.audioPacketsReceived).toBeGreaterThan(50);
    // The call keeps decoding under the new epoch's key.
    expect(r.afterSwitch.videoFramesDecoded).toBeGreaterThan(r.first.videoFramesDecoded + 20);
    expect(r.afterSwitch.receiver.decrypted).toBeGreaterThan((r.first.receiver.decrypted ?? 0) + 50);
    expect(r.afterSwitch.receiver["auth-failed"]).toBe(0);
  });

  it("decodes nothing when the receiver holds a different key", async () => {
    const r = await call({ api, wrongKey: true });
    expect(r.first.sender.encrypted).toBeGreaterThan(50);
    expect(r.first.receiver.decrypted).toBe(0);
    expect(r.first.receiver["auth-failed"]).toBeGreaterThan(50);
    expect(r.afterSwitch.videoFramesDecoded).toBe(0);
  });
});
