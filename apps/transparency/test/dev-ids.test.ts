/**
 * The dev-ids preload list served by the real service in workerd (Durable Object SQLite, real
 * seals): a site opts into code signing with `"sealroom_dev_ids": true` in its enrolment document;
 * the service derives the dev-ids list from the opted-in sites, logs it in its own dev-ids chain
 * and serves it with proofs that @sealroom/manifest's `verifyPreloadList` accepts; a site that did
 * not opt in is only on the transparency list; an opt-out keeps the site listed for the 24 h
 * cooldown (checked on the owning shard's real SQLite with explicit times, and end to end through
 * the choices the shards report to the coordinator); a malformed member is refused.
 */

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  PRELOAD_COOLDOWN,
  PreloadListKind,
  resourceHashOf,
  serializeNewEntryData,
  type VerifiedPreloadList,
  verifyPreloadList,
} from "@sealroom/manifest";
import { describe, expect, it } from "vitest";
import { devIdsCandidates, readDevIdsOptIn, recordDevIdsOptIn } from "../src/dev-ids-optin.ts";
import { shardIndexOf } from "../src/transparency-log.ts";
import { shardName, type TreeShard } from "../src/tree-shard.ts";
import {
  ASSET_HOSTS,
  call,
  makeSite,
  manifestLine,
  preloadListUntil,
  type Site,
  serveWellKnown,
  TDOMAIN,
  WITNESS_VKEYS,
  whileCosigning,
} from "./helpers.ts";

const D = PreloadListKind.devIds;
const T = PreloadListKind.transparency;
const trust = { trustedServices: [TDOMAIN], witnessKeys: WITNESS_VKEYS, quorum: 1 };

/** The enrolment document of `site` for manifest `version`, with `extra` members added. */
function wellKnown(site: Site, version: number, extra: Record<string, unknown>): string {
  const rh = resourceHashOf(new TextEncoder().encode(manifestLine(version)));
  const doc = JSON.parse(
    serializeNewEntryData({ resourceHash: rh, assetHosts: ASSET_HOSTS, appendKey: site.verifierKey }),
  );
  return JSON.stringify({ ...doc, ...extra });
}

const listUntil = preloadListUntil;

const names = (l: VerifiedPreloadList) => l.list.entries.map((e) => e.domain);

/** The shard owning `domain` (vitest.config.ts runs 16 shards): it keeps the dev-ids choices. */
const SHARDS = 16;
const shardOf = (domain: string): DurableObjectStub<TreeShard> =>
  env.SHARD.getByName(shardName(shardIndexOf(domain, SHARDS), SHARDS));

describe("dev-ids preload list", () => {
  it("no site opted in: no dev-ids list is published", async () => {
    const plain = await makeSite(30);
    expect((await whileCosigning(call(`/enroll/${plain.domain}`, { method: "POST" }))).status).toBe(200);
    await listUntil(T, (l) => names(l).includes(plain.domain));
    expect((await call("/preload-list/dev-ids")).status).toBe(404);
  });

  it("lists exactly the sites that opted in, in its own chain, verifiable by clients", async () => {
    const signing = await makeSite(31);
    const plain = await makeSite(32);
    await serveWellKnown(signing, 0, 200, wellKnown(signing, 0, { sealroom_dev_ids: true }));
    await serveWellKnown(plain, 0, 200, wellKnown(plain, 0, { sealroom_dev_ids: false }));
    for (const s of [signing, plain]) {
      expect((await whileCosigning(call(`/enroll/${s.domain}`, { method: "POST" }))).status).toBe(200);
    }
    const dev = await listUntil(D, (l) => names(l).includes(signing.domain));
    expect(dev.list.kind).toBe(D);
    expect(names(dev)).toEqual([signing.domain]);
    expect(dev.list.entries[0]!.chainSize).toBe(1n);
    const all = await listUntil(T, (l) => names(l).includes(plain.domain));
    expect(names(all)).toEqual(expect.arrayContaining([signing.domain, plain.domain]));
    // Each list is in its own chain: a dev-ids response never verifies as the transparency list.
    const res = new Uint8Array(await (await call("/preload-list/dev-ids")).arrayBuffer());
    expect(await verifyPreloadList(res, { kind: T, ...trust })).toMatchObject({ ok: false });
    expect(names(all).some((d) => d.includes("preload."))).toBe(false);
  });

  it("a malformed opt-in member fails the enrolment and records nothing", async () => {
    const site = await makeSite(33);
    await serveWellKnown(site, 0, 200, wellKnown(site, 0, { sealroom_dev_ids: "yes" }));
    const r = await call(`/enroll/${site.domain}`, { method: "POST" });
    expect(r.status).toBe(424);
    expect(await r.json()).toMatchObject({ error: "site_unavailable" });
    await runInDurableObject(shardOf(site.domain), (_o, state) => {
      const rows = state.storage.sql
        .exec("SELECT domain FROM dev_ids_optin WHERE domain = ?", site.domain)
        .toArray();
      expect(rows).toEqual([]);
    });
  });

  it("the owning shard records the choice with the enrolment; the coordinator keeps an opt-out listed for the cooldown", async () => {
    const site = await makeSite(36);
    const listed = (l: VerifiedPreloadList, size: bigint) =>
      l.list.entries.some((e) => e.domain === site.domain && e.chainSize === size);
    await serveWellKnown(site, 0, 200, wellKnown(site, 0, { sealroom_dev_ids: true }));
    const t0 = Math.floor(Date.now() / 1000);
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const choice = async () =>
      (await shardOf(site.domain).sealedSites()).find((s) => s.domain === site.domain);
    const inSite = await choice();
    expect(inSite?.devIds?.optedIn).toBe(true);
    expect(inSite!.devIds!.changedAt).toBeGreaterThanOrEqual(t0);
    await listUntil(D, (l) => listed(l, 1n));
    // Opt out: the shard records the change; the re-derived dev-ids list (the site's chain grew)
    // still names the site, as the cooldown has not passed.
    await serveWellKnown(site, 1, 200, wellKnown(site, 1, {}));
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const outSite = await choice();
    expect(outSite?.devIds?.optedIn).toBe(false);
    await listUntil(D, (l) => listed(l, 2n));
    // Once the opt-out is older than the cooldown (its time moved back in the shard's SQLite), the
    // next seal of that shard reports it and the coordinator leaves the site off the list.
    await runInDurableObject(shardOf(site.domain), (_o, state) => {
      state.storage.sql.exec(
        "UPDATE dev_ids_optin SET changed_at = changed_at - ? WHERE domain = ?",
        PRELOAD_COOLDOWN,
        site.domain,
      );
    });
    await serveWellKnown(site, 2, 200, wellKnown(site, 2, {}));
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const dev = await listUntil(D, (l) => !names(l).includes(site.domain));
    expect(names(dev)).not.toContain(site.domain);
    const all = await listUntil(T, (l) => listed(l, 3n));
    expect(names(all)).toContain(site.domain);
  });

  it("an opt-out keeps the site a candidate for 24 h from the change, not from re-enrolment", async () => {
    await runInDurableObject(shardOf("out.test"), (_o, state) => {
      const sql = state.storage.sql;
      const t0 = 1_000_000;
      recordDevIdsOptIn(sql, "never.test", false, t0); // never opted in: nothing recorded
      expect(devIdsCandidates(sql, t0).has("never.test")).toBe(false);
      recordDevIdsOptIn(sql, "out.test", true, t0);
      expect(devIdsCandidates(sql, t0 + 10 * PRELOAD_COOLDOWN).has("out.test")).toBe(true);
      recordDevIdsOptIn(sql, "out.test", false, t0 + 100);
      recordDevIdsOptIn(sql, "out.test", false, t0 + 5_000); // re-enrolled, still out: same clock
      expect(devIdsCandidates(sql, t0 + 100 + PRELOAD_COOLDOWN - 1).has("out.test")).toBe(true);
      expect(devIdsCandidates(sql, t0 + 100 + PRELOAD_COOLDOWN).has("out.test")).toBe(false);
      recordDevIdsOptIn(sql, "out.test", true, t0 + 200_000); // back in: at once
      expect(devIdsCandidates(sql, t0 + 200_000).has("out.test")).toBe(true);
    });
  });

  it("reads the member strictly: true, false or absent", () => {
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    expect(readDevIdsOptIn(enc({ sealroom_dev_ids: true }))).toBe(true);
    expect(readDevIdsOptIn(enc({ sealroom_dev_ids: false }))).toBe(false);
    expect(readDevIdsOptIn(enc({}))).toBe(false);
    for (const v of [1, "true", null, [], {}]) {
      expect(() => readDevIdsOptIn(enc({ sealroom_dev_ids: v }))).toThrow();
    }
  });
});
