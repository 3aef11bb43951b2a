/**
 * End-to-end encrypted media in real Chromium: two peer connections on loopback send fake camera and
 * microphone tracks; @sealroom/mls-frames encrypts every frame in a worker on the way out and
 * decrypts it in another worker on the way in, through RTCRtpScriptTransform and through the
 * createEncodedStreams fallback. Video only decodes when the receiver holds the sender's key.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallOptions, CallReport } from "../fixtures/frames/page.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";

let server: Server;
let origin: string;
let chromium: LaunchedBrowser;

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, "../fixtures/frames", entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

beforeAll(async () => {
  const files: Record<string, [string, string]> = {
    "/": ["text/html", '<!doctype html><title>frames</title><script type="module" src="/page.js"></script>'],
    "/page.js": ["text/javascript", await bundle("page.ts")],
    "/worker.js": ["text/javascript", await bundle("worker.ts")],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await new Promise((r) => server?.close(r));
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
