/** Builds the fixture Vite app (test/fixtures/vite-app) with the real `vite` binary into a temp dir. */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const FIXTURE = resolve(import.meta.dirname, "../fixtures/vite-app");

/** Returns the output directory of a fresh `vite build` of the fixture. */
export async function buildFixture(): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "sealroom-vite-"));
  // Build a copy so vite never writes (cache, timestamps) into the source tree.
  const root = join(tmp, "app");
  cpSync(FIXTURE, root, { recursive: true });
  const out = join(tmp, "dist");
  const viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin/vite.js");
  await run(process.execPath, [viteBin, "build", root, "--outDir", out, "--emptyOutDir"], { cwd: root });
  return out;
}
