/**
 * verifyPreloadList against lists published by a real in-memory service (PreloadWorld): real
 * PrefixTree, real preload hash chains, real Ed25519 witness cosignatures. Each failure is built
 * from an honest publication with one thing changed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PreloadListDecodeError } from "../src/errors.ts";
import { decodePreloadList, PreloadListKind } from "../src/preload-list.ts";
import { decodePreloadListResponse, encodePreloadListResponse } from "../src/preload-list-response.ts";
import { verifyPreloadList } from "../src/verify-preload-list.ts";
import { DAY, NOW, PreloadWorld } from "./helpers/preload-world.ts";

const T = PreloadListKind.transparency;
const M = (n: number) => JSON.stringify({ hashes: { "/": `${"A".repeat(42)}${"AEIMQUYcgkosw048"[n]}` } });

/** Two sites enrolled, list v0 published; then one more site and list v1. */
function history(expires = NOW + 7 * DAY, world = new PreloadWorld()) {
  world.append("a.example", M(0), NOW - 10 * DAY);
  world.append("b.example", M(1), NOW - 9 * DAY);
  world.seal(NOW - 9 * DAY);
  const v0 = world.publishList(T, { time: NOW - 9 * DAY, expires });
  world.seal(NOW - 9 * DAY);
  const r0 = world.listResponse(T, v0);
  world.append("c.example", M(2), NOW - 100);
  world.seal(NOW - 100);
  const v1 = world.publishList(T, { time: NOW - 90, expires });
  world.seal(NOW - 60);
  return { world, v0, r0, v1 };
}

describe("verifyPreloadList", () => {
  it("accepts a published list and returns its entries", async () => {
    const { world, v1 } = history();
    const r = await verifyPreloadList(world.listResponse(T, v1), { kind: T, ...world.trust() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.list.version).toBe(1n);
    expect(r.list.entries.map((e) => e.domain)).toEqual(["a.example", "b.example", "c.example"]);
    expect(r.list.treeSize).toBe(3n);
    expect(r.treeSize).toBe(4n);
    expect(r.cosigners).toHaveLength(3);
    expect(r.listBytes).toEqual(v1);
  });

  it("accepts a newer list that extends the held one, and the same list again", async () => {
    const { world, r0, v1 } = history();
    const held = await verifyPreloadList(r0, { kind: T, ...world.trust({ now: NOW - 9 * DAY + 10 }) });
    expect(held.ok).toBe(true);
    const next = await verifyPreloadList(world.listResponse(T, v1, { from: 1n }), {
      kind: T,
      ...world.trust({ previous: r0 }),
    });
    expect(next.ok).toBe(true);
    if (!next.ok) return;
    const again = await verifyPreloadList(world.listResponse(T, v1), {
      kind: T,
      ...world.trust({ previous: next.response }),
    });
    expect(again.ok).toBe(true);
  });

  it("refuses a list that rewrites history (consistency proof fails)", async () => {
    const { world, r0 } = history();
    // Same service name, same witness keys, but another past: v0 had another expiry.
    const forked = history(NOW + 6 * DAY, new PreloadWorld());
    const r = await verifyPreloadList(forked.world.listResponse(T, forked.v1, { from: 1n }), {
      kind: T,
      ...world.trust({ previous: r0 }),
    });
    expect(r).toMatchObject({ ok: false, reason: "invalid_preload_list", detail: "inconsistent" });
  });

  it("refuses an older version than the held one, and a proof from another size", async () => {
    const { world, r0, v1 } = history();
    const r1 = world.listResponse(T, v1, { from: 1n });
    const back = await verifyPreloadList(r0, {
      kind: T,
      ...world.trust({ previous: r1, now: NOW - 9 * DAY + 10 }),
    });
    expect(back).toMatchObject({ ok: false, detail: "rollback" });
    const from = await verifyPreloadList(world.listResponse(T, v1), {
      kind: T,
      ...world.trust({ previous: r0 }),
    });
    expect(from).toMatchObject({ ok: false, detail: "consistency_from" });
  });

  it("refuses an expired list", async () => {
    const { world, v1 } = history(NOW - 1);
    const r = await verifyPreloadList(world.listResponse(T, v1), { kind: T, ...world.trust() });
    expect(r).toMatchObject({ ok: false, reason: "invalid_preload_list", detail: "expired" });
    const edge = history(NOW);
    expect(
      await verifyPreloadList(edge.world.listResponse(T, edge.v1), { kind: T, ...edge.world.trust() }),
    ).toMatchObject({ ok: false, detail: "expired" });
  });

  it("refuses a list that is not the logged one, or logged at another version or tree size", async () => {
    const { world, v1 } = history();
    const l = decodePreloadList(v1);
    const tampered = new Uint8Array(v1);
    tampered[tampered.length - 1] = 3; // last chain size: 1 -> 3
    expect(decodePreloadList(tampered).version).toBe(l.version);
    const r = await verifyPreloadList(world.listResponse(T, tampered), { kind: T, ...world.trust() });
    expect(r).toMatchObject({ ok: false, detail: "hash_mismatch" });

    const w2 = new PreloadWorld();
    w2.append("a.example", M(0), NOW - 100);
    w2.seal(NOW - 100);
    const bad = w2.publishList(T, { time: NOW - 90, expires: NOW + DAY, version: 5n });
    w2.seal(NOW - 60);
    expect(await verifyPreloadList(w2.listResponse(T, bad), { kind: T, ...w2.trust() })).toMatchObject({
      detail: "version_mismatch",
    });
    const w3 = new PreloadWorld();
    w3.append("a.example", M(0), NOW - 100);
    w3.seal(NOW - 100);
    const future = w3.publishList(T, { time: NOW - 90, expires: NOW + DAY, treeSize: 2n });
    w3.seal(NOW - 60);
    expect(await verifyPreloadList(w3.listResponse(T, future), { kind: T, ...w3.trust() })).toMatchObject({
      detail: "bad_tree_size",
    });
  });

  it("refuses a list logged under another chain (a site's own, or the other kind)", async () => {
    const w = new PreloadWorld();
    w.append("a.example", M(0), NOW - 100);
    w.seal(NOW - 100);
    const l = w.publishList(T, { time: NOW - 90, expires: NOW + DAY, chainDomain: "evil.example" });
    w.seal(NOW - 60);
    // Serve evil.example's chain head as if it were the preload chain's.
    const sealed = w.latest!;
    sealed.proofs.set("preload.transparency.example", sealed.proofs.get("evil.example")!);
    w.chains.set("preload.transparency.example", w.chains.get("evil.example")!);
    const r = await verifyPreloadList(w.listResponse(T, l), { kind: T, ...w.trust() });
    expect(r).toMatchObject({ ok: false, detail: "inclusion_failed" });
    const { world, v1 } = history();
    expect(
      await verifyPreloadList(world.listResponse(T, v1), { kind: PreloadListKind.devIds, ...world.trust() }),
    ).toMatchObject({ ok: false, detail: "wrong_kind" });
  });

  it("applies the cosigned-root policy: untrusted service, stale or too few cosignatures", async () => {
    const { world, v1 } = history();
    const res = world.listResponse(T, v1);
    expect(
      await verifyPreloadList(res, { kind: T, ...world.trust({ trustedServices: ["other.example"] }) }),
    ).toMatchObject({ reason: "invalid_transparency_proof", detail: "untrusted_service" });
    expect(await verifyPreloadList(res, { kind: T, ...world.trust({ now: NOW + 8 * DAY }) })).toMatchObject({
      reason: "invalid_transparency_proof",
      detail: "stale_cosignatures",
    });
    expect(await verifyPreloadList(res, { kind: T, ...world.trust({ quorum: 4 }) })).toMatchObject({
      detail: "too_few_cosignatures",
    });
  });

  it("fuzz: a mutated response is refused with a reason, never a throw", async () => {
    const { world, v1 } = history();
    const res = world.listResponse(T, v1);
    await fc.assert(
      fc.asyncProperty(fc.nat(res.length - 1), fc.integer({ min: 1, max: 255 }), async (i, x) => {
        const b = res.slice();
        b[i] = b[i]! ^ x;
        const r = await verifyPreloadList(b, { kind: T, ...world.trust() });
        // Only the note's unsigned parts (e.g. cosignature line order) could mutate without effect.
        if (r.ok) expect(r.listBytes).toEqual(v1);
        else expect(["invalid_preload_list", "invalid_transparency_proof"]).toContain(r.reason);
      }),
      { numRuns: 300 },
    );
  });
});

describe("PreloadListResponse codec", () => {
  const { world, v1 } = history();
  const res = world.listResponse(T, v1, { from: 1n });
  const code = (b: Uint8Array): string => {
    try {
      decodePreloadListResponse(b);
      return "ok";
    } catch (e) {
      expect(e).toBeInstanceOf(PreloadListDecodeError);
      return (e as PreloadListDecodeError).code;
    }
  };
  it("round-trips and rejects truncation, trailing bytes and empty parts", () => {
    const d = decodePreloadListResponse(res);
    expect(encodePreloadListResponse(d)).toEqual(res);
    expect(d.consistency.oldSize).toBe(1n);
    expect(d.consistency.entries).toHaveLength(1);
    for (let n = 0; n < res.length; n += 7) expect(code(res.subarray(0, n)), `length ${n}`).not.toBe("ok");
    expect(code(new Uint8Array([...res, 0]))).toBe("trailing");
    expect(code(new Uint8Array(4))).toBe("bad_length");
  });
  it("fuzz: random and mutated bytes round-trip exactly or raise PreloadListDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        if (code(b) === "ok") expect(encodePreloadListResponse(decodePreloadListResponse(b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(res.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(3), (i, x, cut) => {
        const b = res.slice(0, res.length - cut);
        if (i < b.length) b[i] = b[i]! ^ x;
        if (code(b) === "ok") expect(encodePreloadListResponse(decodePreloadListResponse(b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
});
