/**
 * Preload lists served by the real service in workerd (Durable Object SQLite, real seals): after a
 * site enrols, the service derives the list, logs its hash in its own preload chain, and
 * `/preload-list/transparency` serves list + cosigned proof + consistency proof that
 * @sealroom/manifest's `verifyPreloadList` accepts; the next version extends the held one; the
 * verifier's preload policy then applies it to the site's real proof. The test plays the witness
 * with real Ed25519 keys (helpers.ts).
 */

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  decodePreloadListResponse,
  encodeManifestResponse,
  PreloadListKind,
  preloadPolicy,
  type VerifiedPreloadList,
  verifyPreloadList,
  verifyTransparency,
} from "@sealroom/manifest";
import { describe, expect, it } from "vitest";
import { storePreloadList } from "../src/preload-lists.ts";
import {
  appendRequest,
  call,
  entryBody,
  makeSite,
  manifestLine,
  preloadListUntil,
  TDOMAIN,
  WITNESS_VKEYS,
  whileCosigning,
} from "./helpers.ts";

const T = PreloadListKind.transparency;
const trust = { trustedServices: [TDOMAIN], witnessKeys: WITNESS_VKEYS, quorum: 1 };

const listUntil = (accept: (l: VerifiedPreloadList) => boolean, previous?: VerifiedPreloadList) =>
  preloadListUntil(T, accept, previous);

const entryOf = (l: VerifiedPreloadList, domain: string) => l.list.entries.find((e) => e.domain === domain);

describe("preload lists", () => {
  it("derives, logs and serves a verifiable list; the next version extends it; the policy applies it", async () => {
    const site = await makeSite(20);
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const v0 = await listUntil((l) => entryOf(l, site.domain) !== undefined);
    expect(entryOf(v0, site.domain)).toEqual({ domain: site.domain, chainSize: 1n });
    expect(v0.service).toBe(TDOMAIN);
    expect(v0.list.treeSize).toBeLessThan(v0.treeSize);
    expect(v0.head.entry.positionInChain).toBe(v0.list.version);
    expect(v0.list.entries.some((e) => e.domain.startsWith("preload."))).toBe(false);
    expect(Number(v0.list.expires)).toBeGreaterThan(Date.now() / 1000 + 6 * 86400);

    const a = await whileCosigning(call(`/append/${site.domain}`, appendRequest(site, 1n, entryBody(1))));
    expect(a.status).toBe(200);
    const v1 = await listUntil((l) => entryOf(l, site.domain)?.chainSize === 2n, v0);
    expect(v1.list.version).toBeGreaterThan(v0.list.version);
    const c = decodePreloadListResponse(v1.response).consistency;
    expect(c.oldSize).toBe(v0.list.version + 1n);
    expect(BigInt(c.entries.length)).toBe(v1.list.version - v0.list.version);

    // The held v1 refuses a response whose consistency proof starts elsewhere.
    const stale = new Uint8Array(await (await call("/preload-list/transparency")).arrayBuffer());
    const r = await verifyPreloadList(stale, { kind: T, ...trust, previous: v0.response });
    expect(r).toMatchObject({ ok: false, detail: "consistency_from" });

    // The verifier's policy with the served list, on the site's own served proof.
    const leaf = await call(`/leaf/${site.domain}`);
    expect(leaf.status).toBe(200);
    const response = encodeManifestResponse(manifestLine(1), new Uint8Array(await leaf.arrayBuffer()));
    const policy = preloadPolicy({ list: v1 });
    const opts = (domain: string) => ({ domain, ...trust, preload: policy });
    expect(await verifyTransparency(response, opts(site.domain))).toMatchObject({
      ok: true,
      status: "verified",
    });
    expect(await verifyTransparency(undefined, opts(site.domain))).toMatchObject({
      ok: false,
      reason: "stripped",
    });
    expect(await verifyTransparency(undefined, opts("never.test"))).toMatchObject({
      ok: true,
      status: "not_enrolled",
    });
  });

  it("a list stored but never staged (a restart between the two steps) is replaced, never served", async () => {
    const before = await listUntil(() => true);
    const next = Number(before.list.version) + 1;
    // The first step of publishing alone: bytes for the next version, with no chain entry.
    await runInDurableObject(env.LOG.getByName("log"), (_o, state) => {
      storePreloadList(state.storage.sql, T, next, new TextEncoder().encode("left by a crash"));
    });
    expect(
      (
        await verifyPreloadList(
          new Uint8Array(await (await call("/preload-list/transparency")).arrayBuffer()),
          { kind: T, ...trust },
        )
      ).ok,
    ).toBe(true);
    const site = await makeSite(22);
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const after = await listUntil((l) => entryOf(l, site.domain) !== undefined, before);
    expect(Number(after.list.version)).toBeGreaterThanOrEqual(next);
  });

  it("reserves the preload chain names and answers bad requests with JSON 4xx", async () => {
    await listUntil(() => true);
    const name = `preload.${TDOMAIN}`;
    const enrol = await call(`/enroll/${name}`, { method: "POST" });
    expect(enrol.status).toBe(400);
    expect(await enrol.json()).toMatchObject({ error: "bad_request" });
    const site = await makeSite(21);
    const append = await call(`/append/${name}`, appendRequest({ ...site, domain: name }, 1n, entryBody(1)));
    expect(append.status).toBe(400);
    expect((await call(`/enroll/dev-ids.preload.${TDOMAIN}`, { method: "POST" })).status).toBe(400);
    expect((await call("/preload-list/dev-ids")).status).toBe(404);
    expect((await call("/preload-list/other")).status).toBe(400);
    expect((await call("/preload-list/transparency?from=01")).status).toBe(400);
    expect((await call("/preload-list/transparency?from=999999")).status).toBe(404);
    // The plain JSON view of issue 9 is still there.
    const plain = await call("/preload-list");
    expect(plain.headers.get("content-type")).toMatch(/json/);
    const domains = ((await plain.json()) as { domains: string[] }).domains;
    expect(domains.some((d) => d.startsWith("preload."))).toBe(false);
  });
});
