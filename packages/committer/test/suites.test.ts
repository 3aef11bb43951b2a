/**
 * MLS suites per group (mls-suite.ts): suite 1 by default, ts-mls's X-Wing suite 83 on request, with the
 * media keys following (SFrame suite 5, 32-byte base keys); a member refuses a group of any suite other
 * than the one it was told, and a committer never adds a key package of another suite.
 */
import { FrameCryptor } from "@sealroom/mls-frames";
import type { ClientState, PrivateKeyPackage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import type { EpochInfo } from "../src/committer.ts";
import { isMlsSuite, MlsSuite, parseMlsSuite } from "../src/mls-suite.ts";
import { safetyNumber } from "../src/safety-number.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { World } from "./support/world.ts";

let suite1: TsMlsEngine;
let xwing: TsMlsEngine;
beforeAll(async () => {
  [suite1, xwing] = await Promise.all([
    TsMlsEngine.create(),
    TsMlsEngine.create({ suite: MlsSuite.XWING_AES256GCM_SHA512_Ed25519 }),
  ]);
});

describe("MLS suites", () => {
  it("X-Wing (83): joins and a removal converge; media keys are SFrame suite 5; frames reach exactly the members", async () => {
    const w = new World<ClientState, PrivateKeyPackage>("pq", () => xwing);
    const cryptors = new Map<string, FrameCryptor>();
    const infos = new Map<string, EpochInfo>();
    w.onAction = (id, a) => {
      if (a.type !== "new-epoch") return;
      expect(a.keys.suite).toBe(5);
      expect(a.keys.baseKey.length).toBe(32);
      expect(a.info.mlsSuite).toBe(83);
      cryptors.get(id)!.setEpoch(a.keys);
      infos.set(id, a.info);
    };
    for (const id of ["a", "b", "c"]) {
      cryptors.set(id, new FrameCryptor());
      w.connect(id);
      await w.drain();
    }
    w.checkSafety();
    await w.checkQuiescent();
    expect(xwing.cipherSuite(w.clients.get("c")!.committer.group!)).toBe(83);
    w.crash("b");
    await w.drain();
    w.checkSafety();
    await w.checkQuiescent();
    expect([...w.server.view.group!.roster.keys()].sort()).toEqual(["a", "c"]);
    const sa = infos.get("a")!;
    expect(infos.get("c")!.safetyNumber).toBe(sa.safetyNumber);
    expect(sa.safetyNumber).toBe(safetyNumber(sa.epochAuthenticator));
    expect(sa.epoch).toBe(3n);
    const f = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const enc = await cryptors.get("a")!.encryptFrame(f, "opus");
    if (!enc.ok) throw new Error(enc.reason);
    expect(await cryptors.get("c")!.decryptFrame(enc.data, "opus")).toMatchObject({ ok: true, data: f });
    expect((await cryptors.get("b")!.decryptFrame(enc.data, "opus")).ok).toBe(false);
  }, 60_000);

  it("members of different suites never end up in one group", async () => {
    for (const [first, second] of [
      [suite1, xwing],
      [xwing, suite1],
    ] as const) {
      const w = new World<ClientState, PrivateKeyPackage>("mixed", (id) => (id === "a" ? first : second));
      const errors: string[] = [];
      w.onAction = (_id, a) => {
        if (a.type === "error") errors.push(a.code);
      };
      w.connect("a");
      await w.drain();
      w.connect("b"); // told another suite than the room's
      await w.drain();
      expect([...w.server.view.group!.roster.keys()]).toEqual(["a"]); // b's key package was never added
      expect(w.clients.get("b")!.committer.group).toBeNull();
      expect(w.clients.get("a")!.committer.hasPendingCommit).toBe(false);
      expect(errors).toEqual([]);
    }
  }, 60_000);

  it("an engine refuses key packages and Welcomes of another suite", async () => {
    const a = await suite1.generateKeyPackage("a");
    const b = await suite1.generateKeyPackage("b");
    const g = await suite1.createGroup(new TextEncoder().encode("g"), a.keyPackage, a.secret);
    const c = await suite1.commit(g, [b.keyPackage], []);
    expect(await xwing.validateKeyPackage(b.keyPackage, "b")).toBe(false);
    await expect(xwing.joinGroup(c.welcome!, b.keyPackage, b.secret)).rejects.toThrow(/suite mismatch/);
    await expect(xwing.createGroup(new TextEncoder().encode("g"), a.keyPackage, a.secret)).rejects.toThrow(
      /suite/,
    );
    const pq = await xwing.generateKeyPackage("p");
    expect(await suite1.validateKeyPackage(pq.keyPackage, "p")).toBe(false);
    expect(await xwing.validateKeyPackage(pq.keyPackage, "p")).toBe(true);
    expect(() => new TsMlsEngine(suite1.impl, { suite: 83 })).toThrow(RangeError);
  });

  it("parses the suite an invite link carries", () => {
    expect(parseMlsSuite("1")).toBe(1);
    expect(parseMlsSuite("83")).toBe(83);
    for (const bad of ["", "01", "2", "+1", "83 ", "1e1", "0x53", "830"])
      expect(() => parseMlsSuite(bad)).toThrow(RangeError);
    expect(isMlsSuite(83)).toBe(true);
    expect(isMlsSuite("83")).toBe(false);
  });
});
