/**
 * Usage handling of the service commands (their behaviour against a real service is the e2e
 * tooling/e2e/test/transparency-service.test.ts, under wrangler dev).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers/run-cli.ts";

describe("service commands", () => {
  it.each(["enroll", "append", "upload", "monitor"])("%s --help prints its usage and exits 0", async (c) => {
    const r = await cli([c, "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`sealroom ${c} `);
  });

  it("reject missing arguments, bad domains and unknown flags with exit 2", async () => {
    expect((await cli(["enroll"])).code).toBe(2);
    expect((await cli(["enroll", "bad_domain!", "--service", "http://127.0.0.1:1"])).code).toBe(2);
    expect((await cli(["append", "a.example", "--service", "http://127.0.0.1:1"])).code).toBe(2);
    expect((await cli(["monitor", "a.example", "--bogus"])).code).toBe(2);
    expect(
      (await cli(["upload", "/nonexistent", "--service", "http://127.0.0.1:1", "--key", "x"])).code,
    ).toBe(2);
  });

  it("monitor refuses a corrupt state file and reports the service's JSON error", async () => {
    const server = createServer((_, res) => {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end('{"error":"not_found","message":"a.example is not in the tree"}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "sealroom-mon-"));
    const state = join(dir, "s.json");
    writeFileSync(state, "{");
    const bad = await cli([
      "monitor",
      "a.example",
      "--service",
      `http://127.0.0.1:${port}`,
      "--state",
      state,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a monitor state file/);
    const nf = await cli(["monitor", "a.example", "--service", `http://127.0.0.1:${port}`]);
    expect(nf.code).toBe(2);
    expect(nf.err).toMatch(/not_found: a.example is not in the tree/);
    server.close();
  });
});
