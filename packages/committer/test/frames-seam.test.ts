/**
 * The seam between the two packages (docs/architecture.md "Sealed calls", docs/wire-formats.md "Safety number"): a real `Committer` group
 * on ts-mls, driven through joins and removals, hands each `new-epoch` action's `keys` unchanged to that
 * member's `FrameCryptor` (@sealroom/mls-frames). After every change, frames decrypt for exactly the
 * current members, with the right sender leaf; a removed member holding its old keys decrypts nothing new;
 * and every member shows the same safety number, the one recomputed from its own MLS state.
 */
import { type EpochKeys, FrameCryptor } from "@sealroom/mls-frames";
import type { ClientState, PrivateKeyPackage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import type { EpochInfo } from "../src/committer.ts";
import { safetyNumber } from "../src/safety-number.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { World } from "./support/world.ts";

let engine: TsMlsEngine;
beforeAll(async () => {
  engine = await TsMlsEngine.create();
});

interface Member {
  cryptor: FrameCryptor;
  keys?: EpochKeys;
  info?: EpochInfo;
}

function frame(seed: number): Uint8Array {
  return Uint8Array.from({ length: 120 }, (_, i) => (i * 13 + seed) & 0xff);
}

describe("Committer -> FrameCryptor (real ts-mls)", () => {
  it("frames decrypt exactly for current members through joins and removals; safety numbers agree", async () => {
    let clock = 1_000_000;
    const members = new Map<string, Member>();
    const w = new World<ClientState, PrivateKeyPackage>("seam", () => engine);
    w.onAction = (id, a) => {
      const m = members.get(id)!;
      if (a.type === "new-epoch") {
        m.cryptor.setEpoch(a.keys); // as is: no conversion, no suite argument
        m.keys = a.keys;
        m.info = a.info;
      } else if (a.type === "left-group") {
        m.cryptor.clear();
      }
    };
    const join = async (id: string) => {
      members.set(id, { cryptor: new FrameCryptor({ clockMs: () => clock }) });
      w.connect(id);
      await w.drain();
      await w.checkQuiescent();
    };

    /** Every live member sends one frame; exactly the other live members decrypt it. */
    const check = async (outsiders: string[]) => {
      const live = w.alive().map((c) => c.id);
      const epoch = w.server.view.group!.epoch;
      const numbers = new Set<string>();
      for (const id of live) {
        const c = w.clients.get(id)!;
        const m = members.get(id)!;
        expect(m.keys!.epoch).toBe(epoch);
        expect(m.info!.epoch).toBe(epoch);
        expect(m.keys!.leaves).toEqual([...m.info!.roster.keys()].sort((x, y) => x - y));
        // The safety number the UI shows is the one derived from this member's own MLS state.
        expect(m.info!.safetyNumber).toBe(safetyNumber(engine.epochAuthenticator(c.committer.group!)));
        numbers.add(m.info!.safetyNumber);
      }
      expect(numbers.size).toBe(1);
      for (const sender of live) {
        const tx = members.get(sender)!;
        const f = frame(live.indexOf(sender));
        const enc = await tx.cryptor.encryptFrame(f, "opus");
        if (!enc.ok) throw new Error(enc.reason);
        for (const rx of live) {
          if (rx === sender) continue;
          const d = await members.get(rx)!.cryptor.decryptFrame(enc.data, "opus");
          expect(d.ok, `${rx} decrypts ${sender}`).toBe(true);
          if (d.ok) {
            expect(d.data).toEqual(f);
            expect(d.senderLeaf).toBe(tx.keys!.ownLeaf);
            expect(members.get(rx)!.info!.roster.get(d.senderLeaf!)).toBe(sender);
          }
        }
        for (const out of outsiders) {
          const d = await members.get(out)!.cryptor.decryptFrame(enc.data, "opus");
          expect(d.ok, `${out} must not decrypt ${sender}`).toBe(false);
        }
      }
      return [...numbers][0]!;
    };

    await join("a");
    await join("b");
    const n2 = await check([]);
    await join("c");
    const n3 = await check([]);
    expect(n3).not.toBe(n2);
    // A frame from epoch 2 (before d joined) stays unreadable to d.
    const before = await members.get("a")!.cryptor.encryptFrame(frame(99), "opus");
    await join("d");
    await check([]);
    if (!before.ok) throw new Error(before.reason);
    expect(await members.get("d")!.cryptor.decryptFrame(before.data, "opus")).toMatchObject({ ok: false });

    // b drops out (its process dies, keys kept by an attacker): removed, and blind from the next epoch.
    const bOld = await members.get("b")!.cryptor.encryptFrame(frame(7), "opus");
    w.crash("b");
    await w.drain();
    await w.checkQuiescent();
    expect(w.server.view.group!.roster.has("b")).toBe(false);
    await check(["b"]);
    // Within the grace period the others still accept b's last frames of the old epoch (docs/architecture.md
    // "Epoch switch"); 10 s later nobody does.
    if (!bOld.ok) throw new Error(bOld.reason);
    clock += 10_000;
    for (const id of ["a", "c", "d"]) {
      expect((await members.get(id)!.cryptor.decryptFrame(bOld.data, "opus")).ok).toBe(false);
    }

    // c leaves gracefully; e joins into the leftmost blank leaf.
    w.leave("c");
    await w.drain();
    await join("e");
    const last = await check(["b", "c"]);
    expect(members.get("e")!.keys!.ownLeaf).toBe(1); // b's leaf, reused (RFC 9420 §12.1.1)
    expect(last).toMatch(/^\d{5}( \d{5}){5}$/);
  });
});
