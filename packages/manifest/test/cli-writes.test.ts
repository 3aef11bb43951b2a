/**
 * `sealroom enroll`, `append` and `upload` through `runCli` against a transparency service in memory
 * on 127.0.0.1 (test/helpers/service-world.ts: real chains, tree and witness cosignatures, the wire
 * contract of apps/transparency). Each test checks what reached the service (method, path, headers,
 * signed body) and what the command printed and returned, including the 409 position hint, the 503
 * "stored but not cosigned" answer (exit 3) and every argument refusal (exit 2, nothing sent).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetHostsHash } from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64, encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateAppendKey, POSITION_HEADER, SIGNATURE_HEADER, verifyAppend } from "../src/append-auth.ts";
import { decodeChainHeadWithProof, encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { parseAppendKey, serializeNewEntryData } from "../src/new-entry-data.ts";
import { resourceHashOf } from "../src/resource-hash.ts";
import { sha256 } from "../src/sha256.ts";
import { cli } from "./helpers/run-cli.ts";
import { ServiceWorld } from "./helpers/service-world.ts";
import { pseudoRandom32 } from "./helpers/world.ts";

const DOMAIN = "site.example";
const tmp = mkdtempSync(join(tmpdir(), "sealroom-writes-"));
const appendKey = generateAppendKey(DOMAIN, pseudoRandom32(5));
const keyFile = join(tmp, "site.skey");
writeFileSync(keyFile, `${appendKey.signerKey}\n`);
const LINE = '{"hashes":{"/":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}}';
const LINE2 = '{"hashes":{"/":"ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs"}}';

let world: ServiceWorld;
const served = () => world.served.filter((s) => s.method !== "GET");

/** A fresh service with `DOMAIN` able to enrol (its well-known document registered). */
async function freshWorld(): Promise<void> {
  await world?.stop();
  world = await new ServiceWorld().start();
  world.wellKnown.set(
    DOMAIN,
    serializeNewEntryData({
      resourceHash: resourceHashOf(new TextEncoder().encode(LINE)),
      assetHosts: ["https://assets.example"],
      appendKey: appendKey.verifierKey,
    }),
  );
}

beforeAll(freshWorld);
afterAll(async () => world.stop());

/** A one-route server answering every request with `status` and `body` (what the service does not). */
async function oneAnswer(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(status).end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe("sealroom enroll", () => {
  beforeEach(freshWorld);

  it("asks the service to enrol, prints the cosigned head and its proof", async () => {
    const r = await cli(["enroll", "SITE.Example", "--service", `${world.url}/`]);
    expect(r.code).toBe(0);
    expect(served().map((s) => `${s.method} ${s.path}`)).toEqual([`POST /enroll/${DOMAIN}`]);
    expect(r.err).toBe(`enrolling ${DOMAIN} at ${world.url} (waiting for witnesses)…\n`);
    const p = world.latest!.proofs.get(DOMAIN)!;
    const rh = encodeBase64(resourceHashOf(new TextEncoder().encode(LINE)));
    expect(r.out).toBe(
      `position 0 time ${world.clock} resource_hash ${rh}\n` +
        `tree size ${world.size} root ${encodeBase64(world.latest!.root)} cosigned by witness-0.example, witness-1.example, witness-2.example\n` +
        `ChainHeadWithProof ${encodeBase64(encodeChainHeadWithProof(p))}\n`,
    );
  });

  it("--json prints one object with the domain and the head's fields", async () => {
    const r = await cli(["enroll", DOMAIN, "--service", world.url, "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toEqual({
      domain: DOMAIN,
      position: "0",
      timeCreated: String(world.clock),
      resourceHash: encodeBase64(resourceHashOf(new TextEncoder().encode(LINE))),
      assetHostsHash: encodeBase64(assetHostsHash(["https://assets.example"])),
      treeSize: String(world.size),
      root: encodeBase64(world.latest!.root),
      cosigners: ["witness-0.example", "witness-1.example", "witness-2.example"],
      proof: j.proof,
    });
    expect(decodeChainHeadWithProof(decodeBase64(j.proof)!).head.entry.positionInChain).toBe(0n);
  });

  it("stored but not cosigned: exit 3, the position on stderr (and in --json)", async () => {
    world.pending = true;
    const r = await cli(["enroll", DOMAIN, "--service", world.url]);
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      "stored at position 0 but not cosigned yet; re-run the same command to get the proof\n",
    );
    const j = await cli(["enroll", DOMAIN, "--service", world.url, "--json"]);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.out)).toEqual({ domain: DOMAIN, pending: true, position: "1" });
  });

  it("a 503 without a JSON body still exits 3, position unknown", async () => {
    const s = await oneAnswer(503, "busy");
    const r = await cli(["enroll", DOMAIN, "--service", s.url, "--json"]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toEqual({ domain: DOMAIN, pending: true, position: null });
    expect(r.err).toContain("stored at position ? but not cosigned yet");
    s.server.close();
  });

  it("a refusal is one line with the service's reason, exit 2", async () => {
    const r = await cli(["enroll", "other.example", "--service", world.url]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain("sealroom enroll: HTTP 424 site_unavailable: no well-known\n");
    const s = await oneAnswer(500, "<html>oops</html>");
    const h = await cli(["enroll", DOMAIN, "--service", s.url]);
    expect(h.code).toBe(2);
    expect(h.err).toContain("sealroom enroll: HTTP 500: <html>oops</html>\n");
    s.server.close();
  });

  it("a JSON refusal with only an error code, or only a message, reads cleanly", async () => {
    for (const [body, line] of [
      ['{"error":"rate_limited"}', "HTTP 429 rate_limited"],
      ['{"message":"slow down"}', "HTTP 429 : slow down"],
      ["{}", "HTTP 429 "],
    ]) {
      const s = await oneAnswer(429, body!);
      const r = await cli(["enroll", DOMAIN, "--service", s.url]);
      expect(r.err.split("\n")[1], body).toBe(`sealroom enroll: ${line}`);
      s.server.close();
    }
  });

  it("a fetch that fails without a cause, and a long non-JSON refusal, are one line each", async () => {
    const creds = await cli(["enroll", DOMAIN, "--service", "http://u:p@127.0.0.1:1"]);
    expect(creds.code).toBe(2);
    expect(creds.err.split("\n")[1]).toMatch(
      new RegExp(`^sealroom enroll: POST http://u:p@127\\.0\\.0\\.1:1/enroll/${DOMAIN}: .*credentials`),
    );
    const s = await oneAnswer(502, "x".repeat(300));
    const r = await cli(["enroll", DOMAIN, "--service", s.url]);
    expect(r.err.split("\n")[1]).toBe(`sealroom enroll: HTTP 502: ${"x".repeat(200)}`);
    s.server.close();
  });

  it("an unreachable service is a one-line error naming the URL", async () => {
    const s = await oneAnswer(200, "");
    const url = s.url;
    await new Promise((r) => s.server.close(r));
    const r = await cli(["enroll", DOMAIN, "--service", url]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^sealroom enroll: POST ${url}/enroll/${DOMAIN}: .*ECONNREFUSED`, "m"));
  });

  it("--service must be an http(s) URL; --json takes no value", async () => {
    for (const bad of [["--service", "ftp://x.example"], ["--service", "not a url"], []]) {
      const r = await cli(["enroll", DOMAIN, ...bad]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--service/);
    }
    expect((await cli(["enroll", DOMAIN, "--service", world.url, "--json=yes"])).code).toBe(2);
    // https is a service URL too: the request is made (and fails here, no TLS on port 1).
    const tls = await cli(["enroll", DOMAIN, "--service", "https://127.0.0.1:1"]);
    expect(tls.err).toContain("POST https://127.0.0.1:1/enroll/");
    expect((await cli(["enroll", DOMAIN, "b.example", "--service", world.url])).err).toMatch(
      /expected one domain/,
    );
    expect(served()).toEqual([]);
  });
});

describe("sealroom append", () => {
  const manifestFile = join(tmp, "manifest.json");
  writeFileSync(manifestFile, `${LINE2}\n`);
  const rh2 = resourceHashOf(new TextEncoder().encode(LINE2));

  beforeEach(async () => {
    await freshWorld();
    expect((await cli(["enroll", DOMAIN, "--service", world.url])).code).toBe(0);
    world.served.length = 0;
  });

  const args = (...extra: string[]) => ["append", DOMAIN, "--key", keyFile, "--service", world.url, ...extra];

  it("without --position learns the next one from the 409 and logs the manifest line", async () => {
    const r = await cli(args("--manifest", manifestFile));
    expect(r.code).toBe(0);
    const posts = served();
    expect(posts.map((s) => [s.path, s.headers[POSITION_HEADER.toLowerCase()]])).toEqual([
      [`/append/${DOMAIN}`, "0"],
      [`/append/${DOMAIN}`, "1"],
    ]);
    // The body is New Entry Data of the line without its final newline; the signature covers it.
    const last = posts[1]!;
    expect(new TextDecoder().decode(last.body)).toBe(
      serializeNewEntryData({ resourceHash: rh2, assetHosts: [world.url] }),
    );
    expect(last.headers["content-type"]).toBe("application/json");
    const sig = decodeBase64(last.headers[SIGNATURE_HEADER.toLowerCase()] as string)!;
    const vkey = parseAppendKey(appendKey.verifierKey, DOMAIN);
    expect(await verifyAppend(vkey, sig, { domain: DOMAIN, position: 1n, body: last.body })).toBe(true);
    expect(await verifyAppend(vkey, sig, { domain: DOMAIN, position: 0n, body: last.body })).toBe(false);
    const head = world.chains.get(DOMAIN)!.head!;
    expect(head.entry.resourceHash).toEqual(rh2);
    expect(head.entry.assetHostsHash).toEqual(assetHostsHash([world.url]));
    expect(r.out.startsWith(`position 1 time ${world.clock} resource_hash ${encodeBase64(rh2)}\n`)).toBe(
      true,
    );
    expect(r.err).toBe(`appending to ${DOMAIN} at ${world.url} (waiting for witnesses)…\n`);
  });

  it("a manifest file without a final newline logs the same hash; other bytes do not", async () => {
    const bare = join(tmp, "bare.json");
    writeFileSync(bare, LINE2);
    expect((await cli(args("--manifest", bare, "--position", "1"))).code).toBe(0);
    expect(world.chains.get(DOMAIN)!.head!.entry.resourceHash).toEqual(rh2);
    const two = join(tmp, "two-newlines.json");
    writeFileSync(two, `${LINE2}\n\n`);
    expect((await cli(args("--manifest", two, "--position", "2"))).code).toBe(0);
    expect(world.chains.get(DOMAIN)!.head!.entry.resourceHash).toEqual(
      resourceHashOf(new TextEncoder().encode(`${LINE2}\n`)),
    );
  });

  it("--position is sent as given: right, one request; wrong, the 409 is the answer", async () => {
    const ok = await cli(args("--manifest", manifestFile, "--position", "1", "--json"));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ domain: DOMAIN, position: "1" });
    expect(served().length).toBe(1);
    const wrong = await cli(args("--manifest", manifestFile, "--position", "7"));
    expect(wrong.code).toBe(2);
    expect(wrong.err.split("\n")[1]).toBe(
      "sealroom append: HTTP 409 position_conflict: the next position is 2",
    );
    expect(served().length).toBe(2);
    expect(world.chains.get(DOMAIN)!.size).toBe(2n);
  });

  it("--position must be a canonical decimal; nothing is sent otherwise", async () => {
    for (const p of ["01", "-1", "1x", "x1", "", "1.0"]) {
      const r = await cli(args("--manifest", manifestFile, `--position=${p}`));
      expect(r.code, p).toBe(2);
      expect(r.err).toContain("--position must be a decimal");
    }
    expect(served()).toEqual([]);
    for (const p of ["0", "10", "2"]) {
      const r = await cli(args("--manifest", manifestFile, "--position", p));
      expect(r.err, p).not.toContain("--position must be a decimal");
    }
  });

  it("--tombstone logs the all-zero hash; with --manifest, or with neither, it is refused", async () => {
    const t = await cli(
      args("--tombstone", "--asset-host", "https://a.example", "--asset-host", "https://b.example"),
    );
    expect(t.code).toBe(0);
    const head = world.chains.get(DOMAIN)!.head!;
    expect(head.entry.resourceHash).toEqual(new Uint8Array(32));
    expect(head.entry.assetHostsHash).toEqual(assetHostsHash(["https://a.example", "https://b.example"]));
    world.served.length = 0;
    const both = await cli(args("--tombstone", "--manifest", manifestFile));
    expect(both.code).toBe(2);
    expect(both.err).toContain("give --manifest or --tombstone, not both");
    const neither = await cli(args());
    expect(neither.code).toBe(2);
    expect(neither.err).toContain("--manifest <file> is required");
    const missing = await cli(args("--manifest", join(tmp, "nope.json")));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`${join(tmp, "nope.json")}: ENOENT`);
    expect(served()).toEqual([]);
  });

  it("a key that cannot sign, or no key, is refused before anything is sent", async () => {
    const bad = join(tmp, "bad.skey");
    writeFileSync(bad, "PRIVATE+KEY+site.example+nonsense\n");
    const r = await cli(["append", DOMAIN, "--key", bad, "--service", world.url, "--tombstone"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("sealroom append: --key: signer key: expected name+id+key (at byte 12)\n");
    const none = await cli(["append", DOMAIN, "--service", world.url, "--tombstone"]);
    expect(none.code).toBe(2);
    expect(none.err).toContain("--key <file> is required");
    const gone = await cli([
      "append",
      DOMAIN,
      "--key",
      join(tmp, "gone"),
      "--service",
      world.url,
      "--tombstone",
    ]);
    expect(gone.err).toContain(`${join(tmp, "gone")}: ENOENT`);
    expect(served()).toEqual([]);
  });

  it("another domain's key is refused before sending; a forged signature by the service (403)", async () => {
    const other = generateAppendKey("other.example", pseudoRandom32(6));
    const f = join(tmp, "other.skey");
    writeFileSync(f, other.signerKey);
    const r = await cli(["append", DOMAIN, "--key", f, "--service", world.url, "--tombstone"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`sealroom append: --key: ${f} is the append key of other.example, not of ${DOMAIN}\n`);
    expect(served()).toEqual([]);
    // Same name, other secret: only the service can tell.
    const forged = generateAppendKey(DOMAIN, pseudoRandom32(8));
    writeFileSync(f, forged.signerKey);
    const s = await cli([
      "append",
      DOMAIN,
      "--key",
      f,
      "--service",
      world.url,
      "--tombstone",
      "--position",
      "1",
    ]);
    expect(s.code).toBe(2);
    expect(s.err).toContain("HTTP 403 bad_signature: append signature does not verify");
    expect(world.chains.get(DOMAIN)!.size).toBe(1n);
  });

  it("a 409 without a usable position is an error, not a guess", async () => {
    for (const body of ["{}", '{"position":"x1"}', '{"position":"1x"}', '{"position":""}']) {
      const s = await oneAnswer(409, body);
      const r = await cli(["append", DOMAIN, "--key", keyFile, "--service", s.url, "--tombstone"]);
      expect(r.code, body).toBe(2);
      expect(r.err).toMatch(/\nsealroom append: 409 without a position\n$/);
      s.server.close();
    }
  });

  it("without --position, an answer other than 409 is reported as it is", async () => {
    const other = generateAppendKey("other.example", pseudoRandom32(9));
    const f = join(tmp, "unenrolled.skey");
    writeFileSync(f, other.signerKey);
    const r = await cli(["append", "other.example", "--key", f, "--service", world.url, "--tombstone"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[1]).toBe(
      "sealroom append: HTTP 403 not_enrolled: other.example is not enrolled",
    );
    expect(served().length).toBe(1);
  });

  it("a 409 hint of several digits is followed once; its answer is final", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(String(req.headers[POSITION_HEADER.toLowerCase()]));
      res
        .writeHead(409, { "content-type": "application/json" })
        .end('{"error":"position_conflict","position":"12"}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const r = await cli(["append", DOMAIN, "--key", keyFile, "--service", url, "--tombstone"]);
    expect(seen).toEqual(["0", "12"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[1]).toBe("sealroom append: HTTP 409 position_conflict");
    server.close();
  });

  it("stored but not cosigned: exit 3 with the position", async () => {
    world.pending = true;
    const r = await cli(args("--manifest", manifestFile, "--json"));
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toEqual({ domain: DOMAIN, pending: true, position: "1" });
  });
});

describe("sealroom upload", () => {
  const dir = join(tmp, "dist");
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), "<!doctype html><script src=/assets/app.js></script>");
  writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
  writeFileSync(join(dir, "assets", "empty.txt"), "");

  beforeAll(async () => {
    await freshWorld();
    expect((await cli(["enroll", DOMAIN, "--service", world.url])).code).toBe(0);
  });

  it("uploads every file under its digest, signed for the key's domain", async () => {
    world.served.length = 0;
    const r = await cli(["upload", dir, "--service", world.url, "--key", keyFile]);
    expect(r.code).toBe(0);
    const files = ["assets/app.js", "assets/empty.txt", "index.html"];
    const name = (p: string) => {
      const body = new TextEncoder().encode(
        p === "index.html"
          ? "<!doctype html><script src=/assets/app.js></script>"
          : p.endsWith("app.js")
            ? "console.log(1)"
            : "",
      );
      return { body, name: `sha256-${encodeBase64UrlNoPad(sha256(body))}` };
    };
    expect(served().map((s) => `${s.method} ${s.path} ${s.headers["sealroom-domain"]}`)).toEqual(
      files.map((p) => `PUT /upload/${name(p).name} ${DOMAIN}`),
    );
    for (const p of files) expect(world.uploads.get(name(p).name)).toEqual(name(p).body);
    expect(r.err).toBe(files.map((p, i) => `[${i + 1}/3] ${p} -> ${name(p).name}\n`).join(""));
    expect(r.out).toBe(`uploaded 3 files (65 bytes) for ${DOMAIN}\n`);
    const j = await cli(["upload", dir, "--service", world.url, "--key", keyFile, "--json"]);
    expect(JSON.parse(j.out)).toEqual({
      domain: DOMAIN,
      uploaded: files.map((p) => ({ path: p, digest: name(p).name, size: name(p).body.length })),
    });
  });

  it("stops at the first refused file with its path and the service's reason", async () => {
    const other = generateAppendKey("other.example", pseudoRandom32(7));
    const f = join(tmp, "other-upload.skey");
    writeFileSync(f, other.signerKey);
    world.served.length = 0;
    const r = await cli(["upload", dir, "--service", world.url, "--key", f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "sealroom upload: assets/app.js: HTTP 403 bad_signature: upload signature does not verify\n",
    );
    expect(served().length).toBe(1);
  });

  it("refuses a missing or extra directory, a file, and a key that is not a signer key", async () => {
    const cases: [string[], RegExp][] = [
      [["upload", "--service", world.url, "--key", keyFile], /expected one directory/],
      [["upload", dir, dir, "--service", world.url, "--key", keyFile], /expected one directory/],
      [["upload", join(dir, "index.html"), "--service", world.url, "--key", keyFile], /not a directory/],
      [["upload", join(dir, "nope"), "--service", world.url, "--key", keyFile], /not a directory/],
      [
        ["upload", dir, "--service", world.url, "--key", join(tmp, "manifest.json")],
        /^sealroom upload: --key: /m,
      ],
      [["upload", dir, "--key", keyFile], /--service <url> is required/],
    ];
    world.served.length = 0;
    for (const [a, re] of cases) {
      const r = await cli(a);
      expect(r.code, a.join(" ")).toBe(2);
      expect(r.err).toMatch(re);
    }
    expect(served()).toEqual([]);
  });
});
