/**
 * The preload policy of verifyTransparency, attack by attack and honest path by honest path (issue
 * 17), against a real in-memory service (PreloadWorld): real PrefixTree, real site and preload
 * hash chains, real Ed25519 witness cosignatures; the lists the policy applies are the ones
 * verifyPreloadList accepted.
 */

import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { describe, expect, it } from "vitest";
import { encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { encodeManifestResponse } from "../src/manifest-response.ts";
import { PreloadListKind } from "../src/preload-list.ts";
import { preloadPolicy } from "../src/preload-policy.ts";
import { type VerifiedPreloadList, verifyPreloadList } from "../src/verify-preload-list.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { DAY, NOW, PreloadWorld, type Sealed } from "./helpers/preload-world.ts";

const T = PreloadListKind.transparency;
const D = PreloadListKind.devIds;
const hash = (n: number) => `${"A".repeat(42)}${"AEIMQUYcgkosw048"[n]}`;
const M = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ hashes: { "/": hash(n) }, ...extra });
const devIds = (ids: string[], since?: { manifest: string; sealed: Sealed; domain: string }) =>
  M(1, {
    sealroom_dev_ids: since
      ? {
          ids,
          since: {
            manifest: since.manifest,
            proof: encodeBase64(encodeChainHeadWithProof(since.sealed.proofs.get(since.domain)!)),
          },
        }
      : { ids },
  });

const SITE = "shop.example";
const DEV = "dev.example";

interface Scene {
  world: PreloadWorld;
  list: VerifiedPreloadList;
  devList: VerifiedPreloadList;
  /** Seal holding the site's first head (cosigned 3 days ago: still fresh). */
  s0: Sealed;
  /** dev.example's first manifest (ids ["alice"]) and its seal, 10 days ago. */
  dev0: { manifest: string; sealed: Sealed };
}

/**
 * shop.example: M(0) logged 10 days ago (seal s0 cosigned 3 days ago), M(2) logged 2 days ago.
 * dev.example: ids ["alice"] logged 10 days ago, then the same ids with `since` evidence 5 days ago.
 * Both lists derived from the tree holding those heads, published, cosigned a minute ago.
 */
async function scene(o: { listExpires?: number; extra?: (w: PreloadWorld) => void } = {}): Promise<Scene> {
  const world = new PreloadWorld();
  world.append(SITE, M(0), NOW - 10 * DAY);
  const dev0Line = devIds(["alice"]);
  world.append(DEV, dev0Line, NOW - 10 * DAY);
  const sealedDev0 = world.seal(NOW - 10 * DAY);
  const s0 = world.seal(NOW - 3 * DAY);
  world.append(SITE, M(2), NOW - 2 * DAY);
  world.append(
    DEV,
    devIds(["alice"], { manifest: dev0Line, sealed: sealedDev0, domain: DEV }),
    NOW - 5 * DAY + 1,
  );
  o.extra?.(world);
  world.seal(NOW - 120);
  const expires = o.listExpires ?? NOW + 7 * DAY;
  const lb = world.publishList(T, { time: NOW - 110, expires });
  const db = world.publishList(D, { time: NOW - 110, expires, only: [DEV] });
  world.seal(NOW - 60);
  const list = await verifyPreloadList(world.listResponse(T, lb), { kind: T, ...world.trust() });
  const devList = await verifyPreloadList(world.listResponse(D, db), { kind: D, ...world.trust() });
  if (!list.ok || !devList.ok) throw new Error("scene lists do not verify");
  return { world, list, devList, s0, dev0: { manifest: dev0Line, sealed: sealedDev0 } };
}

const opts = (s: Scene, domain: string, extra: Record<string, unknown> = {}) => ({
  domain,
  ...s.world.trust(),
  preload: preloadPolicy({ list: s.list, devIds: s.devList }),
  ...extra,
});

describe("preload policy: attacks on a preloaded site", () => {
  it("header or manifest stripped -> stripped", async () => {
    const s = await scene();
    expect(await verifyTransparency(undefined, opts(s, SITE))).toMatchObject({
      ok: false,
      reason: "stripped",
    });
    expect(await verifyTransparency(undefined, opts(s, "SHOP.example."))).toMatchObject({
      reason: "stripped",
    });
    // Without a policy the same absence is just manifest_unavailable.
    const { preload: _, ...plain } = opts(s, SITE);
    expect(await verifyTransparency(undefined, plain)).toMatchObject({ reason: "manifest_unavailable" });
  });

  it("manifest served without a proof -> missing_transparency_proof", async () => {
    const s = await scene();
    const res = encodeManifestResponse(M(2), new Uint8Array(0));
    expect(await verifyTransparency(res, opts(s, SITE))).toMatchObject({
      ok: false,
      reason: "missing_transparency_proof",
    });
  });

  it("an invalid proof keeps its own reason", async () => {
    const s = await scene();
    const good = s.world.siteResponse(SITE, M(2));
    expect((await verifyTransparency(good, opts(s, SITE))).ok).toBe(true);
    const wrongSite = s.world.siteResponse(DEV, devIds(["alice"]));
    expect(await verifyTransparency(wrongSite, opts(s, SITE))).toMatchObject({
      reason: "invalid_transparency_proof",
      detail: "inclusion_failed",
    });
    const lines = new TextDecoder().decode(good).split("\n");
    const other = new TextEncoder().encode(`${M(3)}\n${lines[1]}\n`);
    expect(await verifyTransparency(other, opts(s, SITE))).toMatchObject({
      reason: "invalid_transparency_proof",
      detail: "resource_hash_mismatch",
    });
  });

  it("a proof for an older head after a newer one is on the list's tree -> stale_head", async () => {
    const s = await scene();
    const replay = s.world.siteResponse(SITE, M(0), s.s0);
    const { preload: _, ...plain } = opts(s, SITE);
    // Still fresh (cosigned 3 days ago): the drafts' checks alone accept the replay.
    expect(await verifyTransparency(replay, plain)).toMatchObject({ ok: true, status: "verified" });
    expect(await verifyTransparency(replay, opts(s, SITE))).toMatchObject({
      ok: false,
      reason: "stale_head",
    });
  });

  it("a fresh tombstone (unenrol-and-attack) -> unenrolment_cooldown; a fresh emergency opt-out too", async () => {
    const s = await scene();
    s.world.append(SITE, null, NOW - 3600);
    s.world.seal(NOW - 30);
    const res = s.world.siteResponse(SITE, M(9));
    const { preload: _, ...plain } = opts(s, SITE);
    expect(await verifyTransparency(res, plain)).toMatchObject({ ok: true, status: "unenrolled" });
    expect(await verifyTransparency(res, opts(s, SITE))).toMatchObject({
      ok: false,
      reason: "unenrolment_cooldown",
      detail: "tombstone_too_recent",
    });
    const optOut = JSON.stringify({ hashes: {}, emergency_opt_out: true });
    s.world.append(SITE, optOut, NOW - 3000);
    s.world.seal(NOW - 20);
    expect(await verifyTransparency(s.world.siteResponse(SITE, optOut), opts(s, SITE))).toMatchObject({
      reason: "unenrolment_cooldown",
      detail: "opt_out_too_recent",
    });
  });

  it("dev-ids dropped -> extension_cooldown (dev_ids_missing)", async () => {
    const s = await scene();
    s.world.append(DEV, M(4), NOW - 600);
    s.world.seal(NOW - 30);
    expect(await verifyTransparency(s.world.siteResponse(DEV, M(4)), opts(s, DEV))).toMatchObject({
      ok: false,
      reason: "extension_cooldown",
      detail: "dev_ids_missing",
    });
  });

  it("dev-ids changed within 24 h -> extension_cooldown (dev_ids_cooldown)", async () => {
    const s = await scene();
    const m1 = devIds(["mallory"]);
    s.world.append(DEV, m1, NOW - 3600);
    const sealed = s.world.seal(NOW - 3600);
    // Evidence exists, but its tree and entry are an hour old.
    const m2 = devIds(["mallory"], { manifest: m1, sealed, domain: DEV });
    s.world.append(DEV, m2, NOW - 1800);
    s.world.seal(NOW - 30);
    expect(await verifyTransparency(s.world.siteResponse(DEV, m2), opts(s, DEV))).toMatchObject({
      ok: false,
      reason: "extension_cooldown",
      detail: "dev_ids_cooldown",
    });
    // Without evidence at all, and with evidence for other ids.
    s.world.append(DEV, m1, NOW - 1700);
    s.world.seal(NOW - 20);
    expect(await verifyTransparency(s.world.siteResponse(DEV, m1), opts(s, DEV))).toMatchObject({
      detail: "dev_ids_cooldown",
    });
    const lie = devIds(["mallory"], { ...s.dev0, domain: DEV });
    s.world.append(DEV, lie, NOW - 1600);
    s.world.seal(NOW - 10);
    expect(await verifyTransparency(s.world.siteResponse(DEV, lie), opts(s, DEV))).toMatchObject({
      reason: "extension_cooldown",
      detail: "dev_ids_since_invalid",
    });
  });
});

describe("preload policy: honest paths", () => {
  it("an enrolled site on the list verifies", async () => {
    const s = await scene();
    expect(await verifyTransparency(s.world.siteResponse(SITE, M(2)), opts(s, SITE))).toMatchObject({
      ok: true,
      status: "verified",
    });
  });

  it("a site that unenrolled more than 24 h ago passes as unenrolled", async () => {
    // The list was derived while the site was enrolled; its tombstone is now 2 days old.
    const s = await scene();
    s.world.append(SITE, null, NOW - DAY - 1);
    s.world.seal(NOW - 30);
    expect(await verifyTransparency(s.world.siteResponse(SITE, M(9)), opts(s, SITE))).toMatchObject({
      ok: true,
      status: "unenrolled",
    });
  });

  it("a site never enrolled, without a header, passes as not enrolled", async () => {
    const s = await scene();
    expect(await verifyTransparency(undefined, opts(s, "never.example"))).toEqual({
      ok: true,
      status: "not_enrolled",
      domain: "never.example",
    });
  });

  it("an expired list no longer applies", async () => {
    const s = await scene();
    expect(await verifyTransparency(undefined, opts(s, SITE, { now: NOW + 7 * DAY }))).toMatchObject({
      ok: true,
      status: "not_enrolled",
    });
  });

  it("dev-ids unchanged with old evidence, and a change that waited out the cooldown, pass", async () => {
    const s = await scene();
    const current = s.world.latest!.proofs.get(DEV)!;
    expect(current.head.entry.positionInChain).toBe(1n);
    const line = devIds(["alice"], { ...s.dev0, domain: DEV });
    expect(await verifyTransparency(s.world.siteResponse(DEV, line), opts(s, DEV))).toMatchObject({
      ok: true,
      status: "verified",
    });
    const bob = devIds(["bob"]);
    s.world.append(DEV, bob, NOW - 4 * DAY);
    const sealed = s.world.seal(NOW - 4 * DAY);
    const now2 = devIds(["bob"], { manifest: bob, sealed, domain: DEV });
    s.world.append(DEV, now2, NOW - 4 * DAY + 100);
    s.world.seal(NOW - 30);
    expect(await verifyTransparency(s.world.siteResponse(DEV, now2), opts(s, DEV))).toMatchObject({
      ok: true,
      status: "verified",
    });
    // Removal in progress: ids [] with cooled-down evidence.
    const none = devIds([]);
    s.world.append(DEV, none, NOW - 3 * DAY);
    const sealed2 = s.world.seal(NOW - 3 * DAY);
    const now3 = devIds([], { manifest: none, sealed: sealed2, domain: DEV });
    s.world.append(DEV, now3, NOW - 500);
    s.world.seal(NOW - 20);
    expect(await verifyTransparency(s.world.siteResponse(DEV, now3), opts(s, DEV))).toMatchObject({
      ok: true,
    });
  });

  it("a site on no list keeps the drafts' behaviour", async () => {
    const s = await scene({ extra: (w) => w.append("late.example", M(5), NOW - 100) });
    // late.example is in the tree and on the list (enrolled before the list was derived) …
    expect(s.list.list.entries.map((e) => e.domain)).toContain("late.example");
    const w = s.world;
    w.append("later.example", M(6), NOW - 50);
    w.seal(NOW - 10);
    // … later.example enrolled after: not on the list, verified normally.
    expect(
      await verifyTransparency(w.siteResponse("later.example", M(6)), opts(s, "later.example")),
    ).toMatchObject({
      ok: true,
      status: "verified",
    });
    w.append("later.example", null, NOW - 5);
    w.seal(NOW - 1);
    expect(
      await verifyTransparency(w.siteResponse("later.example", M(6)), opts(s, "later.example")),
    ).toMatchObject({
      ok: true,
      status: "unenrolled",
    });
  });
});
