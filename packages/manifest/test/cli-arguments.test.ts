/**
 * The `sealroom` dispatcher and every command's refusals: each bad argument exits 2 with one line
 * naming what is wrong, before any request; unknown commands list the usage; a genuine bug prints
 * its message (and its stack only with SEALROOM_DEBUG=1). Plus `sealroom verify`'s failures that need
 * no transparency world: an unreachable site, a manifest that is not served, a missing asset.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Command, commands } from "../src/cli/commands.ts";
import { CliError } from "../src/cli/errors.ts";
import { intFlag } from "../src/cli/verify.ts";
import { buildIntegrityPolicy } from "../src/integrity-policy-header.ts";
import { MANIFEST_MEDIA_TYPE } from "../src/manifest-response.ts";
import { cli } from "./helpers/run-cli.ts";
import { makeWorld, NOW, type World } from "./helpers/world.ts";

const tmp = mkdtempSync(join(tmpdir(), "sealroom-args-"));
const W = "w+12345678+AQ==";

describe("the dispatcher", () => {
  it("no arguments prints the usage and exits 2; help exits 0", async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.out).toMatch(/^usage:\n {2}sealroom manifest build /);
    expect(none.out.endsWith("\n")).toBe(true);
    for (const h of ["--help", "-h", "help"]) {
      const r = await cli([h]);
      expect(r.code, h).toBe(0);
      expect(r.out).toBe(none.out);
    }
  });

  it("an unknown command names the first two words and lists the usage on stderr", async () => {
    const r = await cli(["frobnicate", "now", "please"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(`sealroom: unknown command "frobnicate now"\n${(await cli(["--help"])).out}`);
    // A group name without a command is unknown too; with --help it lists the group.
    expect((await cli(["manifest"])).code).toBe(2);
    expect((await cli(["preload", "-x"])).err).toMatch(/^sealroom: unknown command "preload -x"/);
  });

  it("--help prints every command's usage and summary, exactly the README's CLI block", async () => {
    const h = await cli(["--help"]);
    expect(h.code).toBe(0);
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = readme.slice(readme.indexOf("### CLI"));
    const start = block.indexOf("```\n") + 4;
    expect(block.slice(start, block.indexOf("```", start))).toBe(h.out);
  });

  it("group help lists exactly the group; --help after an unknown word is an unknown command", async () => {
    const g = await cli(["preload", "--help"]);
    expect(g.code).toBe(0);
    expect(g.out).toBe(
      `usage:\n  sealroom ${commands.find((c) => c.path[0] === "preload")!.usage}\n      ${commands.find((c) => c.path[0] === "preload")!.summary}\n`,
    );
    const two = [
      { path: ["g", "a"], usage: "g a", summary: "A", run: async () => 0 },
      { path: ["g", "b"], usage: "g b", summary: "B", run: async () => 0 },
      { path: ["h"], usage: "h", summary: "H", run: async () => 0 },
    ];
    expect((await cli(["g", "--help"], { list: two })).out).toBe(
      "usage:\n  sealroom g a\n      A\n  sealroom g b\n      B\n",
    );
    expect((await cli(["g", "x", "--help"], { list: two })).code).toBe(2);
    expect((await cli(["x", "g", "--help"], { list: two })).code).toBe(2);
    // Words stop at the first option: `g --help x` is group g.
    expect((await cli(["g", "--help", "x"], { list: two })).out).toContain("sealroom g b\n");
    const bogus = await cli(["--bogus", "--help"], { list: two });
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/^sealroom: unknown command "--bogus --help"\nusage:\n/);
  });

  it("a CliError is one line with its exit code; any other error is exit 2, stack only when debugging", async () => {
    const list: Command[] = [
      {
        path: ["fail"],
        usage: "fail",
        summary: "",
        run: async () => {
          throw new CliError("nope", 1);
        },
      },
      {
        path: ["bug"],
        usage: "bug",
        summary: "",
        run: async () => {
          throw new TypeError("x is undefined");
        },
      },
      {
        path: ["odd"],
        usage: "odd",
        summary: "",
        run: async () => {
          throw "a string";
        },
      },
      { path: ["two", "words"], usage: "two words", summary: "", run: async (a) => a.length },
      {
        path: ["two", "bugs"],
        usage: "two bugs",
        summary: "",
        run: async () => {
          throw new RangeError("out of range");
        },
      },
      {
        path: ["nothing"],
        usage: "nothing",
        summary: "",
        run: async () => {
          throw undefined;
        },
      },
    ];
    expect(await cli(["fail"], { list })).toEqual({ code: 1, out: "", err: "sealroom fail: nope\n" });
    const before = process.env.SEALROOM_DEBUG;
    try {
      delete process.env.SEALROOM_DEBUG;
      expect(await cli(["bug"], { list })).toEqual({
        code: 2,
        out: "",
        err: "sealroom bug: x is undefined\n",
      });
      expect(await cli(["odd"], { list })).toEqual({ code: 2, out: "", err: "sealroom odd: a string\n" });
      expect((await cli(["two", "bugs"], { list })).err).toBe("sealroom two bugs: out of range\n");
      expect(await cli(["nothing"], { list })).toEqual({
        code: 2,
        out: "",
        err: "sealroom nothing: undefined\n",
      });
      process.env.SEALROOM_DEBUG = "1";
      const d = await cli(["bug"], { list });
      expect(d.err).toMatch(/^sealroom bug: x is undefined\nTypeError: x is undefined\n\s+at /);
      expect((await cli(["odd"], { list })).err).toBe("sealroom odd: a string\n\n");
      expect((await cli(["nothing"], { list })).err).toBe("sealroom nothing: undefined\n\n");
      process.env.SEALROOM_DEBUG = "0";
      expect((await cli(["bug"], { list })).err).toBe("sealroom bug: x is undefined\n");
    } finally {
      if (before === undefined) delete process.env.SEALROOM_DEBUG;
      else process.env.SEALROOM_DEBUG = before;
    }
    // The arguments after the command path reach it, and its status is returned.
    expect((await cli(["two", "words", "a", "b", "c"], { list })).code).toBe(3);
    expect((await cli(["two", "a"], { list })).code).toBe(2);
  });
});

describe("argument refusals (exit 2, one line, nothing fetched)", () => {
  let hits = 0;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => new Promise((r) => server.close(r)));

  const cases: [string[], string][] = [
    [["verify"], "expected one site URL"],
    [["verify", "a", "b"], "expected one site URL"],
    [["verify", "not a url", "--service", "s", "--witness", W], "not a url: not a URL"],
    [
      ["verify", "ftp://x.example/", "--service", "s", "--witness", W],
      "ftp://x.example/: not an http(s) URL",
    ],
    [["verify", "URL", "--witness", W], "at least one --service <domain> is required"],
    [["verify", "URL", "--service", "s"], "at least one --witness <vkey> is required"],
    [["verify", "URL", "--service", "s", "--witness", W, "--quorum", "0"], "--quorum must be at least 1"],
    [
      ["verify", "URL", "--service", "s", "--witness", W, "--quorum", "x"],
      "--quorum: expected a non-negative integer",
    ],
    [
      ["verify", "URL", "--service", "s", "--witness", W, "--now", "1e9"],
      "--now: expected a non-negative integer",
    ],
    [
      ["verify", "URL", "--service", "s", "--witness", W, "--store", "d", "--no-preload"],
      "--store and --no-preload exclude each other",
    ],
    [["verify", "URL", "--service", "s", "--witness", "@/nonexistent/w.vkey"], "/nonexistent/w.vkey: ENOENT"],
    [["preload", "fetch", "extra", "--service", "URL"], "unexpected extra"],
    [["preload", "fetch", "--witness", W], "--service <url> is required"],
    [["preload", "fetch", "--service", "nope", "--witness", W], "--service: not a URL: nope"],
    [
      ["preload", "fetch", "--service", "ftp://x.example", "--witness", W],
      "--service must be an http(s) URL",
    ],
    [["preload", "fetch", "--service", "URL"], "at least one --witness <vkey> is required"],
    [
      ["preload", "fetch", "--service", "URL", "--witness", W, "--quorum", "0"],
      "--quorum must be at least 1",
    ],
    [
      ["preload", "fetch", "--service", "URL", "--witness", W, "--now", "-"],
      "--now: expected a non-negative integer",
    ],
    [
      ["preload", "fetch", "--service", "URL", "--witness", W, "--tree-domain", "../etc", "--store", tmp],
      '"../etc" is not a service domain',
    ],
    [["enroll", "bad_domain!", "--service", "URL"], 'invalid domain "bad_domain!"'],
    [["monitor", "-", "--service", "URL"], "invalid domain"],
    [["manifest", "build"], "expected one directory"],
    [["manifest", "build", "a", "b"], "expected one directory"],
    [["manifest", "build", "/nonexistent-dir"], "/nonexistent-dir: not a directory"],
    [["keygen"], "expected one key name"],
    [["keygen", "a", "b"], "expected one key name"],
    [["keygen", "--append", "Not A Domain"], 'key name "Not A Domain"'],
  ];

  it.each(cases)("%j", async (args, message) => {
    const a = args.map((x) => (x === "URL" ? url : x));
    const r = await cli(a);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    const line = r.err.split("\n")[0]!;
    const single = ["verify", "keygen", "enroll", "monitor"].includes(a[0]!);
    expect(line.startsWith(`sealroom ${single ? a[0] : a.slice(0, 2).join(" ")}: `)).toBe(true);
    expect(r.err).toContain(message);
    expect(hits).toBe(0);
  });

  it("a flag that takes no value, or an unknown flag, is a usage error", async () => {
    for (const c of commands) {
      const r = await cli([...c.path, "--no-such-flag"]);
      expect(r.code, c.path.join(" ")).toBe(2);
      expect(r.err).toContain(`\nusage: sealroom ${c.usage}\n`);
    }
  });

  it("CliError carries its name and exit code (default 2)", () => {
    expect(new CliError("x")).toMatchObject({ name: "CliError", message: "x", exitCode: 2 });
    expect(new CliError("x", 1).exitCode).toBe(1);
  });

  it("intFlag takes only plain decimal integers of up to 15 digits", () => {
    expect(intFlag("n", undefined, 7)).toBe(7);
    expect(intFlag("n", "0", 7)).toBe(0);
    expect(intFlag("n", "999999999999999", 7)).toBe(999999999999999);
    for (const v of ["1000000000000000", "", "1.0", " 1", "0x1", true])
      expect(() => intFlag("n", v, 7)).toThrow(CliError);
  });
});

describe("sealroom manifest build and keygen write files", () => {
  it("--sri adds integrity attributes first and says so; --out inside the directory is left out", async () => {
    const dir = join(tmp, "sri-site");
    mkdirSync(dir, { recursive: true });
    const html = '<!doctype html><script type="module" src="/app.js"></script>';
    writeFileSync(join(dir, "index.html"), html);
    writeFileSync(join(dir, "about.html"), html);
    writeFileSync(join(dir, "app.js"), "console.log(1)");
    const plain = await cli(["manifest", "build", dir]);
    expect(plain.code).toBe(0);
    expect(plain.err).toMatch(/^resource_hash [A-Za-z0-9+/]{43}=\n$/);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(dir, "index.html"), "utf8")).toBe(html);
    const out = join(dir, "manifest.json");
    const r = await cli(["manifest", "build", dir, "--sri", "--out", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "index.html"), "utf8")).toMatch(/integrity="sha256-/);
    const line = readFileSync(out, "utf8");
    expect(Object.keys(JSON.parse(line).hashes).sort()).toEqual([
      "/",
      "/about.html",
      "/app.js",
      "/index.html",
    ]);
    const { resourceHashOf } = await import("../src/resource-hash.ts");
    const { encodeBase64 } = await import("@sealroom/hash-chain/base64");
    const rh = encodeBase64(resourceHashOf(new TextEncoder().encode(line)));
    expect(r.err).toBe(
      `wrote ${out}: 4 entries, ${line.length} bytes\nadded SRI attributes to about.html, index.html\nresource_hash ${rh}\n`,
    );
    // Run again over its own output: the manifest file is still left out, nothing more to rewrite.
    const again = await cli(["manifest", "build", dir, "--sri", "--out", out]);
    expect(again.err).toBe(`wrote ${out}: 4 entries, ${line.length} bytes\nresource_hash ${rh}\n`);
  });

  it("--out writes the line without a newline; an unwritable --out is a one-line error", async () => {
    const dir = join(tmp, "site");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "index.html"), "<p>hi</p>");
    const r = await cli(["manifest", "build", dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\{"hashes":\{"\/":"[A-Za-z0-9_-]{43}"[^\n]*\}\n$/);
    const bad = await cli(["manifest", "build", dir, "--out", join(tmp, "no", "such", "dir", "m.json")]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      `sealroom manifest build: ${join(tmp, "no", "such", "dir", "m.json")}: ENOENT: no such file or directory, open '${join(tmp, "no", "such", "dir", "m.json")}'\n`,
    );
  });

  it("keygen --append writes an append key named after the domain; the skey file is private", async () => {
    const prefix = join(tmp, "site-key");
    const r = await cli(["keygen", "--append", "site.example", "--out", prefix]);
    expect(r.code).toBe(0);
    const { readFileSync, statSync } = await import("node:fs");
    const vkey = readFileSync(`${prefix}.vkey`, "utf8");
    const skey = readFileSync(`${prefix}.skey`, "utf8");
    expect(r.out).toBe(vkey);
    expect(vkey).toMatch(/^site\.example\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\n$/);
    expect(skey).toMatch(/^PRIVATE\+KEY\+site\.example\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\n$/);
    expect(statSync(`${prefix}.skey`).mode & 0o777).toBe(0o600);
    expect(r.err).toBe(`wrote ${prefix}.skey (secret, mode 0600) and ${prefix}.vkey\n`);
    // An append key signs appends: the append command accepts it for its domain.
    const { parseAppendSignerKey } = await import("../src/append-auth.ts");
    expect(parseAppendSignerKey(skey).name).toBe("site.example");
    // Not overwritten: a second run leaves both files as they were.
    const twice = await cli(["keygen", "--append", "site.example", "--out", prefix]);
    expect(twice.code).toBe(2);
    expect(readFileSync(`${prefix}.skey`, "utf8")).toBe(skey);
    expect(readFileSync(`${prefix}.vkey`, "utf8")).toBe(vkey);
    // Not even the vkey when only the skey is missing: nothing is left behind.
    const { existsSync, unlinkSync } = await import("node:fs");
    unlinkSync(`${prefix}.skey`);
    const again = await cli(["keygen", "--append", "site.example", "--out", prefix]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/EEXIST.*\(keygen never overwrites a key file\)\n$/);
    expect(readFileSync(`${prefix}.vkey`, "utf8")).toBe(vkey);
    expect(existsSync(`${prefix}.skey`)).toBe(false);
  });
});

describe("sealroom verify: fetch failures", () => {
  let world: World;
  let server: Server;
  let site: string;
  const served = new Map<
    string,
    { status: number; body?: Uint8Array | string; type?: string; destroy?: boolean; location?: string }
  >();
  const seen: { url: string; hint: string | undefined }[] = [];
  beforeAll(async () => {
    world = makeWorld({
      domain: "127.0.0.1",
      manifest: JSON.stringify({
        hashes: {
          "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
          "/missing.js": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
        },
      }),
    });
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", hint: req.headers["sec-ch-waict"] as string | undefined });
      const s = served.get(req.url ?? "");
      if (!s) return void res.writeHead(404).end();
      if (s.destroy) return void req.socket.destroy();
      res.writeHead(s.status, {
        "integrity-policy-waict-v1": buildIntegrityPolicy({ maxAge: 60, mode: "enforce", manifest: "/m" }),
        ...(s.type ? { "content-type": s.type } : {}),
        ...(s.location ? { location: s.location } : {}),
      });
      res.end(s.body ?? "");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    site = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(async () => new Promise((r) => server.close(r)));
  const trust = () => [
    "--service",
    world.service,
    ...world.vkeys.flatMap((k) => ["--witness", k]),
    "--quorum",
    "2",
    "--now",
    String(NOW),
    "--no-preload",
  ];

  it("an unreachable site, a page that is not 200, a manifest that is not served", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const gone = `http://127.0.0.1:${(closed.address() as { port: number }).port}/`;
    await new Promise((r) => closed.close(r));
    const down = await cli(["verify", gone, ...trust(), "--json"]);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.out)).toMatchObject({
      ok: false,
      reason: "manifest_unavailable",
      detail: "fetch_failed",
    });
    expect(JSON.parse(down.out).message).toMatch(new RegExp(`^GET ${gone}: .*ECONNREFUSED`));
    served.set("/", { status: 302, body: "" });
    const moved = await cli(["verify", site, ...trust(), "--json"]);
    expect(JSON.parse(moved.out)).toMatchObject({
      reason: "manifest_unavailable",
      detail: "http_status",
      message: `GET ${site}: HTTP 302`,
    });
    served.set("/", { status: 200, body: "" });
    const noManifest = await cli(["verify", site, ...trust(), "--json"]);
    expect(JSON.parse(noManifest.out)).toMatchObject({
      reason: "manifest_unavailable",
      detail: "http_status",
      message: `GET ${site}m: HTTP 404`,
      manifestUrl: `${site}m`,
    });
  });

  it("a listed asset that answers 404 fails the check, naming it; the page itself is verified", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    const r = await cli(["verify", site, ...trust()]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`assets     1/2 verified\n  FAIL ${site}missing.js: http_status: HTTP 404\n`);
    expect(r.out).toContain(`FAILED http_status (asset): ${site}missing.js: HTTP 404\n`);
    expect(r.out).toContain(
      `witnesses  witness-0.example@${NOW - 60}, witness-1.example@${NOW - 60}, witness-2.example@${NOW - 60}\n`,
    );
    expect(r.out).toContain(
      `service    ${world.service} (tree size 42, chain position 3, logged at ${NOW - 3600})\n`,
    );
    expect(r.err).toBe(`[1/2] ${site}\n[2/2] ${site}missing.js\n`);
    const j = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
    expect(j.assets).toEqual([
      { url: site, ok: true, status: 200 },
      { url: `${site}missing.js`, ok: false, status: 404, reason: "http_status", message: "HTTP 404" },
    ]);
    expect(j.transparency.cosigners).toEqual(world.witnesses.map((w) => `${w.name}@${NOW - 60}`));
  });

  it("a listed asset whose connection drops fails; a manifest of the page alone prints no progress", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    served.set("/missing.js", { status: 200, destroy: true });
    const j = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
    expect(j).toMatchObject({ ok: false, reason: "fetch_failed", detail: "asset" });
    expect(j.assets[1]).toMatchObject({ url: `${site}missing.js`, ok: false, reason: "fetch_failed" });
    expect(j.assets[1].message).toMatch(new RegExp(`^GET ${site}missing.js: `));
    expect(j.assets[1].status).toBeUndefined();
    served.delete("/missing.js");
    const alone = makeWorld({
      domain: "127.0.0.1",
      manifest: JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" } }),
    });
    served.set("/m", { status: 200, body: alone.response, type: MANIFEST_MEDIA_TYPE });
    const r = await cli(["verify", site, ...trust()]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/assets {5}1\/1 verified\nOK\n$/);
  });

  it("relative keys resolve against the page's origin, also while checking another origin's asset", async () => {
    // The same path on two origins with different bytes: "/x.js" is the site's, the absolute key the
    // other server's. Resolving "/x.js" against the asset's own origin would give the other server's
    // URL the site's hash.
    const other = createServer((_req, res) => void res.writeHead(200).end("b"));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    try {
      const elsewhere = `http://127.0.0.1:${(other.address() as { port: number }).port}/x.js`;
      const b64u = (t: string) => createHash("sha256").update(t).digest("base64url");
      const two = makeWorld({
        domain: "127.0.0.1",
        manifest: JSON.stringify({ hashes: { "/": b64u(""), [elsewhere]: b64u("b"), "/x.js": b64u("a") } }),
      });
      served.set("/", { status: 200, body: "" });
      served.set("/x.js", { status: 200, body: "a" });
      served.set("/m", { status: 200, body: two.response, type: MANIFEST_MEDIA_TYPE });
      const j = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
      expect(j.assets).toEqual([
        { url: site, ok: true, status: 200 },
        { url: elsewhere, ok: true, status: 200 },
        { url: `${site}x.js`, ok: true, status: 200 },
      ]);
      expect(j.ok).toBe(true);
    } finally {
      served.delete("/x.js");
      await new Promise((r) => other.close(r));
    }
  });

  it("a manifest whose connection drops, a page URL fetch refuses, a tombstoned site", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, destroy: true });
    const drop = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
    expect(drop).toMatchObject({ ok: false, reason: "manifest_unavailable", detail: "fetch_failed" });
    expect(drop.message).toMatch(new RegExp(`^GET ${site}m: `));
    const creds = site.replace("http://", "http://u:p@");
    const c = JSON.parse((await cli(["verify", creds, ...trust(), "--json"])).out);
    expect(c).toMatchObject({ ok: false, detail: "fetch_failed" });
    expect(c.message).toMatch(/^GET http:\/\/u:p@127\.0\.0\.1:\d+\/: .*credentials/);
    const gone = makeWorld({ domain: "127.0.0.1", tombstone: true });
    served.set("/m", { status: 200, body: gone.response, type: MANIFEST_MEDIA_TYPE });
    const t = await cli(["verify", site, ...trust()]);
    expect(t.code).toBe(0);
    expect(t.out).toContain("status     unenrolled\nassets     0/0 verified\nOK\n");
    expect(t.err).toBe("");
  });

  it("each URL is fetched once, with the WAICT hint, and redirects are not followed", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    served.set("/missing.js", { status: 200, body: "" });
    seen.length = 0;
    const r = await cli(["verify", site, ...trust()]);
    expect(r.code).toBe(0);
    expect(seen).toEqual(["/", "/m", "/missing.js"].map((url) => ({ url, hint: "1" })));
    expect(r.out.startsWith(`site       ${site}\nmanifest   ${site}m\nservice    `)).toBe(true);
    served.set("/", { status: 301, location: "/elsewhere" });
    served.set("/elsewhere", { status: 200, body: "" });
    const moved = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
    expect(moved).toMatchObject({ detail: "http_status", message: `GET ${site}: HTTP 301` });
    served.delete("/elsewhere");
    served.delete("/missing.js");
  });

  it("--max-age makes older cosignatures stale; an https site is fetched, not refused", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    const stale = JSON.parse((await cli(["verify", site, ...trust(), "--max-age", "30", "--json"])).out);
    expect(stale).toMatchObject({ ok: false, detail: "stale_cosignatures" });
    const tls = await cli(["verify", "https://127.0.0.1:1/", ...trust(), "--json"]);
    expect(tls.code).toBe(1);
    expect(JSON.parse(tls.out)).toMatchObject({ detail: "fetch_failed" });
  });

  it("without --now the real clock decides freshness", async () => {
    const t = Math.floor(Date.now() / 1000);
    const live = makeWorld({
      domain: "127.0.0.1",
      manifest: JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" } }),
      cosignTimes: [t - 60, t - 60, t - 60],
      timeCreated: t - 3600,
    });
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: live.response, type: MANIFEST_MEDIA_TYPE });
    const keys = ["--service", live.service, ...live.vkeys.flatMap((k) => ["--witness", k]), "--no-preload"];
    const r = await cli(["verify", site, ...keys, "--json"]);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, transparency: { status: "verified" } });
    // The fixed-clock world of the other tests is months old by the real clock.
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    expect(JSON.parse((await cli(["verify", site, ...keys, "--json"])).out).ok).toBe(false);
  });

  it("the page is checked even when the manifest does not list it", async () => {
    const noPage = makeWorld({
      domain: "127.0.0.1",
      manifest: JSON.stringify({ hashes: { "/app.js": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" } }),
    });
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: noPage.response, type: MANIFEST_MEDIA_TYPE });
    served.set("/app.js", { status: 200, body: "" });
    const j = JSON.parse((await cli(["verify", site, ...trust(), "--json"])).out);
    expect(j.ok).toBe(false);
    expect(j.assets.map((a: { url: string; ok: boolean }) => [a.url, a.ok])).toEqual([
      [site, false],
      [`${site}app.js`, true],
    ]);
    served.delete("/app.js");
  });

  it("--domain names the chain to prove: another domain's chain does not verify", async () => {
    served.set("/", { status: 200, body: "" });
    served.set("/m", { status: 200, body: world.response, type: MANIFEST_MEDIA_TYPE });
    const r = await cli(["verify", site, ...trust(), "--domain", "other.example", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).reason).toBe("invalid_transparency_proof");
  });
});
