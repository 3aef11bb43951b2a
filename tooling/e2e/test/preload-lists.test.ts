/**
 * Preload lists end to end (issue 17): the transparency service under `wrangler dev` (workerd,
 * local Durable Object SQLite) enrols a local site with the real `sealroom` CLI, derives its
 * preload list and logs it in its own preload chain; `sealroom preload fetch` verifies and stores
 * the list; `sealroom verify` then passes the site while it serves its WAICT header and manifest,
 * and fails it with `stripped` once the header is gone (without the list: only
 * `manifest_unavailable`); `sealroom monitor --preload` reports that the site entered the list.
 * The test plays the witness with a real Ed25519 key, as transparency-service.test.ts does.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBase64 } from "@sealroom/hash-chain/base64";
import {
  buildIntegrityPolicy,
  encodeManifestResponse,
  generateAppendKey,
  resourceHashOf,
  serializeNewEntryData,
  sha256B64u,
} from "@sealroom/manifest";
import { formatCosignerVerifierKey, generateCosignerKey } from "@sealroom/prefix-tree/note";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, sealroomCli, startLocalService } from "../src/service-harness.ts";

const offset = Number(process.env.SEALROOM_SMOKE_PORT_OFFSET ?? 10_000);
const PORT = 8788 + offset + 210;
const SITE_PORT = PORT + 1;
const SERVICE = `http://127.0.0.1:${PORT}`;
// The page's host is the domain `sealroom verify` derives the tree key from; DEV_ORIGINS only maps
// reserved names (*.localhost, *.test, localhost), and Node resolves plain `localhost` itself.
const SITE = `http://localhost:${SITE_PORT}/`;
const TDOMAIN = "transparency.preload-e2e.localhost";
const DOMAIN = "localhost";

const witness = generateCosignerKey("witness.preload-e2e.localhost");
const vkey = formatCosignerVerifierKey(witness);
const appendKey = generateAppendKey(DOMAIN);
const tmp = mkdtempSync(join(tmpdir(), "sealroom-preload-e2e-"));
const store = join(tmp, "preload");
const PAGE = new TextEncoder().encode("<!doctype html><p>preloaded</p>\n");
const MANIFEST = JSON.stringify({ hashes: { "/": sha256B64u(PAGE) } });
let service: LocalService | undefined;
/** What the site serves: with or without its WAICT header; the manifest response once enrolled. */
let withHeader = true;
let manifestResponse: Uint8Array | undefined;

const cli = (args: string[]) => sealroomCli(tmp, args);

beforeAll(async () => {
  const doc = serializeNewEntryData({
    resourceHash: resourceHashOf(new TextEncoder().encode(MANIFEST)),
    assetHosts: [SERVICE],
    appendKey: appendKey.verifierKey,
  });
  const header = buildIntegrityPolicy({ maxAge: 3600, mode: "enforce", manifest: "/m" });
  service = await startLocalService({
    port: PORT,
    inspectorPort: 19250,
    persistTo: tmp,
    tdomain: TDOMAIN,
    witness,
    epochMs: 500,
    site: {
      domain: DOMAIN,
      port: SITE_PORT,
      serve: (req, res) => {
        if (req.url === "/.well-known/waict-enroll") {
          res.writeHead(200, { "content-type": "application/json" }).end(doc);
        } else if (req.url === "/") {
          res.writeHead(200, withHeader ? { "integrity-policy-waict-v1": header } : {}).end(PAGE);
        } else if (req.url === "/m" && manifestResponse) {
          res.writeHead(200).end(manifestResponse);
        } else res.writeHead(404).end();
      },
    },
  });
}, 150_000);

afterAll(async () => {
  await service?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const trust = ["--service", TDOMAIN, "--witness", vkey, "--quorum", "1"];

describe("preload lists: service under wrangler dev, sealroom CLI", () => {
  it("enrols the site; preload fetch verifies and stores a list naming it", async () => {
    const r = await cli(["enroll", DOMAIN, "--service", SERVICE, "--json"]);
    expect(r.code, r.err).toBe(0);
    manifestResponse = encodeManifestResponse(MANIFEST, decodeBase64(JSON.parse(r.out).proof)!);
    // The list is published by the batch after the site's, once cosigned: poll for it.
    let last = "";
    for (let i = 0; i < 60 && !existsSync(join(store, TDOMAIN, "transparency.bin")); i++) {
      const f = await cli([
        "preload",
        "fetch",
        "--service",
        SERVICE,
        "--tree-domain",
        TDOMAIN,
        "--witness",
        vkey,
        "--store",
        store,
      ]);
      last = `${f.code} ${f.out} ${f.err}`;
      if (f.code === 0 && /transparency: v\d+, 1 sites/.test(f.out)) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(existsSync(join(store, TDOMAIN, "transparency.bin")), last).toBe(true);
  });

  it("verify passes the site with its header, fails it as stripped without (and only then)", async () => {
    const ok = await cli(["verify", SITE, ...trust, "--store", store, "--json"]);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, transparency: { status: "verified" } });

    withHeader = false;
    try {
      const stripped = await cli(["verify", SITE, ...trust, "--store", store]);
      expect(stripped.code).toBe(1);
      expect(stripped.err).toMatch(
        /preload: transparency\.preload-e2e\.localhost transparency list v\d+ \(1 sites/,
      );
      expect(stripped.out).toMatch(/FAILED stripped \(header_missing\)/);
      const plain = await cli(["verify", SITE, ...trust, "--no-preload"]);
      expect(plain.out).toMatch(/FAILED manifest_unavailable \(header_missing\)/);
    } finally {
      withHeader = true;
    }
  });

  it("monitor --preload reports that the site entered the list", async () => {
    const m = await cli([
      "monitor",
      DOMAIN,
      "--service",
      SERVICE,
      "--state",
      join(tmp, "monitor.json"),
      "--witness",
      vkey,
      "--preload",
    ]);
    expect(m.code, m.out + m.err).toBe(0);
    expect(m.out).toMatch(/^localhost entered the preload list \(v\d+\)$/m);
  });
});
