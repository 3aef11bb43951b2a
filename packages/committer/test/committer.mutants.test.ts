/**
 * The committer state machine branch by branch (mutation testing, issue 18): each test feeds one
 * crafted server frame (a snapshot, an event at an exact sequence number, a tampered bundle) to a
 * committer driven by symbolic MLS, and checks the actions it returns and the state it keeps.
 */
import { describe, expect, it } from "vitest";
import { decodeClientMessage, encodeServerMessage } from "../src/codec.ts";
import { Committer, type CommitterAction, MAX_CHAT_BYTES } from "../src/committer.ts";
import type { RoomEvent } from "../src/protocol.ts";
import type { RoomView } from "../src/room-view.ts";
import { safetyNumber } from "../src/safety-number.ts";
import { SymbolicEngine, type SymGroup, type SymSecret } from "./support/symbolic-engine.ts";
import { type SimClient, World } from "./support/world.ts";

type Client = SimClient<SymGroup, SymSecret>;
const enc = new TextEncoder();

function world(): World<SymGroup, SymSecret> {
  return new World(
    "room",
    () => new SymbolicEngine(),
    (e) => (e as SymbolicEngine).clone(),
  );
}

/** A room where `ids` joined one after another and everything settled. */
async function room(...ids: string[]) {
  const w = world();
  const epochs = new Map<string, Extract<CommitterAction, { type: "new-epoch" }>[]>();
  w.onAction = (id, a) => {
    if (a.type === "new-epoch") epochs.set(id, [...(epochs.get(id) ?? []), a]);
  };
  for (const id of ids) {
    w.connect(id);
    await w.drain();
  }
  await w.checkQuiescent();
  const c = (id: string): Client => w.clients.get(id)!;
  return { w, c, epochs };
}

/** What the actions are: the message type of a `send`, else the action type (and reason/code). */
function kinds(out: CommitterAction[]): string[] {
  return out.map((a) => {
    if (a.type === "send") return `send:${a.message.type}`;
    if (a.type === "left-group") return `left-group:${a.reason}`;
    if (a.type === "error") return `error:${a.code}`;
    if (a.type === "chat-unreadable") return `chat-unreadable:${a.reason}`;
    return a.type;
  });
}

const snapshot = (you: string, view: RoomView) => encodeServerMessage({ type: "snapshot", you, view });
const event = (seq: bigint, ev: RoomEvent) => encodeServerMessage({ type: "event", seq, event: ev });
/** The next event for `client`'s view. */
const next = (client: Client, ev: RoomEvent) => event(client.committer.view!.nextSeq, ev);
/** A symbolic key package (see symbolic-engine.ts). */
const symKp = (s: string) => Uint8Array.of(0, 1, 0, 5, ...enc.encode(s));
/** `client` receives, as the room's next event, `sender`'s commit that removes `removes` and adds nobody. */
const receiveCommit = (client: Client, sender: string, commit: Uint8Array, removes: string[]) =>
  client.committer.receive(
    next(client, { type: "committed", sender, bundle: { commit, welcome: null, adds: [], removes } }),
  );

describe("Committer: API guards", () => {
  it("sendChat takes exactly MAX_CHAT_BYTES, refuses one more or a non-Uint8Array, and is not re-entrant", async () => {
    const { c } = await room("a", "b");
    const a = c("a").committer;
    const out = await a.sendChat(new Uint8Array(MAX_CHAT_BYTES));
    expect(kinds(out)).toEqual(["send:application"]);
    await expect(a.sendChat(new Uint8Array(MAX_CHAT_BYTES + 1))).rejects.toThrow(RangeError);
    await expect(a.sendChat([1, 2] as unknown as Uint8Array)).rejects.toThrow(RangeError);
    // All while the first call is in flight (no await in between).
    const p = a.sendChat(Uint8Array.of(1));
    const again = a.sendChat(Uint8Array.of(2));
    const receive = a.receive(Uint8Array.of(1));
    expect(() => a.announce()).toThrow(expect.objectContaining({ code: "reentrant" }));
    await expect(again).rejects.toMatchObject({ code: "reentrant" });
    await expect(receive).rejects.toMatchObject({ code: "reentrant" });
    expect(kinds(await p)).toEqual(["send:application"]);
    // The guard is released after the call (and after a failing one).
    expect(kinds(await a.sendChat(Uint8Array.of(3)))).toEqual(["send:application"]);
    a.stop();
    await expect(a.sendChat(Uint8Array.of(4))).rejects.toMatchObject({ code: "not-in-group" });
  });

  it("sendChat is refused while resyncing (not in sync), even with a view", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    // A gap: b drops its group and waits for a snapshot.
    await b.receive(event(b.view!.nextSeq + 1n, { type: "left", member: "zz" }));
    expect(b.inSync).toBe(false);
    await expect(b.sendChat(Uint8Array.of(1))).rejects.toMatchObject({ code: "not-in-group" });
  });

  it("signal() is one signal frame to the member named", () => {
    const c = new Committer(new SymbolicEngine());
    const out = c.signal("b", Uint8Array.of(7, 8));
    expect(out).toHaveLength(1);
    const [send] = out;
    if (send?.type !== "send") throw new Error("no send");
    expect(send.message).toEqual({ type: "signal", to: "b", payload: Uint8Array.of(7, 8) });
    expect(decodeClientMessage(send.bytes)).toEqual(send.message);
  });

  it("announce() after stop() does nothing and stays in the lobby", async () => {
    const c = new Committer(new SymbolicEngine(), { lobby: true });
    await c.receive(snapshot("a", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
    expect(c.inspect().keyPackage).not.toBeNull();
    c.stop();
    expect(c.announce()).toEqual([]);
    expect(c.inLobby).toBe(true);
    expect(c.stop()).toEqual([]); // no group: no left-group
  });

  it("announce() outside the lobby does nothing; clone() copies the state and then lives apart", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    expect(b.announce()).toEqual([]);
    const k = b.clone();
    expect(k.inspect()).toEqual(b.inspect());
    expect(k.memberId).toBe("b");
    expect(k.inSync).toBe(true);
    await k.receive(next(c("b"), { type: "left", member: "b" }));
    expect(k.group).toBeNull();
    expect(b.group).not.toBeNull(); // the original is untouched
    expect(b.view!.nextSeq).toBe(k.view!.nextSeq - 1n);
  });

  it("an event before the first snapshot is ignored", async () => {
    const c = new Committer(new SymbolicEngine());
    expect(await c.receive(event(0n, { type: "left", member: "a" }))).toEqual([]);
    expect(c.inspect()).toMatchObject({ me: null, view: null, keyPackage: null });
  });

  it("stop() forgets the key package and any pending commit", async () => {
    const { w, c } = await room("a");
    w.connect("b");
    await w.stepClient("b");
    w.stepServer("b");
    const a = c("a");
    while (!a.committer.hasPendingCommit) await w.stepClient("a");
    expect(kinds(a.committer.stop())).toEqual(["left-group:stopped"]);
    expect(a.committer.inspect()).toMatchObject({ group: null, pending: null, keyPackage: null });
    expect(a.committer.inSync).toBe(false);
    expect(a.committer.isCommitter).toBe(false);
  });

  it("a malformed frame before any snapshot is only reported; in the lobby it waits for a snapshot", async () => {
    const fresh = new Committer(new SymbolicEngine());
    expect(kinds(await fresh.receive(Uint8Array.of(1, 0x82, 0)))).toEqual(["error:bad-frame"]);
    expect(fresh.inspect()).toMatchObject({ me: null, keyPackage: null, awaitingSnapshot: false });

    const lobby = new Committer(new SymbolicEngine(), { lobby: true });
    await lobby.receive(snapshot("a", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
    const kp = lobby.inspect().keyPackage;
    expect(kinds(await lobby.receive(Uint8Array.of(1, 0x82, 0)))).toEqual(["error:bad-frame"]);
    expect(lobby.inspect().awaitingSnapshot).toBe(true);
    const out = lobby.announce();
    expect(out).toMatchObject([{ type: "send", message: { type: "resync", keyPackage: kp } }]);
  });
});

describe("Committer: epochs", () => {
  it("new-epoch carries the group's facts and the media keys of the member's own leaf", async () => {
    const { w, c, epochs } = await room("a", "b", "c");
    const group = w.server.view.group!;
    for (const [id, leaf] of [
      ["a", 0],
      ["b", 1],
      ["c", 2],
    ] as const) {
      const last = epochs.get(id)!.at(-1)!;
      const g = c(id).committer.group!;
      expect(last.info.groupId).toEqual(group.groupId);
      expect(last.info.epoch).toBe(2n);
      expect(last.info.mlsSuite).toBe(1);
      expect(last.info.ownLeaf).toBe(leaf);
      expect([...last.info.roster]).toEqual([
        [0, "a"],
        [1, "b"],
        [2, "c"],
      ]);
      expect(last.info.epochAuthenticator).toEqual(c(id).engine.epochAuthenticator(g));
      expect(last.info.safetyNumber).toBe(safetyNumber(last.info.epochAuthenticator));
      expect(last.keys).toMatchObject({ epoch: 2n, suite: 4, ownLeaf: leaf, leaves: [0, 1, 2] });
      const base = await c(id).engine.exporter(g, "SFrame 1.0 Base Key", new Uint8Array(0), 16);
      expect(last.keys.baseKey).toEqual(base);
    }
    // The creator's first epoch: epoch 0, itself alone.
    expect(epochs.get("a")![0]!.info).toMatchObject({ epoch: 0n, ownLeaf: 0 });
    expect([...epochs.get("a")![0]!.info.roster]).toEqual([[0, "a"]]);
  });
});

describe("Committer: snapshots", () => {
  it("a snapshot naming another member is an error and changes nothing", async () => {
    const { c } = await room("a", "b");
    const a = c("a").committer;
    const view = a.view!;
    const group = a.group;
    const out = await a.receive(snapshot("b", view));
    expect(kinds(out)).toEqual(["error:wrong-member"]);
    expect(a.memberId).toBe("a");
    expect(a.view).toBe(view);
    expect(a.group).toBe(group);
  });

  it("a reconnect at the same epoch keeps the group and takes the snapshot's view", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    const group = b.group;
    const v = b.view!;
    // One presence event was missed: x announced.
    const present = new Map(v.present);
    present.set("x", { announceSeq: v.nextSeq, keyPackage: symKp("kp|x|0") });
    const out = await b.receive(snapshot("b", { ...v, nextSeq: v.nextSeq + 1n, present }));
    expect(out).toEqual([]); // b is not the committer: a adds x
    expect(b.group).toBe(group);
    expect(b.view!.nextSeq).toBe(v.nextSeq + 1n);
    expect([...b.view!.present.keys()]).toContain("x");
    expect(b.inSync).toBe(true);
  });

  it("a snapshot whose roster names a member the MLS group lacks: the committer removes only members it has", async () => {
    const { c } = await room("a", "b");
    const a = c("a").committer;
    expect(a.isCommitter).toBe(true);
    const v = a.view!;
    const roster = new Map(v.group!.roster);
    roster.set("ghost", 0n); // in the room's roster, not live, and no leaf of ours
    const out = await a.receive(snapshot("a", { ...v, group: { ...v.group!, roster } }));
    expect(out).toEqual([]);
    expect(a.hasPendingCommit).toBe(false);
  });

  it("a reconnect into another group, another epoch or as a non-live member resyncs", async () => {
    for (const change of ["groupId", "epoch", "re-announced", "not in roster", "no group"] as const) {
      const { c } = await room("a", "b");
      const b = c("b").committer;
      const v = b.view!;
      const g = v.group!;
      let view: RoomView = v;
      if (change === "groupId") view = { ...v, group: { ...g, groupId: Uint8Array.of(...g.groupId, 1) } };
      if (change === "epoch") view = { ...v, group: { ...g, epoch: g.epoch + 1n } };
      if (change === "re-announced") {
        const present = new Map(v.present);
        present.set("b", { announceSeq: v.nextSeq, keyPackage: symKp("kp|b|9") });
        view = { ...v, nextSeq: v.nextSeq + 1n, present };
      }
      if (change === "no group") view = { ...v, group: null };
      if (change === "not in roster") {
        const roster = new Map(g.roster);
        roster.delete("b");
        view = { ...v, group: { ...g, roster } };
      }
      const out = await b.receive(snapshot("b", view));
      expect(kinds(out), change).toEqual(["left-group:resync", "send:resync"]);
      expect(b.group, change).toBeNull();
      expect(b.inspect().awaitingSnapshot, change).toBe(true);
    }
  });

  it("an own chat in flight across a reconnect is forgotten: its late echo is not delivered", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    const [send] = await b.sendChat(enc.encode("lost"));
    if (send?.type !== "send" || send.message.type !== "application") throw new Error("no frame");
    await b.receive(snapshot("b", b.view!));
    expect(
      await b.receive(next(c("b"), { type: "application", sender: "b", message: send.message.message })),
    ).toEqual([]);
  });

  it("an own chat echoed without a reconnect is delivered once, with its epoch and leaf", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    const [send] = await b.sendChat(enc.encode("hi"));
    if (send?.type !== "send" || send.message.type !== "application") throw new Error("no frame");
    const echo = { type: "application", sender: "b", message: send.message.message } as const;
    const seq = b.view!.nextSeq;
    expect(await b.receive(next(c("b"), echo))).toEqual([
      { type: "chat", seq, sender: "b", senderLeaf: 1, epoch: 1n, plaintext: enc.encode("hi"), own: true },
    ]);
    expect(await b.receive(next(c("b"), echo))).toEqual([]); // delivered once
  });

  it("a snapshot that says we are live in the group we hold no state of: create only the group chosen for us", async () => {
    const groupId = enc.encode("g1");
    for (const variant of [
      "chosen",
      "epoch 1",
      "two members",
      "other key package",
      "no key package",
    ] as const) {
      const c = new Committer(new SymbolicEngine());
      await c.receive(snapshot("a", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
      const kp = variant === "other key package" ? symKp("kp|a|7") : c.inspect().keyPackage!;
      const roster = new Map([["a", 0n]]);
      if (variant === "two members") roster.set("b", 1n);
      const present = new Map([["a", { announceSeq: 0n, keyPackage: kp }]]);
      if (variant === "two members") present.set("b", { announceSeq: 1n, keyPackage: symKp("kp|b|0") });
      const view: RoomView = {
        nextSeq: 3n,
        generation: 1n,
        group: { groupId, epoch: variant === "epoch 1" ? 1n : 0n, roster },
        present,
      };
      if (variant === "no key package") {
        // A lobby member whose key package was taken by stop(): nothing to create the group with.
        c.stop();
        expect(await c.receive(snapshot("a", view))).toEqual([]);
        continue;
      }
      const out = await c.receive(snapshot("a", view));
      if (variant === "chosen") {
        expect(kinds(out)).toEqual(["new-epoch"]);
        expect(c.group).toMatchObject({ epoch: 0n, groupId });
        expect(c.inspect().keyPackage).toBeNull(); // used up
        expect(c.inSync).toBe(true);
        expect(c.isCommitter).toBe(true);
      } else {
        expect(kinds(out), variant).toEqual(["send:resync"]);
        expect(c.group, variant).toBeNull();
      }
    }
  });

  it("not live: the announcement is re-sent only when the room does not hold the current one", async () => {
    for (const variant of ["held", "other", "missing"] as const) {
      const c = new Committer(new SymbolicEngine());
      await c.receive(snapshot("a", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
      const kp = c.inspect().keyPackage!;
      const present = new Map<string, { announceSeq: bigint; keyPackage: Uint8Array }>();
      if (variant !== "missing")
        present.set("a", { announceSeq: 0n, keyPackage: variant === "held" ? kp : symKp("kp|a|5") });
      const out = await c.receive(snapshot("a", { nextSeq: 1n, generation: 0n, group: null, present }));
      if (variant === "held") expect(out).toEqual([]);
      else
        expect(out, variant).toMatchObject([
          { type: "send", message: { type: "key-package", keyPackage: kp } },
        ]);
      expect(c.inspect().keyPackage).toEqual(kp); // the same package, not a fresh one
    }
  });
});

describe("Committer: a fresh key package when none is held", () => {
  it("not live and holding no key package (ours was used to join): a fresh one is announced", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    expect(b.inspect().keyPackage).toBeNull(); // used by the join
    const old = b.view!.present.get("b")!.keyPackage;
    // A (crafted) restart under a's group: b drops its state and holds no key package.
    await b.receive(next(c("b"), { type: "group-started", groupId: enc.encode("g2"), creator: "a" }));
    expect(b.inspect()).toMatchObject({ group: null, keyPackage: null });
    const v = b.view!;
    const out = await b.receive(
      snapshot("b", { ...v, group: { ...v.group!, roster: new Map([["a", 0n]]) } }),
    );
    expect(kinds(out)).toEqual(["send:key-package"]);
    const kp = b.inspect().keyPackage!;
    expect(kp).not.toEqual(old);
    expect(out).toMatchObject([{ message: { keyPackage: kp } }]);
  });
});

describe("Committer: events", () => {
  it("an event already in the view is ignored; a gap resyncs", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    const view = b.view!;
    expect(await b.receive(event(view.nextSeq - 1n, { type: "left", member: "a" }))).toEqual([]);
    expect(b.view).toBe(view);
    expect(b.inSync).toBe(true);
    const out = await b.receive(event(view.nextSeq + 1n, { type: "left", member: "a" }));
    expect(kinds(out)).toEqual(["left-group:resync", "send:resync"]);
    // Waiting for the snapshot: later events are ignored.
    expect(await b.receive(event(view.nextSeq, { type: "left", member: "a" }))).toEqual([]);
    expect(b.view).toBe(view);
  });

  it("another member leaving is only recorded; our own leave makes us come back", async () => {
    const { c } = await room("a", "b", "c");
    const b = c("b").committer;
    const seq = b.view!.nextSeq;
    expect(await b.receive(next(c("b"), { type: "left", member: "c" }))).toEqual([]); // a removes c
    expect(b.view!.nextSeq).toBe(seq + 1n);
    expect(b.view!.present.has("c")).toBe(false);
    const out = await b.receive(next(c("b"), { type: "left", member: "b" }));
    expect(kinds(out)).toEqual(["left-group:resync", "send:resync"]);
  });

  it("a group started by another member replaces ours and creates nothing", async () => {
    const { c } = await room("a", "b");
    const b = c("b").committer;
    const out = await b.receive(
      next(c("b"), { type: "group-started", groupId: enc.encode("g2"), creator: "a" }),
    );
    expect(kinds(out)).toEqual(["left-group:replaced"]);
    expect(b.group).toBeNull();
    expect(b.view!.group!.groupId).toEqual(enc.encode("g2"));
  });

  it("a group started by another member while we wait to be added creates nothing (we keep our key package)", async () => {
    const c = new Committer(new SymbolicEngine());
    await c.receive(snapshot("b", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
    const kp = c.inspect().keyPackage!;
    await c.receive(event(0n, { type: "announced", member: "a", keyPackage: symKp("kp|a|1") }));
    await c.receive(event(1n, { type: "announced", member: "b", keyPackage: kp }));
    const out = await c.receive(event(2n, { type: "group-started", groupId: enc.encode("g"), creator: "a" }));
    expect(kinds(out)).toEqual([]);
    expect(c.group).toBeNull();
    expect(c.inspect().keyPackage).toEqual(kp);
    expect(c.view!.group!.groupId).toEqual(enc.encode("g"));
  });

  it("a group started for us is created only with the key package the room holds for us", async () => {
    for (const held of [true, false]) {
      const c = new Committer(new SymbolicEngine());
      await c.receive(snapshot("a", { nextSeq: 0n, generation: 0n, group: null, present: new Map() }));
      const kp = c.inspect().keyPackage!;
      await c.receive(event(0n, { type: "announced", member: "a", keyPackage: held ? kp : symKp("kp|a|3") }));
      const out = await c.receive(
        event(1n, { type: "group-started", groupId: enc.encode("g"), creator: "a" }),
      );
      expect(kinds(out), String(held)).toEqual(held ? ["new-epoch"] : []);
      expect(c.group === null, String(held)).toBe(!held);
    }
  });
});

describe("Committer: commits", () => {
  it("a commit removing us: left-group (removed), then a resync from the view after it", async () => {
    const { c } = await room("a", "b", "c");
    const a = c("a");
    const r = await a.engine.commit(a.committer.group!, [], [2]);
    const cc = c("c").committer;
    const seq = cc.view!.nextSeq;
    const out = await receiveCommit(c("c"), "a", r.commit, ["c"]);
    expect(kinds(out)).toEqual(["left-group:removed", "send:resync"]);
    expect(cc.view!.nextSeq).toBe(seq + 1n);
    expect(cc.view!.group!.roster.has("c")).toBe(false);
  });

  it("a commit that does not apply is reported and resyncs", async () => {
    const { c } = await room("a", "b");
    const b = c("b");
    // b's own leaf as the sender: symbolic MLS refuses to process it.
    const r = await b.engine.commit(b.committer.group!, [], [0]);
    const out = await receiveCommit(b, "a", r.commit, ["a"]);
    expect(kinds(out)).toEqual(["error:commit-failed", "left-group:resync", "send:resync"]);
  });

  it("a commit whose MLS roster differs from the declared one is refused (size, then members)", async () => {
    for (const declared of ["none", "another member", "one more"] as const) {
      const { c } = await room("a", "b");
      const a = c("a");
      const b = c("b").committer;
      // x and y announced; a's commit adds x but the bundle declares no add / declares y.
      await b.receive(next(c("b"), { type: "announced", member: "x", keyPackage: symKp("kp|x|0") }));
      await b.receive(next(c("b"), { type: "announced", member: "y", keyPackage: symKp("kp|y|0") }));
      const xSeq = b.view!.present.get("y")!.announceSeq;
      // "one more": the commit adds nobody, the bundle declares y (MLS roster a strict subset).
      const r = await a.engine.commit(
        a.committer.group!,
        declared === "one more" ? [] : [symKp("kp|x|0")],
        [],
      );
      const adds = declared === "none" ? [] : [{ member: "y", announceSeq: xSeq }];
      const out = await b.receive(
        next(c("b"), {
          type: "committed",
          sender: "a",
          bundle: {
            commit: r.commit,
            welcome: declared === "another member" ? r.welcome : null,
            adds,
            removes: [],
          },
        }),
      );
      expect(kinds(out), declared).toEqual(["error:roster-mismatch", "left-group:resync", "send:resync"]);
    }
  });

  it("a Welcome is used only for our current announcement, and a bad one is reported", async () => {
    for (const variant of [
      "stale announceSeq",
      "no welcome",
      "bad welcome",
      "another member",
      "good",
    ] as const) {
      const { w, c } = await room("a");
      w.connect("b");
      await w.stepClient("b"); // snapshot: b announces
      w.stepServer("b");
      await w.stepClient("b"); // b sees its announcement
      const a = c("a");
      const b = c("b").committer;
      const mine = b.view!.present.get("b")!;
      const r = await a.engine.commit(a.committer.group!, [mine.keyPackage], []);
      let welcome = r.welcome;
      if (variant === "no welcome") welcome = null;
      if (variant === "bad welcome") welcome = Uint8Array.of(0, 1, 0, 3, 0x7b);
      const announceSeq = variant === "stale announceSeq" ? mine.announceSeq - 1n : mine.announceSeq;
      const seq = b.view!.nextSeq;
      const out = await b.receive(
        next(c("b"), {
          type: "committed",
          sender: "a",
          bundle: {
            commit: r.commit,
            welcome,
            // "another member": the add names someone else (with our announceSeq); the Welcome,
            // which would open with our key package, is not taken as ours.
            adds: [{ member: variant === "another member" ? "x" : "b", announceSeq }],
            removes: [],
          },
        }),
      );
      expect(b.view!.nextSeq, variant).toBe(seq + 1n);
      if (variant === "good") {
        expect(kinds(out)).toEqual(["new-epoch"]);
        expect(b.group).toMatchObject({ epoch: 1n, own: 1 });
        expect(b.inspect().keyPackage).toBeNull();
      } else if (variant === "bad welcome") {
        expect(kinds(out)).toEqual(["error:welcome-failed", "send:resync"]);
        expect(b.group).toBeNull();
      } else {
        expect(out, variant).toEqual([]);
        expect(b.group, variant).toBeNull();
        expect(b.inspect().keyPackage, variant).toEqual(mine.keyPackage);
      }
    }
  });

  it("a commit from another epoch than ours resyncs without applying it", async () => {
    const { c } = await room("a", "b", "c");
    const a = c("a");
    const old = { ...a.committer.group!, epoch: a.committer.group!.epoch - 1n };
    const r = await a.engine.commit(old, [], [2]);
    const out = await receiveCommit(c("b"), "a", r.commit, ["c"]);
    expect(kinds(out)).toEqual(["left-group:resync", "send:resync"]);
  });

  it("a commit in our name that we have not sent (nothing pending) is processed like anyone else's", async () => {
    const { c } = await room("a", "b", "c");
    const a = c("a");
    expect(a.committer.hasPendingCommit).toBe(false);
    const r = await a.engine.commit(a.committer.group!, [], [2]);
    const out = await receiveCommit(a, "a", r.commit, ["c"]);
    // Not adopted: symbolic MLS refuses a commit from our own leaf.
    expect(kinds(out)).toEqual(["error:commit-failed", "left-group:resync", "send:resync"]);
  });

  it("our pending commit echoed under another sender's name is not adopted as ours", async () => {
    const { w, c } = await room("a", "b");
    w.connect("x");
    await w.stepClient("x");
    w.stepServer("x");
    const a = c("a");
    while (!a.committer.hasPendingCommit) await w.stepClient("a");
    const pending = a.committer.inspect().pending!;
    const out = await receiveCommit(a, "b", pending.commit, []);
    // Processed as b's commit: symbolic MLS refuses a commit from our own leaf.
    expect(kinds(out)).toEqual(["error:commit-failed", "left-group:resync", "send:resync"]);
  });

  it("a commit adding us before the room has our announcement is not for us", async () => {
    const { w, c } = await room("a");
    w.connect("b");
    await w.stepClient("b"); // snapshot: b announces, not yet sequenced
    const b = c("b").committer;
    expect(b.view!.present.has("b")).toBe(false);
    const a = c("a");
    const r = await a.engine.commit(a.committer.group!, [symKp("kp|b|0")], []);
    const out = await b.receive(
      next(c("b"), {
        type: "committed",
        sender: "a",
        bundle: {
          commit: r.commit,
          welcome: r.welcome,
          adds: [{ member: "b", announceSeq: 0n }],
          removes: [],
        },
      }),
    );
    expect(out).toEqual([]);
    expect(b.group).toBeNull();
    expect(b.inspect().keyPackage).not.toBeNull();
  });

  it("a Welcome into another group or epoch than the room's is refused; one of several adds is enough", async () => {
    for (const variant of ["other group", "other epoch", "two adds"] as const) {
      const { w, c } = await room("a");
      w.connect("b");
      await w.stepClient("b");
      w.stepServer("b");
      await w.stepClient("b");
      const a = c("a");
      const b = c("b").committer;
      const mine = b.view!.present.get("b")!;
      const g = a.committer.group!;
      const r = await a.engine.commit(g, [mine.keyPackage], []);
      let welcome = r.welcome!;
      const adds = [{ member: "b", announceSeq: mine.announceSeq }];
      if (variant === "other group")
        welcome = (await a.engine.commit({ ...g, groupId: enc.encode("elsewhere") }, [mine.keyPackage], []))
          .welcome!;
      if (variant === "other epoch")
        welcome = (await a.engine.commit({ ...g, epoch: g.epoch + 5n }, [mine.keyPackage], [])).welcome!;
      let commit = r.commit;
      if (variant === "two adds") {
        const both = await a.engine.commit(g, [mine.keyPackage, symKp("kp|y|0")], []);
        commit = both.commit;
        welcome = both.welcome!;
        adds.push({ member: "y", announceSeq: 0n });
      }
      const out = await b.receive(
        next(c("b"), { type: "committed", sender: "a", bundle: { commit, welcome, adds, removes: [] } }),
      );
      if (variant === "two adds") {
        expect(kinds(out)).toEqual(["new-epoch"]);
        expect(b.group).toMatchObject({ epoch: 1n });
      } else {
        expect(kinds(out), variant).toEqual(["error:roster-mismatch", "send:resync"]);
        expect(b.group, variant).toBeNull();
      }
    }
  });

  it("a commit with removes only carries no Welcome", async () => {
    const { w } = await room("a", "b", "c");
    const sent: CommitterAction[] = [];
    w.onAction = (id, x) => {
      if (id === "a" && x.type === "send") sent.push(x);
    };
    w.crash("c");
    await w.drain();
    const bundles = sent.flatMap((x) =>
      x.type === "send" && x.message.type === "commit-bundle" ? [x.message.bundle] : [],
    );
    expect(bundles).toHaveLength(1);
    expect(bundles[0]).toMatchObject({ welcome: null, adds: [], removes: ["c"] });
  });
});
