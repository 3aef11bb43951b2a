/**
 * The WAICT routes against the real built web client (apps/web/dist, with its manifest) in workerd.
 * The transparency service is not running here (WAICT_SERVICE_URL points at a closed port): the
 * manifest response with a real cosigned head is covered by tooling/e2e's transparent-delivery test.
 */
import { env, exports } from "cloudflare:workers";
import {
  decodeManifestResponse,
  encodeChainHeadWithProof,
  INTEGRITY_POLICY_HEADER,
  type LoggedManifest,
  parseIntegrityPolicy,
  parseNewEntryData,
  resourceHashOf,
  sha256B64u,
} from "@sealroom/manifest";
import { describe, expect, it } from "vitest";
import { ENROLL_PATH, MANIFEST_ASSET, MANIFEST_PATH, TAMPER_PATH } from "../src/waict-config.ts";
import { base } from "./support.ts";

const asset = async (path: string) =>
  new Uint8Array(await (await env.ASSETS.fetch(`${base}${path}`)).arrayBuffer());

describe("served transparently", () => {
  it("puts Integrity-Policy-WAICT-v1 on HTML pages only, naming the manifest response", async () => {
    for (const path of ["/", "/index.html", "/r/abc"]) {
      const res = await exports.default.fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const p = parseIntegrityPolicy(res.headers.get(INTEGRITY_POLICY_HEADER));
      expect(p.ok && p.policy).toMatchObject({ manifest: MANIFEST_PATH, mode: "enforce", maxAge: 3600 });
    }
    const health = await exports.default.fetch(`${base}/healthz`);
    expect(health.headers.get(INTEGRITY_POLICY_HEADER)).toBeNull();
  });

  it("serves the enrolment document for the current build's manifest with the append key", async () => {
    const res = await exports.default.fetch(`${base}${ENROLL_PATH}`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const doc = parseNewEntryData(bytes, { appendKeyFor: "sealroom.localhost" });
    expect(JSON.parse(new TextDecoder().decode(bytes)).append_key).toBe(env.WAICT_APPEND_KEY);
    expect(doc.appendKey?.name).toBe("sealroom.localhost");
    expect(doc.assetHosts).toEqual(["http://127.0.0.1:8788"]);
    expect(doc.resourceHash).toEqual(resourceHashOf(await asset(MANIFEST_ASSET)));
  });

  it("answers 503 JSON while no cosigned head can be fetched", async () => {
    const res = await exports.default.fetch(`${base}${MANIFEST_PATH}`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "manifest-unavailable" });
  });

  it("test hook: flips exactly one byte of the named asset, then stops", async () => {
    const html = new TextDecoder().decode(await asset("/index.html"));
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const honest = await asset(script);
    for (const bad of [{}, { path: "x" }, { path: 3 }]) {
      const r = await exports.default.fetch(`${base}${TAMPER_PATH}`, {
        method: "POST",
        body: JSON.stringify(bad),
      });
      expect(r.status).toBe(400);
    }
    await exports.default.fetch(`${base}${TAMPER_PATH}`, {
      method: "POST",
      body: JSON.stringify({ path: script }),
    });
    const served = new Uint8Array(await (await exports.default.fetch(`${base}${script}`)).arrayBuffer());
    expect(served.length).toBe(honest.length);
    expect(served.filter((b, i) => b !== honest[i]).length).toBe(1);
    expect(sha256B64u(served)).not.toBe(sha256B64u(honest));
    await exports.default.fetch(`${base}${TAMPER_PATH}`, {
      method: "POST",
      body: JSON.stringify({ path: null }),
    });
    const after = new Uint8Array(await (await exports.default.fetch(`${base}${script}`)).arrayBuffer());
    expect(after).toEqual(honest);
  });

  it("SiteManifests keeps the newest head per manifest, bounded, and survives a restart", async () => {
    const stub = env.MANIFESTS.get(env.MANIFESTS.idFromName("keep-test.localhost"));
    const line = (v: number) => new TextEncoder().encode(JSON.stringify({ hashes: {}, v }));
    const proof = (v: number) => new Uint8Array([v, v, v]);
    await stub.put({ line: line(1), proof: proof(1), position: 3n });
    await stub.put({ line: line(1), proof: proof(9), position: 2n }); // older head: ignored
    await stub.put({ line: line(2), proof: proof(2), position: 2n ** 40n });
    let rows = await stub.list();
    expect(rows.map((r: LoggedManifest) => [r.position, r.proof[0]])).toEqual([
      [2n ** 40n, 2],
      [3n, 1],
    ]);
    for (let v = 3; v < 12; v++)
      await stub.put({ line: line(v), proof: proof(v), position: 2n ** 40n + BigInt(v) });
    rows = await stub.list();
    expect(rows.length).toBe(8);
    expect(rows.at(-1)?.position).toBe(2n ** 40n + 4n);
  });

  it("with the service down, serves the head another isolate stored for this build (empty store read again)", async () => {
    const line = await asset(MANIFEST_ASSET);
    const current = line[line.length - 1] === 0x0a ? line.subarray(0, -1) : line;
    const head = {
      entry: {
        positionInChain: 7n,
        timeCreated: 1_780_000_000n,
        resourceHash: resourceHashOf(current),
        assetHostsHash: new Uint8Array(32),
      },
      chainHash: new Uint8Array(32).fill(1),
    };
    const proof = encodeChainHeadWithProof({
      head,
      incProof: new Uint8Array([0]),
      signedPrefixRoot: new TextEncoder().encode("a signed note\n"),
    });
    await env.MANIFESTS.get(env.MANIFESTS.idFromName("sealroom.localhost")).put({
      line: current,
      proof,
      position: 7n,
    });
    const res = await exports.default.fetch(`${base}${MANIFEST_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("sealroom-manifest-state")).toBe("logged");
    const body = decodeManifestResponse(new Uint8Array(await res.arrayBuffer()));
    expect(body.manifestBytes).toEqual(current);
  });
});
