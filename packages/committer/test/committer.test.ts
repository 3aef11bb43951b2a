/**
 * Committer API details not covered by the scenarios: the first snapshot, own-commit adoption only on
 * echo, rejection handling, malformed frames, stop(), and the re-entrancy guard.
 */
import { describe, expect, it } from "vitest";
import { commitDigest, encodeServerMessage } from "../src/codec.ts";
import { Committer } from "../src/committer.ts";
import { CommitterError } from "../src/errors.ts";
import { SymbolicEngine } from "./support/symbolic-engine.ts";
import { World } from "./support/world.ts";

function world() {
  return new World(
    "room",
    () => new SymbolicEngine(),
    (e) => (e as SymbolicEngine).clone(),
  );
}

describe("Committer", () => {
  it("announces a key package on its first snapshot", async () => {
    const c = new Committer(new SymbolicEngine());
    const out = await c.receive(
      encodeServerMessage({
        type: "snapshot",
        you: "a",
        view: { nextSeq: 0n, generation: 0n, group: null, present: new Map() },
      }),
    );
    expect(out.map((a) => (a.type === "send" ? a.message.type : a.type))).toEqual(["key-package"]);
    expect(c.memberId).toBe("a");
  });

  it("keeps its old epoch until its commit is echoed, and drops it on rejection", async () => {
    const w = world();
    w.connect("a");
    await w.drain();
    w.connect("b");
    await w.stepClient("b");
    w.stepServer("b");
    const a = w.clients.get("a")!;
    while (!a.committer.hasPendingCommit) await w.stepClient("a");
    expect(a.engine.epoch(a.committer.group!)).toBe(0n); // not adopted yet
    w.stepServer("a");
    await w.stepClient("a");
    expect(a.engine.epoch(a.committer.group!)).toBe(1n); // adopted on echo
    // A rejection clears the pending commit it names (epoch + digest), and only that, without touching
    // the group.
    w.connect("c");
    await w.stepClient("c");
    w.stepServer("c");
    while (!a.committer.hasPendingCommit) await w.stepClient("a");
    const pending = a.committer.inspect().pending!;
    const before = a.committer.group;
    const reject = (epoch: bigint, digest: Uint8Array) =>
      a.committer.receive(encodeServerMessage({ type: "commit-rejected", epoch, digest, reason: 1 }));
    await reject(pending.epoch - 1n, commitDigest(pending.commit)); // an older epoch
    await reject(pending.epoch, new Uint8Array(32)); // another bundle of this epoch
    expect(a.committer.inspect().pending!.commit).toBe(pending.commit); // kept, nothing re-sent
    const out = await reject(pending.epoch, commitDigest(pending.commit));
    expect(a.committer.group).toBe(before);
    // Dropped; c still waits, so a commits afresh from the same epoch (a new bundle, sent).
    expect(a.committer.inspect().pending!.commit).not.toBe(pending.commit); // symbolic MLS: same bytes
    expect(out.map((x) => (x.type === "send" ? x.message.type : x.type))).toEqual(["commit-bundle"]);
  });

  it("reports a malformed frame and asks to be re-added", async () => {
    const w = world();
    w.connect("a");
    await w.drain();
    const a = w.clients.get("a")!;
    const out = await a.committer.receive(Uint8Array.of(1, 0x82, 0));
    expect(out.map((x) => x.type)).toEqual(["error", "left-group", "send"]);
    const send = out[2]!;
    expect(send.type === "send" && send.message.type).toBe("resync");
  });

  it("stop() forgets the group and ignores later frames; receive() is not re-entrant", async () => {
    const w = world();
    w.connect("a");
    await w.drain();
    const a = w.clients.get("a")!;
    const p = a.committer.receive(
      encodeServerMessage({ type: "commit-rejected", epoch: 0n, digest: new Uint8Array(32), reason: 1 }),
    );
    await expect(a.committer.receive(Uint8Array.of(1))).rejects.toThrow(CommitterError);
    await p;
    expect(a.committer.stop()).toEqual([{ type: "left-group", reason: "stopped" }]);
    expect(a.committer.group).toBeNull();
    expect(await a.committer.receive(Uint8Array.of(1))).toEqual([]);
  });

  it("lobby: connected and following the room, not present; announce() sends the key package made on connect", async () => {
    const w = world();
    w.connect("a");
    await w.drain();
    w.connect("b", { lobby: true });
    await w.drain();
    const b = w.clients.get("b")!;
    // b knows its member id and holds a key package, but sent nothing and is not present.
    expect(b.committer.memberId).toBe("b");
    expect(b.committer.inLobby).toBe(true);
    const kp = b.committer.inspect().keyPackage;
    expect(kp).not.toBeNull();
    expect(b.bytesSent).toBe(0);
    expect([...w.server.view.present.keys()]).toEqual(["a"]);
    // Events reach the lobby and advance its view: c joins while b waits.
    w.connect("c");
    await w.drain();
    expect(b.committer.view!.nextSeq).toBe(w.server.view.nextSeq);
    expect(b.committer.group).toBeNull();
    w.announce("b");
    expect(b.committer.inLobby).toBe(false);
    const sent = b.outbox[0]!;
    expect(sent[1]).toBe(0x01); // key-package
    expect(b.outbox).toHaveLength(1);
    await w.drain();
    expect(w.server.view.present.get("b")!.keyPackage).toEqual(kp);
    await w.checkQuiescent();
    w.announce("b"); // a second announce does nothing
    expect(b.outbox).toHaveLength(0);
  });

  it("lobby: a gap in the events is repaired by announcing with a resync", async () => {
    const w = world();
    w.connect("a");
    await w.drain();
    w.connect("b", { lobby: true });
    await w.drain();
    w.connect("c");
    const b = w.clients.get("b")!;
    await w.stepClient("c");
    w.stepServer("c"); // c's key package: an event for everyone
    b.inbox.splice(0); // b misses it
    await w.drain();
    w.connect("d");
    await w.drain(); // b sees a gap: it stops following but sends nothing (it is not present)
    expect(b.bytesSent).toBe(0);
    expect(b.committer.inspect().awaitingSnapshot).toBe(true);
    w.announce("b");
    expect(b.outbox[0]![1]).toBe(0x03); // resync: announcement + snapshot
    await w.drain();
    await w.checkQuiescent();
  });

  it("lobby: announce() before the snapshot makes the snapshot announce at once", async () => {
    const c = new Committer(new SymbolicEngine(), { lobby: true });
    expect(c.announce()).toEqual([]);
    const out = await c.receive(
      encodeServerMessage({
        type: "snapshot",
        you: "a",
        view: { nextSeq: 0n, generation: 0n, group: null, present: new Map() },
      }),
    );
    expect(out.map((a) => (a.type === "send" ? a.message.type : a.type))).toEqual(["key-package"]);
  });
});
