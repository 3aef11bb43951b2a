/**
 * Durability order: (N, root) is persisted before the cosignature is uploaded, and a restart of
 * the Durable Object between any two steps resumes without signing another root for that N.
 */
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { event, HonestLog, Scenario } from "./support/service-script.ts";
import { expectOnlyHonestCosignatures, witnessFor } from "./support/witness-helpers.ts";

for (const mode of ["replay", "compact"] as const) {
  describe(`${mode} mode`, () => {
    it("restart between persist and upload: the same root for N is uploaded after the restart", async () => {
      const log = new HonestLog();
      log.seal([event("a.example", 1), event("b.example", 1)]);
      const sc = new Scenario();
      await sc.publish(log);
      await sc.control({ uploadStatus: 503 });
      let w = await witnessFor(sc, mode);
      expect(await w.poll()).toMatchObject({ state: "error" });
      // Persisted and signed, not acknowledged.
      expect(await w.state()).toEqual({ size: 1, root: log.rootAt(1) });
      expect((await w.status()).lastCosignature).toMatchObject({ size: 1, uploadedAt: null });
      await evictDurableObject(w);
      w = env.WITNESS_STATE.getByName(sc.treeDomain);
      await sc.control({ uploadStatus: 200 });
      expect(await w.poll()).toMatchObject({ state: "ok", size: 1, signed: false, uploaded: true });
      expect((await w.status()).lastCosignature!.uploadedAt).toBeGreaterThan(0);
      expect((await sc.uploads()).map((u) => u.n)).toEqual([1, 1]);
      expect(await expectOnlyHonestCosignatures(sc, log)).toBe(2);
    });

    it("restart after persist, before signing: the next poll signs the persisted root", async () => {
      const log = new HonestLog();
      log.seal([event("a.example", 1)]);
      log.seal([event("a.example", 2, null, 2)]);
      const sc = new Scenario();
      await sc.publish(log);
      let w = await witnessFor(sc, mode);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 2 });
      // The stored state a crash right after the persist transaction leaves: N = 2, no signature.
      await runInDurableObject(w, (_o, state) => {
        state.storage.sql.exec("DELETE FROM cosignatures");
      });
      await evictDurableObject(w);
      w = env.WITNESS_STATE.getByName(sc.treeDomain);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 2, signed: true, uploaded: true });
      expect(await expectOnlyHonestCosignatures(sc, log)).toBe(2);
    });

    it("a restart mid-stream resumes from the stored tree (replay pages reload from SQLite)", async () => {
      const log = new HonestLog();
      for (let i = 0; i < 5; i++)
        log.seal([event(`s${i}.example`, 1), event("a.example", 1 + i, ["https://h"], i)]);
      const sc = new Scenario();
      await sc.publish(log, { size: 3 });
      let w = await witnessFor(sc, mode);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 3 });
      await evictDurableObject(w);
      w = env.WITNESS_STATE.getByName(sc.treeDomain);
      await sc.publish(log);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 5 });
      expect(await w.state()).toEqual({ size: 5, root: log.rootAt(5) });
      await expectOnlyHonestCosignatures(sc, log);
    });

    it("the alarm loop polls by itself and a /notify wakes it", async () => {
      const log = new HonestLog();
      log.seal([event("a.example", 1)]);
      const sc = new Scenario();
      await sc.publish(log);
      const w = env.WITNESS_STATE.getByName(sc.treeDomain);
      await w.configure({ url: sc.url, tree_domain: sc.treeDomain, mode });
      expect(await runDurableObjectAlarm(w)).toBe(true);
      expect(await w.state()).toEqual({ size: 1, root: log.rootAt(1) });
      log.seal([event("b.example", 2)]);
      await sc.publish(log);
      await w.notify();
      expect(await runDurableObjectAlarm(w)).toBe(true);
      expect(await w.state()).toEqual({ size: 2, root: log.rootAt(2) });
      expect(await expectOnlyHonestCosignatures(sc, log)).toBeGreaterThanOrEqual(2);
      // The loop re-arms itself after a poll.
      expect(await runInDurableObject(w, (_o, state) => state.storage.getAlarm())).not.toBeNull();
    });
  });
}
