import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519Cases } from "../../../packages/prefix-tree/test/ed25519-vectors.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { bundleFixture, type FixtureServer, serveFixtures } from "../src/fixture-server.ts";

let server: FixtureServer | undefined;
let origin: string;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  server = await serveFixtures({
    "/": ["text/html", '<!doctype html><title>ed25519</title><script type="module" src="/page.js"></script>'],
    "/page.js": ["text/javascript", await bundleFixture("ed25519/page.ts")],
  });
  origin = server.origin;
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

describe("Ed25519 in Chromium", () => {
  it("WebCrypto (BoringSSL) and @noble paths give Sealroom's verdict on every vector; BoringSSL alone gives Go's", async () => {
    const cases = ed25519Cases();
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(origin);
    await page.waitForFunction(() => "runVectors" in globalThis);
    const input = cases.map((c) => ({
      publicKey: hex(c.publicKey),
      message: hex(c.message),
      signature: hex(c.signature),
    }));
    const r = (await page.evaluate(
      (i) => (globalThis as unknown as { runVectors(i: unknown): Promise<unknown> }).runVectors(i),
      input,
    )) as { webcrypto: boolean[]; noble: boolean[]; boringssl: boolean[] };
    await page.close();
    expect(errors).toEqual([]);
    const wrong = (got: boolean[], want: (c: (typeof cases)[0]) => boolean) =>
      cases.filter((c, i) => got[i] !== want(c)).map((c) => c.name);
    expect(wrong(r.webcrypto, (c) => c.valid)).toEqual([]);
    expect(wrong(r.noble, (c) => c.valid)).toEqual([]);
    expect(wrong(r.boringssl, (c) => c.go)).toEqual([]);
    expect(r.boringssl.filter(Boolean).length).toBeGreaterThan(r.webcrypto.filter(Boolean).length);
  });
});
