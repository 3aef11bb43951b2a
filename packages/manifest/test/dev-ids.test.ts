/** The dev-ids extension and its 24 h cooldown, with real proofs as the `since` evidence. */

import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { describe, expect, it } from "vitest";
import { checkDevIds, DEV_IDS_KEY, readDevIds, withDevIds } from "../src/dev-ids.ts";
import { type Manifest, parseManifest, serializeManifest } from "../src/manifest.ts";
import { makeWorld, NOW, optionsFor } from "./helpers/world.ts";

const DAY = 86400;

/** A logged manifest introducing `ids`, cosigned and created `age` seconds ago. */
function evidence(ids: string[], age: number, domain = "site.example") {
  const line = serializeManifest(withDevIds({ hashes: {}, extensions: {} }, ids));
  const w = makeWorld({
    manifest: line,
    domain,
    timeCreated: NOW - age,
    cosignTimes: [NOW - age, NOW - age, NOW - age],
  });
  return { since: { manifest: line, proof: encodeBase64(w.proof) }, world: w };
}

function current(ids: string[], since?: { manifest: string; proof: string }): Manifest {
  return parseManifest(serializeManifest(withDevIds({ hashes: {}, extensions: {} }, ids, since)));
}

const verify = optionsFor(makeWorld());

async function outcome(m: Manifest, pinned?: string[]): Promise<string> {
  const r = await checkDevIds(m, { ...(pinned ? { pinned } : {}), verify });
  return r.ok ? `ok:${r.changed ? "changed" : "same"}:${r.pin.join(",")}` : `${r.reason}:${r.detail}`;
}

describe("dev-ids extension", () => {
  it("reads, writes (sorted, unique) and preserves the field", () => {
    const m = withDevIds({ hashes: {}, extensions: { other: 1 } }, ["b", "a", "b"]);
    expect(readDevIds(m)).toEqual({ ids: ["a", "b"] });
    expect(serializeManifest(m)).toBe(`{"hashes":{},"other":1,"${DEV_IDS_KEY}":{"ids":["a","b"]}}`);
    expect(readDevIds(parseManifest('{"hashes":{}}'))).toBeUndefined();
    for (const bad of [
      '{"ids":"a"}',
      '{"ids":["b","a"]}',
      '{"ids":[""]}',
      '{"ids":[],"since":{"manifest":1}}',
      "[]",
    ]) {
      const r = readDevIds(parseManifest(`{"hashes":{},"${DEV_IDS_KEY}":${bad}}`));
      expect(r && "ok" in r && r.detail, bad).toBe("dev_ids_malformed");
    }
  });
  it("first visit pins (trust on first use); unchanged ids pass", async () => {
    expect(await outcome(current(["alice"]))).toBe("ok:same:alice");
    expect(await outcome(current(["alice"]), ["alice"])).toBe("ok:same:alice");
  });
  it("a change with cooled-down evidence is accepted", async () => {
    const e = evidence(["bob"], 2 * DAY);
    expect(await outcome(current(["bob"], e.since), ["alice"])).toBe("ok:changed:bob");
  });
  it("a change without evidence, or younger than 24 h, is rejected", async () => {
    expect(await outcome(current(["bob"]), ["alice"])).toBe("invalid_manifest:dev_ids_cooldown");
    const young = evidence(["bob"], DAY - 60);
    expect(await outcome(current(["bob"], young.since), ["alice"])).toBe("invalid_manifest:dev_ids_cooldown");
  });
  it("evidence must carry the same ids and verify for this domain", async () => {
    const other = evidence(["carol"], 2 * DAY);
    expect(await outcome(current(["bob"], other.since), ["alice"])).toBe(
      "invalid_manifest:dev_ids_since_invalid",
    );
    const elsewhere = evidence(["bob"], 2 * DAY, "other.example");
    expect(await outcome(current(["bob"], elsewhere.since), ["alice"])).toBe(
      "invalid_manifest:dev_ids_since_invalid",
    );
    const e = evidence(["bob"], 2 * DAY);
    const forged = { manifest: e.since.manifest.replace("bob", "bob "), proof: e.since.proof };
    expect(await outcome(current(["bob "], forged), ["alice"])).toBe(
      "invalid_manifest:dev_ids_since_invalid",
    );
  });
  it("dropping the field while pinned is rejected; an empty set needs the cooldown", async () => {
    expect(await outcome(parseManifest('{"hashes":{}}'), ["alice"])).toBe("invalid_manifest:dev_ids_removed");
    const e = evidence([], 2 * DAY);
    expect(await outcome(current([], e.since), ["alice"])).toBe("ok:changed:");
  });
});
