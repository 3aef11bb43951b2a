/**
 * The `sealroom` CLI end to end: a real Vite build, its manifest logged in a real PrefixTree and
 * cosigned by real witness keys, served from 127.0.0.1 with the WAICT header and manifest response;
 * `sealroom verify` passes, then fails after one asset byte changes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../src/cli/commands.ts";
import { parseWitnessKey } from "../src/cosigned-root.ts";
import { buildIntegrityPolicy } from "../src/integrity-policy-header.ts";
import { MANIFEST_MEDIA_TYPE } from "../src/manifest-response.ts";
import { cli } from "./helpers/run-cli.ts";
import { buildFixture } from "./helpers/vite.ts";
import { makeWorld, NOW, type World } from "./helpers/world.ts";

const CLI = resolve(import.meta.dirname, "../src/cli.ts");
const exec = promisify(execFile);

let dist: string;
let server: Server;
let site: string;
let world: World;
const MANIFEST_PATH = "/.well-known/waict/manifests/current";

beforeAll(async () => {
  dist = await buildFixture();
  const tmp = mkdtempSync(join(tmpdir(), "sealroom-cli-"));
  const manifestFile = join(tmp, "manifest.json");
  const built = await cli(["manifest", "build", dist, "--sri", "--out", manifestFile]);
  expect(built.code).toBe(0);
  expect(built.err).toMatch(/resource_hash [A-Za-z0-9+/]{43}=/);
  const line = readFileSync(manifestFile, "utf8");
  world = makeWorld({ domain: "127.0.0.1", manifest: line });
  const header = buildIntegrityPolicy({ maxAge: 3600, mode: "enforce", manifest: MANIFEST_PATH });
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === MANIFEST_PATH) {
      res.writeHead(200, { "content-type": MANIFEST_MEDIA_TYPE });
      res.end(world.response);
      return;
    }
    const file = join(dist, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "integrity-policy-waict-v1": header });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  if (typeof addr !== "object" || addr === null) throw new Error("no address");
  site = `http://127.0.0.1:${addr.port}/`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

const trust = () => [
  "--service",
  world.service,
  ...world.vkeys.flatMap((k) => ["--witness", k]),
  "--quorum",
  "3",
  "--now",
  String(NOW),
];

describe("sealroom verify against a local static server", () => {
  it("passes on the served Vite build, with a readable report and progress", async () => {
    const r = await cli(["verify", site, ...trust()]);
    expect(r.err).toMatch(/\[1\/\d+\] http:\/\/127\.0\.0\.1/);
    expect(r.out).toMatch(/status\s+verified/);
    expect(r.out).toMatch(/OK\n$/);
    expect(r.code).toBe(0);
  });

  it("--json passes and lists every asset", async () => {
    const r = await cli(["verify", site, ...trust(), "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(true);
    const files = report.assets.map((a: { url: string }) => new URL(a.url).pathname);
    expect(files).toContain(
      "/assets/" +
        files
          .find((f: string) => f.endsWith(".css"))
          ?.split("/")
          .pop(),
    );
    expect(report.assets.every((a: { ok: boolean }) => a.ok)).toBe(true);
  });

  it("fails with no_manifest_match after one asset byte changes, naming the asset", async () => {
    const asset = readFileSync(join(dist, "index.html"), "utf8").match(/src="\/(assets\/[^"]+\.js)"/)![1]!;
    const path = join(dist, asset);
    const original = readFileSync(path);
    const changed = Buffer.from(original);
    changed[changed.length - 2] = changed[changed.length - 2]! ^ 0x20;
    writeFileSync(path, changed);
    try {
      const r = await cli(["verify", site, ...trust()]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(`FAIL ${site}${asset}: no_manifest_match`);
      expect(r.out).toMatch(/FAILED no_manifest_match/);
      const j = await cli(["verify", site, ...trust(), "--json"]);
      expect(JSON.parse(j.out)).toMatchObject({ ok: false, reason: "no_manifest_match" });
    } finally {
      writeFileSync(path, original);
    }
    expect((await cli(["verify", site, ...trust()])).code).toBe(0);
  });

  it("fails with the transparency reason when the witnesses are not trusted enough", async () => {
    const r = await cli(["verify", site, ...trust().slice(0, -4), "--quorum", "4", "--now", String(NOW)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED invalid_transparency_proof \(too_few_cosignatures\)/);
    const stale = await cli(["verify", site, ...trust().slice(0, -2), "--now", String(NOW + 8 * 86400)]);
    expect(stale.out).toMatch(/stale_cosignatures/);
  });

  it("a site without the header is manifest_unavailable", async () => {
    const bare = createServer((_req, res) => res.end("hi"));
    await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
    const port = (bare.address() as { port: number }).port;
    try {
      const r = await cli(["verify", `http://127.0.0.1:${port}/`, ...trust()]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/FAILED manifest_unavailable \(header_missing\)/);
    } finally {
      await new Promise((r) => bare.close(r));
    }
  });

  it("the real binary (node src/cli.ts) runs, with errors as one line and no stack trace", async () => {
    const ok = await exec(process.execPath, [CLI, "verify", site, ...trust(), "--json"]);
    expect(JSON.parse(ok.stdout).ok).toBe(true);
    const bad = await exec(process.execPath, [CLI, "manifest", "build", "/nonexistent-dir"]).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("sealroom manifest build: /nonexistent-dir: not a directory\n");
    const usage = await exec(process.execPath, [CLI, "verify", "--bogus"]).catch((e) => e);
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("--help", () => {
  it("every command prints its own usage on --help and -h, exit 0, even with other arguments", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const c of commands) {
      for (const args of [["--help"], ["-h"], ["some-arg", "--out", "x", "--help"]]) {
        const r = await cli([...c.path, ...args]);
        expect({ cmd: c.path.join(" "), code: r.code, err: r.err }).toEqual({
          cmd: c.path.join(" "),
          code: 0,
          err: "",
        });
        expect(r.out).toBe(`usage:\n  sealroom ${c.usage}\n      ${c.summary}\n`);
      }
    }
    // The case: keygen used to fail with "Unknown option '--help'".
    expect((await cli(["keygen", "--help"])).out).toContain("sealroom keygen <name>");
    // After "--", --help is an argument, not a request for help.
    expect((await cli(["keygen", "--", "--help"])).out).not.toContain("usage:");
  });
  it("a command group lists its commands; the top level lists all", async () => {
    const g = await cli(["manifest", "--help"]);
    expect(g.code).toBe(0);
    expect(g.out).toContain("sealroom manifest build");
    expect(g.out).not.toContain("sealroom keygen");
    const all = await cli(["--help"]);
    for (const c of commands) expect(all.out).toContain(`sealroom ${c.usage}`);
  });
});

describe("sealroom keygen", () => {
  it("prints a WAICT cosigner vkey and skey, and --out writes them without overwriting", async () => {
    const r = await cli(["keygen", "witness.example"]);
    expect(r.code).toBe(0);
    const [vkey, skey] = r.out.trim().split("\n");
    expect(parseWitnessKey(vkey!)).toMatchObject({ name: "witness.example", type: 0x06 });
    expect(skey).toMatch(/^PRIVATE\+KEY\+witness\.example\+[0-9a-f]{8}\+/);
    const prefix = join(mkdtempSync(join(tmpdir(), "sealroom-key-")), "w");
    expect((await cli(["keygen", "w", "--out", prefix])).code).toBe(0);
    expect(readFileSync(`${prefix}.vkey`, "utf8")).toMatch(/^w\+/);
    const again = await cli(["keygen", "w", "--out", prefix]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/never overwrites/);
    expect((await cli(["keygen", "bad name"])).code).toBe(2);
  });
});
