/**
 * Durability across the shards and the coordinator, with real Durable Objects (README "Crash
 * points"): at every step of an epoch a fault (a test-only field making that step throw, as a
 * crash there would) leaves nothing published and nothing lost; after a restart (eviction) the
 * epoch is rolled forward in full, and the stored root equals a replay of the published batches.
 * Also: requests route to the shard owning the tree key, and a shard restarted between staging
 * and telling the coordinator still gets its event sealed.
 */

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { resourceHashOf } from "@sealroom/manifest";
import { applyBatch, decodeTreeEventBatch, PrefixTree, verifyBatch } from "@sealroom/prefix-tree";
import { describe, expect, it } from "vitest";
import { shardIndexOf, type TransparencyLog } from "../src/transparency-log.ts";
import { shardName, type TreeShard } from "../src/tree-shard.ts";
import { ASSET_HOSTS, b64, call, checkpoint, makeSite, manifestLine, whileCosigning } from "./helpers.ts";

const SHARDS = 16;
const log = () => env.LOG.getByName("log");
const shardOfDomain = (domain: string) =>
  env.SHARD.getByName(shardName(shardIndexOf(domain, SHARDS), SHARDS));

const input = (v: number) => ({
  resourceHash: resourceHashOf(new TextEncoder().encode(manifestLine(v))),
  assetHosts: ASSET_HOSTS,
});

async function batchBytes(n: number): Promise<Uint8Array> {
  return new Uint8Array(await (await call(`/tree-event-batch/${n}`)).arrayBuffer());
}

/** Replays every published batch into one in-memory tree; checks each compact proof on the way. */
async function replayedRoot(size: number): Promise<string> {
  const t = new PrefixTree();
  for (let n = 0; n < size; n++) {
    const bundle = new Uint8Array(await (await call(`/batch-proof/${n}`)).arrayBuffer());
    const bytes = await batchBytes(n);
    const proof = bundle.subarray(3 + bytes.length);
    const old = t.root();
    const root = applyBatch(t, decodeTreeEventBatch(bytes));
    expect(verifyBatch(old, proof, bytes)).toEqual(root);
  }
  return b64(t.root());
}

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const count = (sql: SqlStorage, q: string) => sql.exec<{ c: number }>(q).one().c;
const intentStored = () =>
  runInDurableObject(
    log(),
    (_i: TransparencyLog, s) => count(s.storage.sql, "SELECT COUNT(*) AS c FROM intent") === 1,
  );
const stagedIn = (domain: string) =>
  runInDurableObject(shardOfDomain(domain), (_i: TreeShard, s) =>
    count(s.storage.sql, "SELECT COUNT(*) AS c FROM staged"),
  );

/** Everything up to `size` is published, the newest batch holds `domain`, and replay agrees. */
async function expectSealed(before: number, domain: string): Promise<void> {
  await until(async () => (await checkpoint()).size > before, "the epoch to be sealed");
  const after = await checkpoint();
  const domains: string[] = [];
  for (let n = before; n < after.size; n++)
    domains.push(...decodeTreeEventBatch(await batchBytes(n)).events.map((e) => e.domain));
  expect(domains).toContain(domain);
  expect(await replayedRoot(after.size)).toBe(after.root);
  expect(await stagedIn(domain)).toBe(0);
}

/** Waits until no epoch is in progress (earlier tests' preload-list entries are sealed); the size. */
async function quiet(): Promise<number> {
  let last = -1;
  for (let i = 0; i < 200; i++) {
    const busy = await runInDurableObject(log(), (_i: TransparencyLog, s) =>
      count(s.storage.sql, "SELECT (SELECT COUNT(*) FROM intent) + (SELECT COUNT(*) FROM pending) AS c"),
    );
    const size = (await checkpoint()).size;
    if (busy === 0 && size === last) return size;
    last = size;
    await new Promise((r) => setTimeout(r, 120));
  }
  throw new Error("the service never became quiet");
}

/** Nothing of the interrupted epoch is visible. */
async function expectUnpublished(size: number): Promise<void> {
  expect((await checkpoint()).size).toBe(size);
  expect((await call(`/tree-event-batch/${size}`)).status).toBe(404);
  expect((await call(`/batch-proof/${size}`)).status).toBe(404);
}

describe("routing", () => {
  it("appends and reads go to the shard owning the tree key; other shards know nothing of the domain", async () => {
    const sites = await Promise.all([20, 21, 22, 23, 24, 25].map((i) => makeSite(i)));
    for (const s of sites)
      expect((await whileCosigning(call(`/enroll/${s.domain}`, { method: "POST" }))).status).toBe(200);
    const owners = new Set(sites.map((s) => shardIndexOf(s.domain, SHARDS)));
    expect(owners.size).toBeGreaterThan(1);
    for (let i = 0; i < SHARDS; i++) {
      const stub = env.SHARD.getByName(shardName(i, SHARDS));
      for (const s of sites) {
        const h = await stub.history(s.domain);
        if (shardIndexOf(s.domain, SHARDS) === i) expect(h?.sealedSize).toBe(1);
        else expect(h).toBeNull();
      }
    }
    for (const s of sites) expect((await call(`/leaf/${s.domain}`)).status).toBe(200);
    const cp = await checkpoint();
    expect(await replayedRoot(cp.size)).toBe(cp.root);
  });
});

describe("crash points of an epoch", () => {
  for (const [step, siteIndex, applied] of [
    ["after-intent", 30, false],
    ["after-parts", 31, true],
    ["in-commit", 32, true],
  ] as const) {
    it(`coordinator ${step}: nothing published; after a restart the epoch seals in full`, async () => {
      const site = await makeSite(siteIndex);
      const before = await quiet();
      await runInDurableObject(log(), (i: TransparencyLog) => {
        i.fault = step;
      });
      const staged = await shardOfDomain(site.domain).enroll(site.domain, input(0), site.verifierKey);
      expect(staged.kind).toBe("staged");
      await until(intentStored, "the intent");
      await until(async () => (await stagedIn(site.domain)) === (applied ? 0 : 1), "the shard's part");
      await new Promise((r) => setTimeout(r, 250)); // retries keep failing at the same step
      await expectUnpublished(before);
      await evictDurableObject(log()); // the restart: a new instance, no fault
      await runDurableObjectAlarm(log());
      await expectSealed(before, site.domain);
    });
  }

  it("shard fails inside its transaction: rolled back, nothing published; sealed after it restarts", async () => {
    const site = await makeSite(33);
    const shard = shardOfDomain(site.domain);
    const before = await quiet();
    const pages = await runInDurableObject(shard, (i: TreeShard, s) => {
      i.fault = "seal-in-transaction";
      return count(s.storage.sql, "SELECT COUNT(*) AS c FROM pages");
    });
    await shard.enroll(site.domain, input(0), site.verifierKey);
    await until(intentStored, "the intent");
    await new Promise((r) => setTimeout(r, 300));
    await expectUnpublished(before);
    await runInDurableObject(shard, (_i: TreeShard, s) => {
      const sql = s.storage.sql;
      expect(count(sql, "SELECT COUNT(*) AS c FROM staged")).toBe(1);
      expect(count(sql, `SELECT COUNT(*) AS c FROM applied WHERE n = ${before}`)).toBe(0);
      expect(count(sql, "SELECT COUNT(*) AS c FROM pages")).toBe(pages);
      expect(
        sql.exec("SELECT sealed_head FROM domains WHERE domain = ?", site.domain).one().sealed_head,
      ).toBeNull();
    });
    await evictDurableObject(shard);
    await expectSealed(before, site.domain); // the coordinator's retry alarm rolls forward
  });

  it("shard commits its part but the answer is lost: the retry gets the stored part, not a second apply", async () => {
    const site = await makeSite(34);
    const shard = shardOfDomain(site.domain);
    const before = await quiet();
    await runInDurableObject(shard, (i: TreeShard) => {
      i.fault = "seal-after-commit";
    });
    await shard.enroll(site.domain, input(0), site.verifierKey);
    await until(intentStored, "the intent");
    await until(async () => (await stagedIn(site.domain)) === 0, "the shard's commit");
    await new Promise((r) => setTimeout(r, 250));
    await expectUnpublished(before);
    const applied = await runInDurableObject(shard, (_i: TreeShard, s) =>
      count(s.storage.sql, `SELECT COUNT(*) AS c FROM applied WHERE n = ${before}`),
    );
    expect(applied).toBe(1);
    await evictDurableObject(shard);
    await expectSealed(before, site.domain);
    const h = await shard.history(site.domain);
    expect(h?.sealedSize).toBe(1); // applied once
  });

  it("a shard restarted between staging and waking the coordinator wakes it from its alarm", async () => {
    const site = await makeSite(35);
    const shard = shardOfDomain(site.domain);
    const before = await quiet();
    await runInDurableObject(shard, (i: TreeShard) => {
      // stage() without the wake that follows it in enroll(): the restart comes in between.
      (i as unknown as { stage: (...a: unknown[]) => unknown }).stage(
        site.domain,
        input(0),
        undefined,
        site.verifierKey,
      );
    });
    await evictDurableObject(shard);
    await new Promise((r) => setTimeout(r, 250));
    expect((await checkpoint()).size).toBe(before); // the coordinator was never told
    await runDurableObjectAlarm(shard); // re-armed by the new instance's constructor
    await expectSealed(before, site.domain);
  });
});
