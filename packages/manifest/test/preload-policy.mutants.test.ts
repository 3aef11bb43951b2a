/**
 * The preload policy's rules at their exact boundaries (found by mutation testing, `pnpm mutate`),
 * applied directly to what the draft's checks concluded: list expiry to the second, the stale-head
 * size and the cooldown age one either side, each list kind, each detail code, and the order of the
 * rules. The end-to-end attacks against a real service are in preload-policy.test.ts.
 */
import { describe, expect, it } from "vitest";
import { type Failure, FailureReason, failure } from "../src/errors.ts";
import { type PreloadList, PreloadListKind } from "../src/preload-list.ts";
import { preloadPolicy, UNENROLMENT_COOLDOWN } from "../src/preload-policy.ts";
import type { TransparencyOk, VerifyTransparencyOptions } from "../src/verify-transparency.ts";

const NOW = 1_800_000_000;
const SITE = "shop.example";
const DEV = "dev.example";

function list(kind: PreloadListKind, entries: [string, bigint][], expires = BigInt(NOW + 3600)): PreloadList {
  return {
    kind,
    version: 1n,
    treeSize: 10n,
    root: new Uint8Array(32),
    expires,
    entries: entries.map(([domain, chainSize]) => ({ domain, chainSize })),
  };
}

const T = list(PreloadListKind.transparency, [[SITE, 5n]]);
const D = list(PreloadListKind.devIds, [[DEV, 3n]]);

function opts(domain: string, now = NOW): VerifyTransparencyOptions {
  return { domain, trustedServices: [], witnessKeys: [], quorum: 1, now };
}

/** What verifyTransparency concluded for a head at `position` logged at `created`. */
function ok(
  status: TransparencyOk["status"],
  position: bigint,
  created: number,
  extensions: Record<string, unknown> = {},
): TransparencyOk {
  return {
    ok: true,
    status,
    manifest: { hashes: {}, extensions },
    manifestBytes: new Uint8Array(0),
    head: { entry: { positionInChain: position, timeCreated: BigInt(created) } },
    service: "t.example",
    treeSize: 10n,
    root: new Uint8Array(32),
    cosigners: [],
  } as unknown as TransparencyOk;
}

describe("preloadPolicy: the lists", () => {
  it("each list must be of its own kind (verified or not)", () => {
    expect(() => preloadPolicy({ list: D })).toThrow(TypeError);
    expect(() => preloadPolicy({ devIds: T })).toThrow(TypeError);
    expect(() => preloadPolicy({ list: T, devIds: D })).not.toThrow();
    expect(() => preloadPolicy({ list: { ok: true, list: D } as unknown as PreloadList })).toThrow(TypeError);
    const p = preloadPolicy({ list: { ok: true, list: T } as unknown as PreloadList });
    expect(p.absent(opts(SITE))).toMatchObject({ ok: false, reason: "stripped" });
  });

  it("the cooldown must be whole non-negative seconds", () => {
    for (const cooldown of [-1, 1.5, Number.POSITIVE_INFINITY, Number.NaN])
      expect(() => preloadPolicy({ list: T, cooldown })).toThrow(TypeError);
    expect(() => preloadPolicy({ list: T, cooldown: 0 })).not.toThrow();
  });

  it("absent: a site on either unexpired list was stripped; the list stops applying at `expires`", () => {
    const p = preloadPolicy({ list: T, devIds: D });
    expect(p.absent(opts(SITE))).toMatchObject({ ok: false, reason: "stripped", detail: "no_manifest" });
    expect(p.absent(opts(DEV))).toMatchObject({ ok: false, reason: "stripped", detail: "no_manifest" });
    expect(p.absent(opts("SHOP.example."))).toMatchObject({ ok: false, reason: "stripped" });
    expect(p.absent(opts("other.example"))).toEqual({
      ok: true,
      status: "not_enrolled",
      domain: "other.example",
    });
    expect(p.absent(opts(SITE, NOW + 3599))).toMatchObject({ ok: false, reason: "stripped" });
    expect(p.absent(opts(SITE, NOW + 3600))).toEqual({ ok: true, status: "not_enrolled", domain: SITE });
    expect(p.absent(opts(DEV, NOW + 3599))).toMatchObject({ ok: false });
    expect(p.absent(opts(DEV, NOW + 3600))).toMatchObject({ ok: true });
    expect(preloadPolicy({}).absent(opts(SITE))).toMatchObject({ ok: true, status: "not_enrolled" });
  });
});

describe("preloadPolicy.check", () => {
  const p = preloadPolicy({ list: T, devIds: D });

  it("a site on no list (or an expired one) keeps whatever the draft's checks said", async () => {
    const fresh = ok("unenrolled", 0n, NOW);
    expect(await p.check(fresh, opts("other.example"))).toBe(fresh);
    expect(await p.check(fresh, opts(SITE, NOW + 3600))).toBe(fresh);
    const empty = failure(FailureReason.invalidTransparencyProof, "empty", "x");
    expect(await p.check(empty, opts("other.example"))).toBe(empty);
  });

  it("an empty proof line is a missing proof; any other failure keeps its reason", async () => {
    const empty = failure(FailureReason.invalidTransparencyProof, "empty", "x");
    expect(await p.check(empty, opts(SITE))).toMatchObject({
      ok: false,
      reason: "missing_transparency_proof",
      detail: "no_proof",
    });
    expect(await p.check(empty, opts(DEV))).toMatchObject({ reason: "missing_transparency_proof" });
    const other = failure(FailureReason.invalidTransparencyProof, "bad_signature", "x");
    expect(await p.check(other, opts(SITE))).toBe(other);
    const notProof: Failure = failure(FailureReason.invalidManifest, "empty", "x");
    expect(await p.check(notProof, opts(SITE))).toBe(notProof);
  });

  it("a head below the chain size the list saw is stale; at that size it passes", async () => {
    // The transparency list saw 5 entries of shop.example: position 4 is its head.
    const atSize = ok("verified", 4n, NOW - 10);
    expect(await p.check(atSize, opts(SITE))).toBe(atSize);
    expect(await p.check(ok("verified", 3n, NOW - 10), opts(SITE))).toMatchObject({
      ok: false,
      reason: "stale_head",
      detail: "older_than_list",
    });
    // dev.example: 3 entries on the dev-ids list.
    const dev = ok("unenrolled", 2n, NOW - 2 * UNENROLMENT_COOLDOWN);
    expect(await p.check(dev, opts(DEV))).toBe(dev);
    expect(await p.check(ok("unenrolled", 1n, NOW - 2 * UNENROLMENT_COOLDOWN), opts(DEV))).toMatchObject({
      reason: "stale_head",
    });
  });

  it("a tombstone or opt-out younger than the cooldown fails; one exactly that old passes", async () => {
    for (const [status, detail] of [
      ["unenrolled", "tombstone_too_recent"],
      ["emergency_opt_out", "opt_out_too_recent"],
    ] as const) {
      const old = ok(status, 4n, NOW - UNENROLMENT_COOLDOWN);
      expect(await p.check(old, opts(SITE))).toBe(old);
      expect(await p.check(ok(status, 4n, NOW - UNENROLMENT_COOLDOWN + 1), opts(SITE))).toMatchObject({
        ok: false,
        reason: "unenrolment_cooldown",
        detail,
      });
    }
    const short = preloadPolicy({ list: T, cooldown: 100 });
    const at100 = ok("unenrolled", 4n, NOW - 100);
    expect(await short.check(at100, opts(SITE))).toBe(at100);
    expect(await short.check(ok("unenrolled", 4n, NOW - 99), opts(SITE))).toMatchObject({
      detail: "tombstone_too_recent",
    });
    // A verified head is not subject to the cooldown, however young.
    const young = ok("verified", 4n, NOW);
    expect(await p.check(young, opts(SITE))).toBe(young);
  });

  it("a site on the dev-ids list needs dev ids with evidence; the transparency list alone does not", async () => {
    expect(await p.check(ok("verified", 2n, NOW - 10), opts(DEV))).toMatchObject({
      ok: false,
      reason: "extension_cooldown",
      detail: "dev_ids_missing",
    });
    expect(
      await p.check(ok("verified", 2n, NOW - 10, { sealroom_dev_ids: { ids: "alice" } }), opts(DEV)),
    ).toMatchObject({ ok: false, reason: "invalid_manifest", detail: "dev_ids_malformed" });
    expect(
      await p.check(ok("verified", 2n, NOW - 10, { sealroom_dev_ids: { ids: ["alice"] } }), opts(DEV)),
    ).toMatchObject({ ok: false, reason: "extension_cooldown", detail: "dev_ids_cooldown" });
    const onlyT = ok("verified", 4n, NOW - 10);
    expect(await p.check(onlyT, opts(SITE))).toBe(onlyT);
    // An old tombstone passes before dev ids are asked for.
    const gone = ok("unenrolled", 2n, NOW - 2 * UNENROLMENT_COOLDOWN);
    expect(await p.check(gone, opts(DEV))).toBe(gone);
  });
});
