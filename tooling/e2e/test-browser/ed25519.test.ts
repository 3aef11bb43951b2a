/**
 * Ed25519 in real Chromium (WebCrypto = BoringSSL): Sealroom's verifier gives Sealroom's verdict on
 * all 926 adversarial vectors of packages/prefix-tree/vectors/ed25519 through both its WebCrypto and
 * its @noble path, and BoringSSL alone gives Go's verdict (so the precheck is what makes it agree
 * with Node's OpenSSL 3.5).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519Cases } from "../../../packages/prefix-tree/test/ed25519-vectors.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";

let server: Server;
let origin: string;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  const page = await build({
    entryPoints: [join(import.meta.dirname, "../fixtures/ed25519/page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const files: Record<string, [string, string]> = {
    "/": ["text/html", '<!doctype html><title>ed25519</title><script type="module" src="/page.js"></script>'],
    "/page.js": ["text/javascript", page.outputFiles[0]?.text ?? ""],
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
