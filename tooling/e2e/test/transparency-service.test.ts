/**
 * The transparency service under `wrangler dev` (workerd, local Durable Object SQLite and R2) on
 * 127.0.0.1, driven by the real `sealroom` CLI commands: a local site serves its
 * `/.well-known/waict-enroll`, is enrolled, appended three times and uploads assets; this test
 * plays the witness with a real Ed25519 cosigner key (polling /checkpoint, uploading cosignatures
 * as a witness does); every `ChainHeadWithProof` verifies with `verifyTransparency`; `sealroom
 * monitor` sees exactly the three appends and flags a simulated rewrite and a tombstone.
 * (The full stack with the real witness app is the witness branch's e2e.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  encodeManifestResponse,
  generateAppendKey,
  resourceHashOf,
  serializeNewEntryData,
  verifyTransparency,
} from "@sealroom/manifest";
import { formatCosignerVerifierKey, generateCosignerKey } from "@sealroom/prefix-tree/note";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, sealroomCli, startLocalService } from "../src/service-harness.ts";

const offset = Number(process.env.SEALROOM_SMOKE_PORT_OFFSET ?? 10_000);
const PORT = 8788 + offset + 200;
const SITE_PORT = PORT + 1;
const SERVICE = `http://127.0.0.1:${PORT}`;
const TDOMAIN = "transparency.e2e.localhost";
const DOMAIN = "e2e-site.localhost";

const witness = generateCosignerKey("witness.e2e.localhost");
const appendKey = generateAppendKey(DOMAIN);
const tmp = mkdtempSync(join(tmpdir(), "sealroom-transparency-e2e-"));
const manifest = (v: number) =>
  JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" }, v });
let service: LocalService | undefined;

const cli = (args: string[]) => sealroomCli(tmp, args);

async function verify(line: string, proofB64: string) {
  return verifyTransparency(encodeManifestResponse(line, decodeBase64(proofB64)!), {
    domain: DOMAIN,
    trustedServices: [TDOMAIN],
    witnessKeys: [formatCosignerVerifierKey(witness)],
    quorum: 1,
    origin: `http://${DOMAIN}`,
  });
}

beforeAll(async () => {
  const doc = serializeNewEntryData({
    resourceHash: resourceHashOf(new TextEncoder().encode(manifest(0))),
    assetHosts: [SERVICE],
    appendKey: appendKey.verifierKey,
  });
  service = await startLocalService({
    port: PORT,
    inspectorPort: 19240,
    persistTo: tmp,
    tdomain: TDOMAIN,
    witness,
    epochMs: 1000,
    site: {
      domain: DOMAIN,
      port: SITE_PORT,
      serve: (req, res) => {
        if (req.url === "/.well-known/waict-enroll") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(doc);
        } else res.writeHead(404).end();
      },
    },
  });
}, 150_000);

afterAll(async () => {
  await service?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe("transparency service under wrangler dev, driven by the sealroom CLI", () => {
  const keyFile = join(tmp, "append.skey");
  const state = join(tmp, "monitor.json");
  const expected: string[] = [];

  it("enrols a local site; the cosigned head verifies with verifyTransparency", async () => {
    writeFileSync(keyFile, `${appendKey.signerKey}\n`);
    const r = await cli(["enroll", DOMAIN, "--service", SERVICE, "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { position: string; proof: string; cosigners: string[] };
    expect(j.position).toBe("0");
    expect(j.cosigners).toEqual(["witness.e2e.localhost"]);
    const v = await verify(manifest(0), j.proof);
    expect(v.ok ? "ok" : `${v.detail}: ${v.message}`).toBe("ok");
    const m = await cli([
      "monitor",
      DOMAIN,
      "--service",
      SERVICE,
      "--state",
      state,
      "--witness",
      formatCosignerVerifierKey(witness),
      "--json",
    ]);
    expect(m.code, m.err + m.out).toBe(0);
    expect(JSON.parse(m.out).newEntries).toHaveLength(1);
  });

  it("appends three manifests with the append key; each answer verifies for its own manifest only", async () => {
    for (const v of [1, 2, 3]) {
      const file = join(tmp, `manifest-${v}.json`);
      writeFileSync(file, manifest(v));
      expected.push(encodeBase64(resourceHashOf(new TextEncoder().encode(manifest(v)))));
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
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out) as { position: string; proof: string; resourceHash: string };
      expect(j.position).toBe(String(v));
      expect(j.resourceHash).toBe(expected[v - 1]);
      expect((await verify(manifest(v), j.proof)).ok).toBe(true);
      expect((await verify(manifest(v - 1), j.proof)).ok).toBe(false);
    }
    expect(service?.witness.cosigned).toBeGreaterThanOrEqual(4);
  });

  it("uploads a directory to the asset host and serves it back", async () => {
    const dir = join(tmp, "dist");
    mkdirSync(dir);
    writeFileSync(join(dir, "app.js"), "console.log(1)\n");
    const r = await cli(["upload", dir, "--service", SERVICE, "--key", keyFile, "--json"]);
    expect(r.code, r.err).toBe(0);
    const up = JSON.parse(r.out) as { uploaded: { digest: string }[] };
    const res = await fetch(`${SERVICE}/fetch/${up.uploaded[0]!.digest}`);
    expect(await res.text()).toBe("console.log(1)\n");
  });

  it("monitor sees exactly the three appends, then flags a simulated rewrite and a tombstone", async () => {
    const args = ["monitor", DOMAIN, "--service", SERVICE, "--state", state, "--json"];
    const m = await cli([...args, ...expected.flatMap((e) => ["--expect-resource", e])]);
    expect(m.code, m.err + m.out).toBe(0);
    const report = JSON.parse(m.out) as {
      newEntries: { position: string; resourceHash: string }[];
      size: string;
    };
    expect(report.newEntries.map((e) => e.position)).toEqual(["1", "2", "3"]);
    expect(report.newEntries.map((e) => e.resourceHash)).toEqual(expected);
    expect(report.size).toBe("4");

    // An unexpected append is flagged.
    const file = join(tmp, "manifest-9.json");
    writeFileSync(file, manifest(9));
    expect(
      (await cli(["append", DOMAIN, "--manifest", file, "--key", keyFile, "--service", SERVICE])).code,
    ).toBe(0);
    const u = await cli([...args, "--expect-resource", expected[0]!]);
    expect(u.code).toBe(1);
    expect(JSON.parse(u.out).flags[0].flag).toBe("unexpected_append");

    // Simulated rewrite: the monitor's recorded history (size 4) no longer matches what the
    // service proves (another digest for the same entries), as if the service had rewritten it.
    const s = JSON.parse(readFileSync(state, "utf8")) as { digest: string };
    const before = readFileSync(state, "utf8");
    writeFileSync(state, JSON.stringify({ ...s, digest: encodeBase64(new Uint8Array(32).fill(7)) }));
    const rw = await cli(args);
    expect(rw.code).toBe(1);
    expect(JSON.parse(rw.out).flags[0].flag).toBe("rewrite");
    writeFileSync(state, JSON.stringify({ ...s, size: "9" }));
    expect(JSON.parse((await cli(args)).out).flags[0].flag).toBe("rewrite");
    writeFileSync(state, before);

    // Unenrolment (a tombstone append) is flagged.
    expect((await cli(["append", DOMAIN, "--tombstone", "--key", keyFile, "--service", SERVICE])).code).toBe(
      0,
    );
    const t = await cli(args);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.out).flags.map((f: { flag: string }) => f.flag)).toContain("tombstone");
  });
});
