/**
 * The dev-ids extension at its edges (found by mutation testing, `pnpm mutate`): each malformation
 * `readDevIds` refuses and each value it keeps, `withDevIds`' normal form, the pinning outcomes of
 * `checkDevIds` without evidence, and the evidence refusals that need no log. The cooldown with real
 * proofs is in dev-ids.test.ts.
 */
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { describe, expect, it } from "vitest";
import { checkDevIds, checkDevIdsEvidence, DEV_IDS_KEY, readDevIds, withDevIds } from "../src/dev-ids.ts";
import { type Manifest, serializeManifest } from "../src/manifest.ts";
import { makeWorld, NOW, optionsFor } from "./helpers/world.ts";

const m = (value: unknown): Manifest => ({ hashes: {}, extensions: { [DEV_IDS_KEY]: value } });
const verify = optionsFor(makeWorld());

function detail(value: unknown): string | undefined {
  const r = readDevIds(m(value));
  return r && "ok" in r ? `${r.reason}:${r.detail}` : undefined;
}

describe("readDevIds", () => {
  it("refuses every malformed value as invalid_manifest / dev_ids_malformed", () => {
    const malformed = [
      null,
      "a",
      7,
      ["a"],
      {},
      { ids: null },
      { ids: "a" },
      { ids: {} },
      { ids: [1] },
      { ids: [""] },
      { ids: ["a", ""] },
      { ids: ["a", 2] },
      { ids: ["b", "a"] },
      { ids: ["a", "a"] },
      { ids: ["a", "c", "b"] },
      { ids: ["a"], since: null },
      { ids: ["a"], since: "x" },
      { ids: ["a"], since: {} },
      { ids: ["a"], since: { manifest: "m" } },
      { ids: ["a"], since: { proof: "p" } },
      { ids: ["a"], since: { manifest: 1, proof: "p" } },
      { ids: ["a"], since: { manifest: "m", proof: 1 } },
    ];
    for (const v of malformed)
      expect(detail(v), JSON.stringify(v)).toBe("invalid_manifest:dev_ids_malformed");
  });

  it("keeps exactly the ids and the evidence", () => {
    expect(readDevIds({ hashes: {}, extensions: {} })).toBeUndefined();
    expect(readDevIds(m({ ids: [] }))).toEqual({ ids: [] });
    expect(readDevIds(m({ ids: ["a", "b", "c"] }))).toEqual({ ids: ["a", "b", "c"] });
    expect(readDevIds(m({ ids: ["a"], since: { manifest: "m", proof: "p", extra: 1 } }))).toEqual({
      ids: ["a"],
      since: { manifest: "m", proof: "p" },
    });
    const r = readDevIds(m({ ids: ["a"] }));
    expect(r && !("ok" in r) && Object.hasOwn(r, "since")).toBe(false);
  });
});

describe("withDevIds", () => {
  it("sorts and de-duplicates, keeps other extensions, and carries the evidence only when given", () => {
    const base: Manifest = { hashes: { "/": "x" }, extensions: { other: 1 } };
    expect(withDevIds(base, ["c", "a", "c", "b"])).toEqual({
      hashes: { "/": "x" },
      extensions: { other: 1, [DEV_IDS_KEY]: { ids: ["a", "b", "c"] } },
    });
    const since = { manifest: "m", proof: "p" };
    expect(withDevIds(base, ["a"], since).extensions[DEV_IDS_KEY]).toEqual({ ids: ["a"], since });
    expect(base.extensions).toEqual({ other: 1 });
  });
});

describe("checkDevIds without evidence", () => {
  it("first visit pins what the manifest says (nothing when it has no field)", async () => {
    expect(await checkDevIds(m({ ids: ["a", "b"] }), { verify })).toEqual({
      ok: true,
      ids: ["a", "b"],
      changed: false,
      pin: ["a", "b"],
    });
    expect(await checkDevIds({ hashes: {}, extensions: {} }, { verify })).toEqual({
      ok: true,
      ids: [],
      changed: false,
      pin: [],
    });
  });

  it("unchanged ids pass; a pinned empty set matches a manifest without the field", async () => {
    const pinned = ["a", "b"];
    const r = await checkDevIds(m({ ids: ["a", "b"] }), { pinned, verify });
    expect(r).toEqual({ ok: true, ids: ["a", "b"], changed: false, pin: ["a", "b"] });
    if (r.ok) expect(r.pin).not.toBe(pinned);
    expect(await checkDevIds({ hashes: {}, extensions: {} }, { pinned: [], verify })).toMatchObject({
      ok: true,
      changed: false,
    });
  });

  it("a different set (shorter, longer, or other ids) needs evidence", async () => {
    for (const ids of [["a"], ["a", "b", "c"], ["a", "c"], []])
      expect(await checkDevIds(m({ ids }), { pinned: ["a", "b"], verify })).toMatchObject({
        ok: false,
        reason: "invalid_manifest",
        detail: "dev_ids_cooldown",
      });
  });

  it("a removed field while pinned, and a malformed one, are refused as such", async () => {
    expect(await checkDevIds({ hashes: {}, extensions: {} }, { pinned: ["a"], verify })).toMatchObject({
      ok: false,
      detail: "dev_ids_removed",
    });
    expect(await checkDevIds(m({ ids: ["b", "a"] }), { pinned: ["a", "b"], verify })).toMatchObject({
      ok: false,
      detail: "dev_ids_malformed",
    });
    expect(await checkDevIds(m({ ids: "a" }), { verify })).toMatchObject({
      ok: false,
      detail: "dev_ids_malformed",
    });
  });
});

describe("checkDevIdsEvidence refusals that need no log", () => {
  it("no evidence, evidence that is not base64, a manifest of more than one line", async () => {
    expect(await checkDevIdsEvidence({ ids: ["a"] }, verify)).toMatchObject({ detail: "dev_ids_cooldown" });
    expect(
      await checkDevIdsEvidence({ ids: ["a"], since: { manifest: '{"hashes":{}}', proof: "!!" } }, verify),
    ).toMatchObject({ detail: "dev_ids_since_invalid" });
    expect(
      await checkDevIdsEvidence(
        { ids: ["a"], since: { manifest: '{"hashes":{}}\n{}', proof: "AAAA" } },
        verify,
      ),
    ).toMatchObject({ detail: "dev_ids_since_invalid" });
  });

  it("the cooldown is checked as a duration", async () => {
    await expect(
      checkDevIdsEvidence({ ids: ["a"], since: { manifest: '{"hashes":{}}', proof: "AAAA" } }, verify, -1),
    ).rejects.toThrow(TypeError);
  });
});

const DAY = 86400;

/** Logged evidence for `ids` (or the raw manifest `line`), created and cosigned at the given times. */
function since(o: {
  ids?: string[];
  line?: string;
  created: number;
  cosigned: number[];
  tombstone?: boolean;
}) {
  const line = o.line ?? serializeManifest(withDevIds({ hashes: {}, extensions: {} }, o.ids ?? []));
  const w = makeWorld({
    manifest: line,
    timeCreated: o.created,
    cosignTimes: o.cosigned,
    ...(o.tombstone ? { tombstone: true } : {}),
  });
  return { manifest: line, proof: encodeBase64(w.proof) };
}

describe("checkDevIdsEvidence: the cooldown to the second (quorum 2 of 3)", () => {
  const check = (s: ReturnType<typeof since>, cooldown?: number) =>
    checkDevIdsEvidence({ ids: ["bob"], since: s }, verify, cooldown).then((r) => r?.detail ?? "ok");

  it("entry and a quorum of cosignatures exactly one cooldown old pass", async () => {
    expect(
      await check(since({ ids: ["bob"], created: NOW - DAY, cosigned: [NOW - DAY, NOW - DAY, NOW] })),
    ).toBe("ok");
  });

  it("one cosignature short of the quorum is too young", async () => {
    expect(
      await check(
        since({ ids: ["bob"], created: NOW - 2 * DAY, cosigned: [NOW - DAY, NOW - DAY + 1, NOW - DAY + 1] }),
      ),
    ).toBe("dev_ids_cooldown");
  });

  it("an entry one second younger than the cooldown is too young, however old its cosignatures", async () => {
    expect(
      await check(
        since({
          ids: ["bob"],
          created: NOW - DAY + 1,
          cosigned: [NOW - 2 * DAY, NOW - 2 * DAY, NOW - 2 * DAY],
        }),
      ),
    ).toBe("dev_ids_cooldown");
  });

  it("a shorter cooldown is honoured, by checkDevIds too", async () => {
    const s = since({ ids: ["bob"], created: NOW - 7200, cosigned: [NOW - 7200, NOW - 7200, NOW - 7200] });
    expect(await check(s, 3600)).toBe("ok");
    expect(await check(s)).toBe("dev_ids_cooldown");
    const current = withDevIds({ hashes: {}, extensions: {} }, ["bob"], s);
    expect(await checkDevIds(current, { pinned: ["alice"], cooldown: 3600, verify })).toMatchObject({
      ok: true,
      changed: true,
      pin: ["bob"],
    });
    expect(await checkDevIds(current, { pinned: ["alice"], verify })).toMatchObject({
      ok: false,
      detail: "dev_ids_cooldown",
    });
  });

  it("a logged tombstone, a manifest without dev ids, or with malformed ones, is no evidence", async () => {
    const old = { created: NOW - 2 * DAY, cosigned: [NOW - 2 * DAY, NOW - 2 * DAY, NOW - 2 * DAY] };
    expect(await check(since({ ids: ["bob"], tombstone: true, ...old }))).toBe("dev_ids_since_invalid");
    expect(await check(since({ line: '{"hashes":{}}', ...old }))).toBe("dev_ids_since_invalid");
    expect(await check(since({ line: `{"hashes":{},"${DEV_IDS_KEY}":{"ids":["bob","bob"]}}`, ...old }))).toBe(
      "dev_ids_since_invalid",
    );
  });
});
