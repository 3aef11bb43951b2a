/**
 * The witness against an honest and a hostile transparency service (the scripted Node server), in
 * both modes: each refusal is recorded, halts signing, and leaves the verified state unchanged;
 * the service never obtains a cosignature on a root that does not follow from the previous one.
 */

import { runInDurableObject } from "cloudflare:test";
import { encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import {
  encodeBatchProofBundle,
  encodeTreeEventBatch,
  PrefixTree,
  proveBatch,
  verifyBatch,
} from "@sealroom/prefix-tree";
import { describe, expect, it } from "vitest";
import { event, HonestLog, Scenario } from "./support/service-script.ts";
import { expectOnlyHonestCosignatures, witnessFor } from "./support/witness-helpers.ts";

type Mode = "replay" | "compact";

/** An honest log of two batches, served, and a witness synced to it (N = 2). */
async function synced(mode: Mode) {
  const log = new HonestLog();
  log.seal([event("a.example", 10), event("b.example", 10, ["https://b.cdn", "https://c.cdn"])]);
  log.seal([event("a.example", 11, null, 2), event("c.example", 12)]);
  const sc = new Scenario();
  await sc.publish(log);
  const w = await witnessFor(sc, mode);
  const first = await w.poll();
  if (first.state === "error") throw new Error(first.error);
  expect(first).toMatchObject({ state: "ok", size: 2, signed: true, uploaded: true, behind: 0 });
  expect(await w.state()).toEqual({ size: 2, root: log.rootAt(2) });
  expect(await expectOnlyHonestCosignatures(sc, log)).toBe(1);
  return { log, sc, w };
}

type Witness = Awaited<ReturnType<typeof synced>>["w"];

/** After a refusal: recorded with its kind, state unchanged, nothing more signed or uploaded. */
async function expectRefused(w: Witness, sc: Scenario, log: HonestLog, kind: string, size = 2) {
  const st = await w.status();
  expect(st.halted).toBe(true);
  expect(st.refusals[0]).toMatchObject({ kind, clearedAt: null });
  expect(st.refusals[0]!.at).toBeGreaterThan(0);
  expect(await w.state()).toEqual({ size, root: log.rootAt(size) });
  const before = (await sc.uploads()).length;
  expect(await w.poll()).toEqual({ state: "halted" });
  expect((await sc.uploads()).length).toBe(before);
  await expectOnlyHonestCosignatures(sc, log);
}

for (const mode of ["replay", "compact"] as const) {
  describe(`${mode} mode`, () => {
    it("follows an honest service batch by batch and cosigns each new root once", async () => {
      const { log, sc, w } = await synced(mode);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 2, signed: false, uploaded: false });
      log.seal([event("d.example", 20)]);
      log.seal([event("d.example", 21, null, 3), event("a.example", 21, ["https://x"])]);
      await sc.publish(log);
      expect(await w.poll()).toMatchObject({ state: "ok", size: 4, signed: true, uploaded: true });
      const uploads = await sc.uploads();
      expect(uploads.map((u) => u.n)).toEqual([2, 4]);
      await expectOnlyHonestCosignatures(sc, log);
      expect((await w.status()).lastCosignature).toMatchObject({ size: 4 });
    });

    it("re-cosigns an unchanged root after RECOSIGN_MS (freshness)", async () => {
      const { log, sc, w } = await synced(mode);
      // RECOSIGN_MS is 60 s in vitest.config.ts: age the stored cosignature by that much.
      await runInDurableObject(w, (_o, state) => {
        state.storage.sql.exec("UPDATE cosignatures SET time = time - 61");
      });
      expect(await w.poll()).toMatchObject({ state: "ok", size: 2, signed: true, uploaded: true });
      expect((await sc.uploads()).map((u) => u.n)).toEqual([2, 2]);
      await expectOnlyHonestCosignatures(sc, log);
    });

    it("refuses a fork: same N, another root", async () => {
      const { log, sc, w } = await synced(mode);
      await sc.publish(log, { root: new Uint8Array(32).fill(9) });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "fork" });
      await expectRefused(w, sc, log, "fork");
    });

    it("refuses a fork: the next batch does not give the root the service claims", async () => {
      const { log, sc, w } = await synced(mode);
      log.seal([event("e.example", 30)]);
      await sc.publish(log, { root: new Uint8Array(32).fill(7) });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "fork" });
      await expectRefused(w, sc, log, "fork");
    });

    it("refuses a rollback", async () => {
      const { log, sc, w } = await synced(mode);
      await sc.publish(log, { size: 1 });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "rollback" });
      await expectRefused(w, sc, log, "rollback");
    });

    it("refuses a gap: a sealed batch is withheld", async () => {
      const { log, sc, w } = await synced(mode);
      log.seal([event("e.example", 30)]);
      log.seal([event("f.example", 30)]);
      await sc.publish(log);
      await sc.control({ batches: { 2: null }, bundles: { 2: null } });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "gap" });
      await expectRefused(w, sc, log, "gap");
    });

    it("refuses a service speaking for another tree domain", async () => {
      const { log, sc, w } = await synced(mode);
      await sc.publish(log, { tree_domain: "other.example" });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "domain" });
      await expectRefused(w, sc, log, "domain");
    });

    // Batches that must not replay: each is served as batch 2 with a checkpoint claiming N = 3.
    const badBatches: [string, (log: HonestLog) => Uint8Array][] = [
      ["time going backwards", () => encodeTreeEventBatch({ events: [event("a.example", 5, null, 9)] })],
      [
        "an unknown domain with unchanged hosts",
        () => encodeTreeEventBatch({ events: [event("new.example", 40, null)] }),
      ],
      ["a malformed domain", () => encodeTreeEventBatch({ events: [event("Upper.Example", 40)] })],
      [
        "a count mismatch",
        () => {
          const b = encodeTreeEventBatch({ events: [event("e.example", 40), event("f.example", 40)] });
          b[1] = 3; // num_events 3, two events present
          return b;
        },
      ],
    ];
    for (const [name, make] of badBatches) {
      it(`refuses a batch with ${name}`, async () => {
        const { log, sc, w } = await synced(mode);
        const bad = make(log);
        // The compact proof is an honest proof for another batch: the pair must not verify.
        const proof = proveBatch(log.tree, { events: [event("e.example", 40)] });
        await sc.control({
          batches: { 2: base64Encode(bad) },
          bundles: { 2: base64Encode(encodeBatchProofBundle({ batch: bad, proof })) },
          checkpoint: { tree_domain: sc.treeDomain, size: 3, root: base64Encode(new Uint8Array(32).fill(3)) },
        });
        expect(await w.poll()).toMatchObject({
          state: "refused",
          kind: mode === "replay" ? "replay" : "proof",
        });
        await expectRefused(w, sc, log, mode === "replay" ? "replay" : "proof");
      });
    }

    it("resumes after an operator reset, and the refused batch left no trace in its state", async () => {
      const { log, sc, w } = await synced(mode);
      // A batch that replays but is not the one the checkpoint root covers: refused (fork).
      await sc.control({
        batches: { 2: base64Encode(encodeTreeEventBatch({ events: [event("evil.example", 50)] })) },
        bundles: {
          2: base64Encode(
            encodeBatchProofBundle({
              batch: encodeTreeEventBatch({ events: [event("evil.example", 50)] }),
              proof: proveBatch(log.tree, { events: [event("evil.example", 50)] }),
            }),
          ),
        },
        checkpoint: { tree_domain: sc.treeDomain, size: 3, root: base64Encode(new Uint8Array(32).fill(5)) },
      });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "fork" });
      await expectRefused(w, sc, log, "fork");
      // The service comes back honest; the operator resets; the witness continues from N = 2.
      log.seal([event("e.example", 50)]);
      await sc.publish(log);
      await w.reset({});
      expect(await w.poll()).toMatchObject({ state: "ok", size: 3, signed: true });
      expect(await w.state()).toEqual({ size: 3, root: log.rootAt(3) });
      expect((await w.status()).refusals[0]!.clearedAt).toBeGreaterThan(0);
      await expectOnlyHonestCosignatures(sc, log);
    });

    it("never cosigns a second root for an N it signed, even after a reset with forget", async () => {
      const { log, sc, w } = await synced(mode);
      // A different history of the same length.
      const other = new HonestLog();
      other.seal([event("x.example", 10)]);
      other.seal([event("y.example", 10)]);
      await sc.publish(other);
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "fork" });
      await w.reset({ forget: true });
      expect(await w.state()).toEqual({ size: 0, root: new PrefixTree().root() });
      expect(await w.poll()).toMatchObject({ state: "refused", kind: "equivocation" });
      // It verified N = 1 of the other history (never signed), and refused to hold another N = 2.
      expect((await w.state()).size).toBe(1);
      expect(await w.poll()).toEqual({ state: "halted" });
      await expectOnlyHonestCosignatures(sc, log);
    });
  });
}

it("an honest compact proof and the replayed tree agree (sanity of the fixture)", () => {
  const log = new HonestLog();
  const before = log.tree.root();
  const batch = { events: [event("a.example", 1)] };
  const proof = proveBatch(log.tree, batch);
  const s = log.seal(batch.events);
  expect(verifyBatch(before, proof, s.batch)).toEqual(s.root);
});
