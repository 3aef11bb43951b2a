/**
 * Durability inside the Durable Object (`runInDurableObject`): a restart between staging and
 * sealing loses nothing, a seal that fails inside its transaction leaves nothing half-written and
 * publishes nothing, and the stored tree always equals a replay of the published batches.
 */

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { resourceHashOf } from "@sealroom/manifest";
import { applyBatch, decodeTreeEventBatch, PrefixTree } from "@sealroom/prefix-tree";
import { describe, expect, it } from "vitest";
import type { TransparencyLog } from "../src/transparency-log.ts";
import { ASSET_HOSTS, b64, call, checkpoint, makeSite, manifestLine } from "./helpers.ts";

// The private members the tests drive directly (the RPC methods would wait for cosignatures).
interface Internals {
  stage(
    domain: string,
    input: { resourceHash: Uint8Array; assetHosts: string[] },
    expected: undefined,
    key: string,
  ): unknown;
  alarmSet: boolean;
  pages: { putPages: (w: readonly { id: string; bytes: Uint8Array }[]) => void };
}

const input = (v: number) => ({
  resourceHash: resourceHashOf(new TextEncoder().encode(manifestLine(v))),
  assetHosts: ASSET_HOSTS,
});

async function replayedRoot(size: number): Promise<string> {
  const t = new PrefixTree();
  for (let n = 0; n < size; n++)
    applyBatch(
      t,
      decodeTreeEventBatch(new Uint8Array(await (await call(`/tree-event-batch/${n}`)).arrayBuffer())),
    );
  return b64(t.root());
}

async function untilSize(size: number): Promise<void> {
  for (let i = 0; i < 100 && (await checkpoint()).size < size; i++)
    await new Promise((r) => setTimeout(r, 20));
}

describe("durability", () => {
  it("a restart between staging and sealing loses nothing: the next alarm seals the staged events", async () => {
    const site = await makeSite(10);
    const stub = env.LOG.getByName("log");
    const before = await checkpoint();
    await runInDurableObject(stub, async (instance: TransparencyLog, state) => {
      const i = instance as unknown as Internals;
      i.stage(site.domain, input(0), undefined, site.verifierKey);
      await state.storage.deleteAlarm(); // the restart comes before the epoch ends
      i.alarmSet = false;
      const staged = state.storage.sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM staged").one().c;
      expect(staged).toBe(1);
    });
    await evictDurableObject(stub);
    // The new instance finds the staged row, re-arms the alarm; nothing was published before it.
    expect((await checkpoint()).size).toBe(before.size);
    await runDurableObjectAlarm(stub);
    await untilSize(before.size + 1);
    const after = await checkpoint();
    // One batch for the staged event, then (preload-lists.ts) at most one logging the new
    // preload list in the service's own chain.
    expect(after.size - before.size).toBeGreaterThanOrEqual(1);
    expect(after.size - before.size).toBeLessThanOrEqual(2);
    const batch = decodeTreeEventBatch(
      new Uint8Array(await (await call(`/tree-event-batch/${before.size}`)).arrayBuffer()),
    );
    expect(batch.events.map((e) => e.domain)).toEqual([site.domain]);
    for (let n = before.size + 1; n < after.size; n++) {
      const b = new Uint8Array(await (await call(`/tree-event-batch/${n}`)).arrayBuffer());
      expect(decodeTreeEventBatch(b).events.map((e) => e.domain)).toEqual(["preload.transparency.test"]);
    }
    expect(await replayedRoot(after.size)).toBe(after.root);
  });

  it("a seal that fails inside its transaction writes nothing, publishes nothing, and succeeds later", async () => {
    const site = await makeSite(11);
    const stub = env.LOG.getByName("log");
    const before = await checkpoint();
    await runInDurableObject(stub, async (instance: TransparencyLog, state) => {
      const i = instance as unknown as Internals;
      await state.storage.deleteAlarm();
      i.stage(site.domain, input(0), undefined, site.verifierKey);
      await state.storage.deleteAlarm();
      i.alarmSet = false;
      const sql = state.storage.sql;
      const pagesBefore = sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM pages").one().c;
      const original = i.pages.putPages.bind(i.pages);
      i.pages.putPages = (w) => {
        original(w);
        throw new Error("simulated crash after the page writes");
      };
      expect(() => instance.sealOne()).toThrow(/simulated crash/);
      i.pages.putPages = original;
      // Rolled back: no batch row, staged event still there, pages and sealed heads unchanged.
      expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM batches").one().c).toBe(before.size);
      expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM staged").one().c).toBe(1);
      expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM pages").one().c).toBe(pagesBefore);
      expect(
        sql.exec("SELECT sealed_head FROM domains WHERE domain = ?", site.domain).one().sealed_head,
      ).toBeNull();
      expect(instance.checkpoint().size).toBe(before.size);
      expect(instance.checkpoint().root).toBe(before.root);
      expect(instance.sealOne()).toBe(true);
      expect(instance.checkpoint().size).toBe(before.size + 1);
    });
    const after = await checkpoint();
    expect(await replayedRoot(after.size)).toBe(after.root);
  });
});
