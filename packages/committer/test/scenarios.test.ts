/**
 * The known failure modes of the published designated-committer algorithm (the Orange Meets E2EE blog post, https://blog.cloudflare.com/orange-me2eets-we-made-an-end-to-end-encrypted-video-calling-app-and-it/; issue #5), each as a
 * named scenario on real ts-mls: the room must converge to one epoch whose roster is the present set, with
 * identical epoch authenticators and exporter secrets.
 */

import type { EpochKeys } from "@sealroom/mls-frames";
import type { ClientState, PrivateKeyPackage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeClientMessage } from "../src/codec.ts";
import type { EpochInfo } from "../src/committer.ts";
import { CommitterError } from "../src/errors.ts";
import { safetyNumber } from "../src/safety-number.ts";
import { sequencerDisconnect, sequencerReceive } from "../src/sequencer.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { CrashingEngine, World } from "./support/world.ts";

type W = World<ClientState, PrivateKeyPackage>;
let engine: TsMlsEngine;
beforeAll(async () => {
  engine = await TsMlsEngine.create();
});

function world(): W {
  return new World("room", () => new CrashingEngine(engine));
}

async function settled(...ids: string[]): Promise<W> {
  const w = world();
  for (const id of ids) {
    w.connect(id);
    await w.drain();
  }
  await w.checkQuiescent();
  return w;
}

async function converge(w: W, live: string[]): Promise<void> {
  await w.drain();
  w.checkSafety();
  await w.checkQuiescent();
  expect(
    w
      .alive()
      .map((c) => c.id)
      .sort(),
  ).toEqual([...live].sort());
}

/** Deliver frames to one client until `pred` holds for its committer. */
async function stepUntil(w: W, id: string, pred: () => boolean) {
  while (!pred()) {
    const c = w.clients.get(id)!;
    if (c.inbox.length === 0) throw new Error(`${id} ran out of frames`);
    await w.stepClient(id);
  }
}

describe("designated committer failure modes (ts-mls)", () => {
  it("joins a group of three and gives every member the same epoch keys and safety number", async () => {
    const epochs = new Map<string, { keys: EpochKeys; info: EpochInfo }>();
    const w = world();
    w.onAction = (id, a) => {
      if (a.type === "new-epoch") epochs.set(id, a);
    };
    for (const id of ["a", "b", "c"]) {
      w.connect(id);
      await w.drain();
    }
    await w.checkQuiescent();
    const es = ["a", "b", "c"].map((id) => epochs.get(id)!);
    expect(new Set(es.map((e) => e.keys.epoch))).toEqual(new Set([2n]));
    expect(new Set(es.map((e) => e.info.epoch))).toEqual(new Set([2n]));
    const sn = es.map((e) => e.info.safetyNumber);
    expect(new Set(sn).size).toBe(1);
    expect(sn[0]).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(sn[0]).toBe(safetyNumber(es[0]!.info.epochAuthenticator));
    // Suite 1 media keys: SFrame suite 4, a 16-byte base key, the same for everyone.
    for (const e of es) {
      expect(e.keys.suite).toBe(4);
      expect(e.info.mlsSuite).toBe(1);
      expect(e.keys.baseKey).toEqual(es[0]!.keys.baseKey);
      expect(e.keys.leaves).toEqual([0, 1, 2]);
    }
    expect(es[0]!.keys.baseKey.length).toBe(16);
    expect(es.map((e) => e.keys.ownLeaf).sort()).toEqual([0, 1, 2]);
    expect([...es[0]!.info.roster.values()].sort()).toEqual(["a", "b", "c"]);
    // Any key change moves the safety number.
    w.connect("d");
    await w.drain();
    expect(epochs.get("a")!.info.safetyNumber).not.toBe(sn[0]);
  });

  it("committer dies after sending the bundle, before the server sees it: the next member takes over", async () => {
    const w = await settled("a", "b", "c");
    w.connect("d");
    await w.stepClient("d");
    w.stepServer("d");
    // The committer a produces its bundle for d but crashes before it reaches the room.
    await stepUntil(w, "a", () => w.clients.get("a")!.committer.hasPendingCommit);
    w.crash("a");
    await converge(w, ["b", "c", "d"]);
  });

  it("committer dies after its bundle is accepted but before it sees the echo", async () => {
    const w = await settled("a", "b", "c");
    w.connect("d");
    while (!w.clients.get("a")!.committer.hasPendingCommit) {
      for (const c of w.alive()) if (c.outbox.length) w.stepServer(c.id);
      for (const c of w.alive()) if (c.inbox.length) await w.stepClient(c.id);
    }
    w.stepServer("a"); // accepted: commit + Welcome are in the log together
    w.crash("a");
    await converge(w, ["b", "c", "d"]);
  });

  for (let k = 0; k < 4; k++) {
    it(`committer crashes at MLS await point #${k} while adding a member`, async () => {
      const w = await settled("a", "b");
      (w.clients.get("a")!.engine as CrashingEngine<ClientState, PrivateKeyPackage>).crashAfter = k;
      w.connect("c");
      await w.drain();
      const aLives = w.clients.get("a")!.alive;
      // Adding c costs the committer two MLS calls (validate the key package, commit).
      expect(aLives).toBe(k >= 2);
      await converge(w, aLives ? ["a", "b", "c"] : ["b", "c"]);
    });
  }

  it("a member leaving before it was ever added (from the lobby)", async () => {
    const w = await settled("a", "b");
    w.connect("c");
    await w.stepClient("c"); // snapshot -> c sends its key package
    w.stepServer("c"); // announced
    await w.stepClient("a"); // a learns of c ... (announcement)
    w.crash("c"); // ... and c leaves before any commit adds it
    await converge(w, ["a", "b"]);
    // And one who leaves before even announcing.
    w.connect("e");
    w.crash("e");
    await converge(w, ["a", "b"]);
  });

  it("a commit adding a member who left meanwhile is rejected and redone", async () => {
    const w = await settled("a", "b");
    w.connect("c");
    await w.stepClient("c");
    w.stepServer("c");
    await stepUntil(w, "a", () => w.clients.get("a")!.committer.hasPendingCommit);
    w.crash("c"); // the leave is sequenced before a's bundle
    w.stepServer("a"); // -> commit-rejected (stale)
    await converge(w, ["a", "b"]);
  });

  it("two users entering an empty room at once", async () => {
    const w = world();
    w.connect("a");
    w.connect("b");
    await w.stepClient("a");
    await w.stepClient("b");
    w.stepServer("b");
    w.stepServer("a");
    await converge(w, ["a", "b"]);
    expect(w.server.view.generation).toBe(1n);
  });

  it("a reconnect that missed a commit: the client asks to be removed and re-added", async () => {
    const w = await settled("a", "b", "c");
    w.connect("d");
    // Let the commit adding d be sequenced, but c never receives it.
    for (let i = 0; i < 50 && w.server.view.group!.epoch < 3n; i++) {
      for (const cl of w.alive()) if (cl.outbox.length) w.stepServer(cl.id);
      for (const cl of w.alive()) if (cl.id !== "c" && cl.inbox.length) await w.stepClient(cl.id);
    }
    expect(w.server.view.group!.epoch).toBe(3n);
    w.reconnect("c");
    const epochsBefore = w.clients.get("c")!.epochsEntered;
    await converge(w, ["a", "b", "c", "d"]);
    expect(w.clients.get("c")!.epochsEntered).toBeGreaterThan(epochsBefore);
  });

  it("a reconnect that missed only presence events keeps its group state", async () => {
    const w = await settled("a", "b");
    w.connect("lobby");
    w.crash("lobby"); // no broadcast: never announced
    w.connect("x");
    await w.stepClient("x");
    w.stepServer("x"); // announced x, now in a's and b's inboxes
    w.reconnect("b"); // b misses "announced x" but no commit
    const resyncs: string[] = [];
    w.onAction = (id, a) => {
      if (a.type === "left-group") resyncs.push(id);
    };
    await converge(w, ["a", "b", "x"]);
    expect(resyncs).toEqual([]);
  });

  it("a gap in event numbers (missed event) triggers a resync", async () => {
    const w = await settled("a", "b", "c");
    w.connect("d");
    for (const cl of w.alive()) if (cl.outbox.length) w.stepServer(cl.id);
    w.clients.get("c")!.inbox.shift(); // c silently loses "announced d"
    await converge(w, ["a", "b", "c", "d"]);
  });

  it("a leave announced twice is harmless", async () => {
    const w = await settled("a", "b", "c");
    w.crash("b");
    const r = sequencerDisconnect(w.server, w.clients.get("b")!.conn);
    expect(r.out).toHaveLength(0);
    await converge(w, ["a", "c"]);
  });

  it("a key package from a member who already left is refused", async () => {
    const w = await settled("a", "b");
    w.connect("c");
    await w.stepClient("c");
    const late = w.clients.get("c")!.outbox[0]!;
    w.crash("c");
    expect(() => sequencerReceive(w.server, w.clients.get("c")!.conn, late)).toThrow(CommitterError);
    await converge(w, ["a", "b"]);
  });

  it("a room left with one member restarts cleanly, and an emptied room starts a new group", async () => {
    const w = await settled("a", "b");
    w.crash("a");
    await converge(w, ["b"]);
    w.connect("c");
    await converge(w, ["b", "c"]);
    w.crash("b");
    w.crash("c");
    await converge(w, []);
    expect(w.server.view.group).toBeNull();
    w.connect("d");
    await converge(w, ["d"]);
    expect(w.server.view.generation).toBeGreaterThan(1n);
  });

  it("the only other member falling behind while the committer dies: the group restarts", async () => {
    const w = await settled("a", "b");
    w.connect("c");
    for (const cl of w.alive()) if (cl.outbox.length) w.stepServer(cl.id);
    w.clients.get("b")!.inbox.shift(); // b will detect a gap and resync
    w.crash("a");
    await converge(w, ["b", "c"]);
  });

  it("a member's own key package with a foreign identity is never added", async () => {
    const w = await settled("a");
    w.connect("m");
    await w.stepClient("m");
    // Replace m's announcement with a key package whose credential names someone else.
    const forged = await engine.generateKeyPackage("someone-else");
    w.clients.get("m")!.outbox[0] = encodeClientMessage({
      type: "key-package",
      keyPackage: forged.keyPackage,
    });
    await w.drain();
    expect([...w.server.view.group!.roster.keys()]).toEqual(["a"]);
    expect(w.clients.get("a")!.committer.hasPendingCommit).toBe(false);
  });
  it("a late rejection of a bundle that lost the race for its epoch clears only that bundle", async () => {
    const w = await settled("a", "b");
    const a = w.clients.get("a")!;
    const sends: string[] = [];
    const leftGroup: string[] = [];
    w.onAction = (id, x) => {
      if (id === "a" && x.type === "send") sends.push(x.message.type);
      if (id === "a" && x.type === "left-group") leftGroup.push(x.reason);
    };
    w.connect("d");
    await w.stepClient("d");
    w.stepServer("d"); // announced d
    await stepUntil(w, "a", () => a.committer.hasPendingCommit); // a's bundle B1 (add d), held back
    w.connect("e");
    await w.stepClient("e");
    w.stepServer("e"); // announced e
    // b also believed it was the committer of epoch 1 (a member whose view lagged, or a hostile one) and
    // its bundle adding d reaches the room first.
    const b = w.clients.get("b")!;
    const view = w.server.view;
    const dKp = view.present.get("d")!;
    const r = await engine.commit(b.committer.group!, [dKp.keyPackage], []);
    const bundle = {
      commit: r.commit,
      welcome: r.welcome,
      adds: [{ member: "d", announceSeq: dKp.announceSeq }],
      removes: [],
    };
    const { commitDigest } = await import("../src/codec.ts");
    // b adopts its own commit on the echo, as a committer does.
    (b.committer as unknown as { s: object }).s = {
      ...(b.committer as unknown as { s: object }).s,
      pending: { epoch: 1n, commit: r.commit, digest: commitDigest(r.commit), group: r.group },
    };
    b.outbox.push(encodeClientMessage({ type: "commit-bundle", bundle }));
    w.stepServer("b"); // committed (epoch 1 -> 2)
    w.stepServer("a"); // B1 lost the race: commit-rejected (epoch 1, digest of B1), queued after the event
    // a applies b's commit, commits the Add of e from epoch 2 (B2), then reads the late rejection of B1.
    while (a.inbox.length > 0) await w.stepClient("a");
    expect(a.committer.hasPendingCommit).toBe(true); // B2 survives the rejection of B1
    await converge(w, ["a", "b", "d", "e"]);
    expect(sends.filter((t) => t === "commit-bundle")).toHaveLength(2); // B1, B2: no duplicate
    expect(leftGroup).toEqual([]); // no resync
    expect(w.server.view.group!.epoch).toBe(3n);
  });

  it("a stale socket after a rejoin under the same id: its late frames are refused, its close removes nobody", async () => {
    const w = await settled("a", "b", "c");
    const a = w.clients.get("a")!;
    const leftGroup: string[] = [];
    w.onAction = (id, x) => {
      if (x.type === "left-group") leftGroup.push(`${id}:${x.reason}`);
    };
    w.connect("d");
    await w.stepClient("d");
    w.stepServer("d");
    await stepUntil(w, "a", () => a.committer.hasPendingCommit);
    const late = a.outbox[0]!; // a's bundle adding d, still in the old socket
    // a's network drops; it rejoins as "a" on a new connection before the room saw the old socket close.
    const old = w.reconnect("a", false);
    expect(w.server.connections.get("a")).not.toBe(old);
    await w.drain(); // the snapshot; a commits the Add of d again, on the new connection
    // The old socket's frame arrives now: never sequenced after the reconnect.
    expect(() => sequencerReceive(w.server, old, late)).toThrow(CommitterError);
    // ... and its close: nothing happens, a stays present and live.
    const seq = w.server.view.nextSeq;
    const before = w.server;
    w.closeStale(old);
    expect(w.server.view.nextSeq).toBe(seq);
    expect(w.server.view).toBe(before.view);
    expect(w.server.connections.get("a")).toBe(a.conn);
    await converge(w, ["a", "b", "c", "d"]);
    // The live a still receives everything: the next join includes it.
    w.connect("e");
    await converge(w, ["a", "b", "c", "d", "e"]);
    expect(leftGroup).toEqual([]);
  });
});
