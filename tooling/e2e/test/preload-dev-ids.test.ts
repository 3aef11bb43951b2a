/**
 * The dev-ids preload list end to end (issue 17): the transparency service under `wrangler dev`
 * (workerd, local Durable Object SQLite) enrols a local site whose enrolment document opts into
 * code signing (`"sealroom_dev_ids": true`); the service derives the dev-ids list and logs it in
 * its own dev-ids chain; `sealroom preload fetch` verifies and stores it; `sealroom verify` then
 * applies the seed's rule to manifests the site logs with the real `sealroom append`:
 * - dev-ids dropped: refused (`extension_cooldown`, `dev_ids_missing`), now and a day later;
 * - dev-ids changed within 24 h: refused (`dev_ids_cooldown`);
 * - the same change once it has waited out the cooldown (`--now` 25 h later, within the list's
 *   and the proofs' lifetimes): passes; so does the enrolment's id set with its own evidence.
 * The test plays the witness with a real Ed25519 key, as preload-lists.test.ts does.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
const PORT = 8788 + offset + 220;
const SITE_PORT = PORT + 1;
const SERVICE = `http://127.0.0.1:${PORT}`;
const SITE = `http://localhost:${SITE_PORT}/`;
const TDOMAIN = "transparency.dev-ids-e2e.localhost";
const DOMAIN = "localhost";
const DAY = 24 * 60 * 60;

const witness = generateCosignerKey("witness.dev-ids-e2e.localhost");
const vkey = formatCosignerVerifierKey(witness);
const appendKey = generateAppendKey(DOMAIN);
const tmp = mkdtempSync(join(tmpdir(), "sealroom-dev-ids-e2e-"));
const store = join(tmp, "preload");
const keyFile = join(tmp, "append.key");
const PAGE = new TextEncoder().encode("<!doctype html><p>signed code</p>\n");
/** A manifest line for the page, with `devIds` as its `sealroom_dev_ids` member (none if undefined). */
const manifest = (devIds?: { ids: string[]; since?: { manifest: string; proof: string } }) =>
  JSON.stringify({ hashes: { "/": sha256B64u(PAGE) }, ...(devIds ? { sealroom_dev_ids: devIds } : {}) });
const M0 = manifest({ ids: ["alice"] });
let service: LocalService | undefined;
let manifestResponse: Uint8Array | undefined;
/** The enrolment's proof (base64 ChainHeadWithProof of M0). */
let proof0 = "";

const cli = (args: string[]) => sealroomCli(tmp, args);
const trust = ["--service", TDOMAIN, "--witness", vkey, "--quorum", "1", "--store", store];

/** Logs `line` with `sealroom append`, serves it, and returns its proof (base64). */
async function logAndServe(line: string): Promise<string> {
  const file = join(tmp, "manifest.json");
  writeFileSync(file, line);
  const r = await cli([
    "append",
    DOMAIN,
    "--manifest",
    file,
    "--key",
    keyFile,
    "--service",
    SERVICE,
    "--json",
  ]);
  expect(r.code, r.out + r.err).toBe(0);
  const proof = JSON.parse(r.out).proof as string;
  manifestResponse = encodeManifestResponse(line, decodeBase64(proof)!);
  return proof;
}

async function verify(now?: number) {
  const at = now === undefined ? [] : ["--now", String(now)];
  return cli(["verify", SITE, ...trust, ...at]);
}

beforeAll(async () => {
  writeFileSync(keyFile, `${appendKey.signerKey}\n`);
  const doc = JSON.stringify({
    ...JSON.parse(
      serializeNewEntryData({
        resourceHash: resourceHashOf(new TextEncoder().encode(M0)),
        assetHosts: [SERVICE],
        appendKey: appendKey.verifierKey,
      }),
    ),
    sealroom_dev_ids: true,
  });
  const header = buildIntegrityPolicy({ maxAge: 3600, mode: "enforce", manifest: "/m" });
  service = await startLocalService({
    port: PORT,
    inspectorPort: 19260,
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
          res.writeHead(200, { "integrity-policy-waict-v1": header }).end(PAGE);
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

describe("dev-ids preload list: service under wrangler dev, sealroom CLI", () => {
  it("enrols the opted-in site; preload fetch verifies and stores a dev-ids list naming it", async () => {
    const r = await cli(["enroll", DOMAIN, "--service", SERVICE, "--json"]);
    expect(r.code, r.err).toBe(0);
    proof0 = JSON.parse(r.out).proof as string;
    manifestResponse = encodeManifestResponse(M0, decodeBase64(proof0)!);
    let last = "";
    for (let i = 0; i < 60; i++) {
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
      if (f.code === 0 && /dev-ids: v\d+, 1 sites/.test(f.out) && /transparency: v\d+, 1 sites/.test(f.out))
        break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(existsSync(join(store, TDOMAIN, "dev-ids.bin")), last).toBe(true);
    expect(last).toMatch(/dev-ids: v\d+, 1 sites/);
  });

  it("the enrolment's ids with their own evidence: refused within 24 h, passed after", async () => {
    await logAndServe(manifest({ ids: ["alice"], since: { manifest: M0, proof: proof0 } }));
    const early = await verify();
    expect(early.code, early.out + early.err).toBe(1);
    expect(early.out).toMatch(/FAILED extension_cooldown \(dev_ids_cooldown\)/);
    const later = await verify(Math.floor(Date.now() / 1000) + DAY + 3600);
    expect(later.code, later.out + later.err).toBe(0);
  });

  it("dev-ids dropped: refused, and still refused a day later", async () => {
    await logAndServe(manifest());
    for (const now of [undefined, Math.floor(Date.now() / 1000) + DAY + 3600]) {
      const r = await verify(now);
      expect(r.code, r.out + r.err).toBe(1);
      expect(r.out).toMatch(/FAILED extension_cooldown \(dev_ids_missing\)/);
    }
  });

  it("dev-ids changed within 24 h: refused; the same change after the cooldown: passes", async () => {
    const m1 = manifest({ ids: ["mallory"] });
    const p1 = await logAndServe(m1);
    const fresh = await verify();
    expect(fresh.code).toBe(1);
    expect(fresh.out).toMatch(/FAILED extension_cooldown \(dev_ids_cooldown\)/);
    // The change with evidence of when it was logged: still too young now …
    await logAndServe(manifest({ ids: ["mallory"], since: { manifest: m1, proof: p1 } }));
    const early = await verify();
    expect(early.code).toBe(1);
    expect(early.out).toMatch(/FAILED extension_cooldown \(dev_ids_cooldown\)/);
    // … and accepted once the evidence is older than the cooldown.
    const later = await verify(Math.floor(Date.now() / 1000) + DAY + 3600);
    expect(later.code, later.out + later.err).toBe(0);
    // Evidence for other ids (the enrolment's "alice") does not cover "mallory".
    await logAndServe(manifest({ ids: ["mallory"], since: { manifest: M0, proof: proof0 } }));
    const lie = await verify(Math.floor(Date.now() / 1000) + DAY + 3600);
    expect(lie.code).toBe(1);
    expect(lie.out).toMatch(/FAILED extension_cooldown \(dev_ids_since_invalid\)/);
  });
});
