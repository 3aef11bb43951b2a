/**
 * Test pages for Chromium without an app: fixtures (`tooling/e2e/fixtures/...`) bundled by esbuild as
 * browser ES modules, served from memory on 127.0.0.1 at an ephemeral port.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";

/** `fixtures/<path>` and what it imports, as one browser ES module (ES2022). */
export async function bundleFixture(path: string): Promise<string> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, "../fixtures", path)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

export interface FixtureServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `files` (URL path -> [content type, body]); anything else is 404. */
export async function serveFixtures(files: Record<string, [string, string]>): Promise<FixtureServer> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ""];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
