/**
 * The transparency service and two real witnesses under `wrangler dev` (workerd, local Durable
 * Objects), all on 127.0.0.1 with ports shifted from the dev ports like stack.test.ts:
 *
 * - the service runs with 16 tree shards (TREE_SHARDS, apps/transparency README "Shards and the
 *   coordinator"): its batches, roots and compact proofs come from the coordinator joining the
 *   shards' parts, and both witnesses must accept them unchanged;
 * - a local site (Node HTTP server) enrols and appends; the service seals batches; witness R
 *   (replay mode) and witness C (compact mode) pull, verify and cosign real batches, woken by the
 *   service's /notify; the service answers each write with a `ChainHeadWithProof` that
 *   @sealroom/manifest's `verifyTransparency` accepts with a quorum of both witnesses;
 * - each witness also follows a hostile service (the witness tests' scripted Node server) that
 *   serves an honest batch, then a fork: it is refused, and the hostile service never holds a
 *   cosignature for a root that does not follow from the previous one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBase64 as base64Encode, encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  encodeManifestResponse,
  generateAppendKey,
  POSITION_HEADER,
  resourceHashOf,
  SIGNATURE_HEADER,
  serializeNewEntryData,
  signAppend,
  verifyTransparency,
} from "@sealroom/manifest";
import { keyForDomain, shardOf } from "@sealroom/prefix-tree";
import {
  cosignerVerifierKey,
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  generateCosignerKey,
  parseSignatureLines,
  verifyCosignature,
} from "@sealroom/prefix-tree/note";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event, HonestLog } from "../../../apps/witness/test/support/honest-log.ts";
import { startScriptedService } from "../../../apps/witness/test/support/scripted-service.ts";
import { ROOT, start, stop, waitFor } from "../src/workspace.ts";

const offset = Number(process.env.SEALROOM_SMOKE_PORT_OFFSET ?? 10_000) + 1_000;
const TPORT = 8788 + offset;
const RPORT = 8789 + offset;
const CPORT = 8790 + offset;
const TDOMAIN = "transparency.sealroom.localhost";
const SITE = "e2e-site.localhost";
const HOSTS = ["https://assets.e2e-site.localhost/"];

const witnessR = generateCosignerKey("witness-r.localhost", new Uint8Array(32).fill(0x51));
const witnessC = generateCosignerKey("witness-c.localhost", new Uint8Array(32).fill(0x52));
const siteKey = generateAppendKey(SITE, new Uint8Array(32).fill(0x53));
/** More sites, so that the 16-shard service's batches span several shards. */
const MORE = Array.from({ length: 6 }, (_, i) => {
  const domain = `e2e-more${i}.localhost`;
  return {
    domain,
    key: generateAppendKey(domain, new Uint8Array(32).fill(0x60 + i)),
    server: undefined as Server | undefined,
  };
});

const manifestLine = (v: number) =>
  JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" }, version: v });
const entry = (v: number, appendKey?: string) =>
  serializeNewEntryData({
    resourceHash: resourceHashOf(new TextEncoder().encode(manifestLine(v))),
    assetHosts: HOSTS,
    ...(appendKey ? { appendKey } : {}),
  });

const persist = mkdtempSync(join(tmpdir(), "sealroom-witnessed-"));
const children: ReturnType<typeof start>[] = [];
let site: Server;
let hostile: { server: Server; base: string };

function wrangler(app: string, port: number, inspector: number, name: string, vars: Record<string, string>) {
  // An env file replaces the app's .dev.vars (a developer's local keys must not leak in).
  const envFile = join(persist, `${name}.env`);
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'\n`)
      .join(""),
  );
  return start(
    "wrangler",
    [
      "dev",
      "--config",
      join(ROOT, "apps", app, "wrangler.jsonc"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      join(persist, name),
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: join(ROOT, "apps", app) },
  );
}

const hostileDomain = (mode: string) => `hostile-${mode}.localhost`;

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === "/.well-known/waict-enroll") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(entry(0, siteKey.verifierKey));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  const sitePort = (site.address() as AddressInfo).port;
  const origins: Record<string, string> = { [SITE]: `http://127.0.0.1:${sitePort}` };
  for (const m of MORE) {
    const doc = entry(0, m.key.verifierKey);
    m.server = createServer((req, res) => {
      res.writeHead(req.url === "/.well-known/waict-enroll" ? 200 : 404);
      res.end(req.url === "/.well-known/waict-enroll" ? doc : undefined);
    });
    await new Promise<void>((r) => m.server!.listen(0, "127.0.0.1", r));
    origins[m.domain] = `http://127.0.0.1:${(m.server.address() as AddressInfo).port}`;
  }
  hostile = await startScriptedService();

  children.push(
    wrangler("transparency", TPORT, 19_339, "transparency", {
      TREE_DOMAIN: TDOMAIN,
      WITNESS_KEYS: [witnessR, witnessC].map(formatCosignerVerifierKey).join("\n"),
      WITNESS_QUORUM: "2",
      WITNESS_NOTIFY_URLS: `http://127.0.0.1:${RPORT}/notify,http://127.0.0.1:${CPORT}/notify`,
      EPOCH_MS: "300",
      APPEND_TIMEOUT_MS: "60000",
      DEV_ORIGINS: JSON.stringify(origins),
      TREE_SHARDS: "16",
    }),
  );
  for (const [mode, key, port, inspector] of [
    ["replay", witnessR, RPORT, 19_340],
    ["compact", witnessC, CPORT, 19_341],
  ] as const) {
    children.push(
      wrangler("witness", port, inspector, `witness-${mode}`, {
        WITNESS_SKEY: formatCosignerSignerKey(key),
        SERVICES: JSON.stringify([
          { url: `http://127.0.0.1:${TPORT}`, tree_domain: TDOMAIN, mode },
          { url: `${hostile.base}/${mode}`, tree_domain: hostileDomain(mode), mode },
        ]),
        POLL_MS: "300",
        RECOSIGN_MS: "2000",
        ADMIN_TOKEN: "e2e-admin",
      }),
    );
  }
  try {
    await Promise.all([TPORT, RPORT, CPORT].map((p) => waitFor(`http://127.0.0.1:${p}/healthz`, 120_000)));
  } catch (err) {
    throw new Error(`${String(err)}\n--- wrangler output ---\n${children.map((c) => c.output()).join("\n")}`);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  await new Promise((r) => site?.close(r));
  for (const m of MORE) await new Promise((r) => (m.server ? m.server.close(r) : r(undefined)));
  await new Promise((r) => hostile?.server.close(r));
  rmSync(persist, { recursive: true, force: true });
}, 60_000);

async function verify(proof: Uint8Array, version: number, domain = SITE) {
  return verifyTransparency(encodeManifestResponse(manifestLine(version), proof), {
    domain,
    trustedServices: [TDOMAIN],
    witnessKeys: [witnessR, witnessC].map(formatCosignerVerifierKey),
    quorum: 2,
  });
}

interface WitnessStatus {
  services: {
    service: { tree_domain: string; mode: string };
    size: number;
    root: string;
    halted: boolean;
    refusals: { kind: string }[];
    lastCosignature: { size: number } | null;
  }[];
}
const statusOf = async (port: number) =>
  (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as WitnessStatus;

describe("a transparency service witnessed by a replay and a compact witness", () => {
  it("enrols and appends; both witnesses cosign real batches; verifyTransparency accepts", async () => {
    const enrolled = await fetch(`http://127.0.0.1:${TPORT}/enroll/${SITE}`, { method: "POST" });
    expect(enrolled.status, await enrolled.clone().text()).toBe(200);
    const r0 = await verify(new Uint8Array(await enrolled.arrayBuffer()), 0);
    expect(r0).toMatchObject({ ok: true, status: "verified", service: TDOMAIN });
    if (!r0.ok) throw new Error("unreachable");
    expect(r0.cosigners.map((c) => c.name).sort()).toEqual([witnessC.name, witnessR.name]);

    for (const v of [1, 2]) {
      const body = new TextEncoder().encode(entry(v));
      const sig = signAppend(siteKey.signerKey, { domain: SITE, position: BigInt(v), body });
      const res = await fetch(`http://127.0.0.1:${TPORT}/append/${SITE}`, {
        method: "POST",
        body,
        headers: { [POSITION_HEADER]: String(v), [SIGNATURE_HEADER]: encodeBase64(sig) },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const proof = new Uint8Array(await res.arrayBuffer());
      const r = await verify(proof, v);
      expect(r).toMatchObject({ ok: true, status: "verified" });
      if (r.ok) expect(r.treeSize).toBeGreaterThan(r0.ok ? r0.treeSize : 0n);
      // The proof for version v does not verify another version's manifest.
      expect((await verify(proof, v + 10)).ok).toBe(false);
    }

    // Both witnesses hold the service's latest root, in their own mode, with nothing refused.
    const cp = (await (await fetch(`http://127.0.0.1:${TPORT}/checkpoint`)).json()) as {
      size: number;
      root: string;
    };
    for (const [port, mode] of [
      [RPORT, "replay"],
      [CPORT, "compact"],
    ] as const) {
      const s = (await statusOf(port)).services.find((x) => x.service.tree_domain === TDOMAIN)!;
      expect(s.service.mode).toBe(mode);
      expect(s.halted).toBe(false);
      expect(s.refusals).toEqual([]);
      expect(s.size).toBeGreaterThanOrEqual(3);
      if (s.size === cp.size) expect(s.root).toBe(cp.root);
    }
  });

  it("sites in several of the 16 shards enrol at once; both witnesses accept every batch unchanged", async () => {
    const shards = new Set([SITE, ...MORE.map((m) => m.domain)].map((d) => shardOf(keyForDomain(d), 16)));
    expect(shards.size).toBeGreaterThanOrEqual(3);
    const answers = await Promise.all(
      MORE.map((m) => fetch(`http://127.0.0.1:${TPORT}/enroll/${m.domain}`, { method: "POST" })),
    );
    for (const [i, res] of answers.entries()) {
      expect(res.status, await res.clone().text()).toBe(200);
      const r = await verify(new Uint8Array(await res.arrayBuffer()), 0, MORE[i]!.domain);
      expect(r).toMatchObject({ ok: true, status: "verified" });
    }
    // Both witnesses reach the service's size and root with nothing refused.
    const deadline = Date.now() + 30_000;
    for (const port of [RPORT, CPORT]) {
      for (;;) {
        const cp = (await (await fetch(`http://127.0.0.1:${TPORT}/checkpoint`)).json()) as {
          size: number;
          root: string;
        };
        const s = (await statusOf(port)).services.find((x) => x.service.tree_domain === TDOMAIN)!;
        expect(s.halted).toBe(false);
        expect(s.refusals).toEqual([]);
        if (s.size === cp.size) {
          expect(s.root).toBe(cp.root);
          break;
        }
        if (Date.now() > deadline) throw new Error(`witness on ${port} stuck at ${s.size} of ${cp.size}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  for (const [mode, port, key] of [
    ["replay", RPORT, witnessR],
    ["compact", CPORT, witnessC],
  ] as const) {
    it(`the ${mode} witness refuses a hostile service's fork and never signs a root that does not follow`, async () => {
      const base = `${hostile.base}/${mode}`;
      const domain = hostileDomain(mode);
      const log = new HonestLog();
      log.seal([event("a.example", 10), event("b.example", 10)]);
      const put = (body: unknown) => fetch(`${base}/_control`, { method: "PUT", body: JSON.stringify(body) });
      const checkpoint = (size: number, root: Uint8Array) => ({
        tree_domain: domain,
        size,
        root: base64Encode(root),
        time: 0,
        cosignatures: [],
      });
      await put({
        batches: { 0: base64Encode(log.sealed[0]!.batch) },
        bundles: { 0: base64Encode(log.sealed[0]!.bundle) },
        checkpoint: checkpoint(1, log.rootAt(1)),
      });
      await fetch(`http://127.0.0.1:${port}/notify`, { method: "POST" });
      const uploads = async () =>
        (await (await fetch(`${base}/_control/uploads`)).json()) as { n: number; body: string }[];
      const deadline = Date.now() + 30_000;
      while ((await uploads()).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      // Then a fork: batch 1 replays (and its proof verifies) but the checkpoint claims another root.
      const s1 = log.seal([event("c.example", 11)]);
      await put({
        batches: { 1: base64Encode(s1.batch) },
        bundles: { 1: base64Encode(s1.bundle) },
        checkpoint: checkpoint(2, new Uint8Array(32).fill(0xee)),
      });
      await fetch(`http://127.0.0.1:${port}/notify`, { method: "POST" });
      let st: WitnessStatus["services"][number] | undefined;
      while (Date.now() < deadline) {
        st = (await statusOf(port)).services.find((x) => x.service.tree_domain === domain);
        if (st?.halted) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(st).toMatchObject({ halted: true, size: 1, root: base64Encode(log.rootAt(1)) });
      expect(st!.refusals[0]!.kind).toBe("fork");
      const got = await uploads();
      expect(got.length).toBeGreaterThan(0);
      for (const u of got) {
        expect(u.n).toBe(1);
        const [sig] = parseSignatureLines(u.body);
        const cp = { tdomain: domain, size: 1n, root: log.rootAt(1) };
        expect(verifyCosignature(cosignerVerifierKey(key), cp, sig!)).toBe(true);
      }
    });
  }
});
