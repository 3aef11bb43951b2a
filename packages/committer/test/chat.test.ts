/**
 * Chat as MLS application messages through the committer (issue 14): `sendChat` -> room frame ->
 * sequenced `application` event -> `chat` action with the authenticated sender, on real ts-mls. Messages
 * from an epoch before a member joined stay unreadable to it; a forged sender claim is caught; the room
 * sequences only live members' messages of its current group; signalling frames are relayed point to point.
 */
import type { ClientState, PrivateKeyPackage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeServerMessage, encodeClientMessage, encodeServerMessage } from "../src/codec.ts";
import type { CommitterAction } from "../src/committer.ts";
import { CommitterError } from "../src/errors.ts";
import { sequencerReceive } from "../src/sequencer.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { World } from "./support/world.ts";

let engine: TsMlsEngine;
beforeAll(async () => {
  engine = await TsMlsEngine.create();
});

type Chat = Extract<CommitterAction, { type: "chat" | "chat-unreadable" }>;
const text = (s: string) => new TextEncoder().encode(s);

async function room(...ids: string[]) {
  const w = new World<ClientState, PrivateKeyPackage>("chat", () => engine);
  const chats = new Map<string, Chat[]>();
  w.onAction = (id, a) => {
    if (a.type === "chat" || a.type === "chat-unreadable") chats.set(id, [...(chats.get(id) ?? []), a]);
  };
  for (const id of ids) {
    w.connect(id);
    await w.drain();
  }
  await w.checkQuiescent();
  return { w, chats };
}

/** `id` sends a chat message; its frame goes into its outbox (returned too). */
async function say(w: World<ClientState, PrivateKeyPackage>, id: string, s: string): Promise<Uint8Array> {
  const [send] = await w.clients.get(id)!.committer.sendChat(text(s));
  if (send?.type !== "send") throw new Error("no frame");
  w.clients.get(id)!.outbox.push(send.bytes);
  return send.bytes;
}

describe("chat (MLS application messages)", () => {
  it("reaches every member in the room's order, with the MLS-authenticated sender", async () => {
    const { w, chats } = await room("a", "b", "c");
    await say(w, "b", "hello");
    await say(w, "c", "hi b");
    await w.drain();
    for (const id of ["a", "b", "c"]) {
      const got = chats.get(id)!;
      expect(got.map((c) => c.type)).toEqual(["chat", "chat"]);
      const [m1, m2] = got as Extract<Chat, { type: "chat" }>[];
      expect(new TextDecoder().decode(m1!.plaintext)).toBe("hello");
      expect(m1).toMatchObject({ sender: "b", own: id === "b", epoch: 2n });
      expect(new TextDecoder().decode(m2!.plaintext)).toBe("hi b");
      expect(m2).toMatchObject({ sender: "c", own: id === "c" });
      expect(m2!.seq).toBe(m1!.seq + 1n);
    }
    const leafOf = new Map(
      [...w.clients.get("a")!.engine.roster(w.clients.get("a")!.committer.group!)].map(([l, m]) => [m, l]),
    );
    expect((chats.get("a")![0] as Extract<Chat, { type: "chat" }>).senderLeaf).toBe(leafOf.get("b"));
    // The relayed bytes carry no plaintext.
    const frame = await say(w, "a", "secret plans");
    expect(Buffer.from(frame).includes(Buffer.from("secret plans"))).toBe(false);
    await w.drain();
  });

  it("messages from before a member joined are unreadable to it; older members still read them", async () => {
    const { w, chats } = await room("a", "b", "c");
    // b writes in epoch 2, but its frame reaches the room only after d joined (epoch 3).
    const late = await say(w, "b", "before d");
    w.clients.get("b")!.outbox.length = 0;
    w.connect("d");
    await w.drain();
    await w.checkQuiescent();
    expect(w.server.view.group!.epoch).toBe(3n);
    w.clients.get("b")!.outbox.push(late);
    await w.drain();
    expect(chats.get("d")).toEqual([
      { type: "chat-unreadable", seq: expect.any(BigInt), sender: "b", reason: "undecryptable" },
    ]);
    for (const id of ["a", "c"]) {
      const [m] = chats.get(id)! as Extract<Chat, { type: "chat" }>[];
      expect(m).toMatchObject({ type: "chat", sender: "b", epoch: 2n });
      expect(new TextDecoder().decode(m!.plaintext)).toBe("before d");
    }
    expect(chats.get("b")).toMatchObject([{ type: "chat", own: true }]);
    // A member still in the lobby (announced, not yet added) is told it cannot read.
    w.connect("e");
    await w.stepClient("e");
    w.stepServer("e");
    await say(w, "a", "e is not in yet");
    w.stepServer("a");
    while (w.clients.get("e")!.inbox.length) await w.stepClient("e");
    expect(chats.get("e")).toMatchObject([{ type: "chat-unreadable", sender: "a", reason: "not-in-group" }]);
    await w.drain();
    await w.checkQuiescent();
  });

  it("a room that names the wrong sender is caught; sendChat needs the group", async () => {
    const { w, chats } = await room("a", "b", "c");
    const frame = await say(w, "b", "mine");
    w.clients.get("b")!.outbox.length = 0;
    const a = w.clients.get("a")!;
    const message = frame.subarray(6); // version, tag, u32 length
    const out = await a.committer.receive(
      encodeServerMessage({
        type: "event",
        seq: a.committer.view!.nextSeq,
        event: { type: "application", sender: "c", message },
      }),
    );
    expect(out).toMatchObject([{ type: "chat-unreadable", sender: "c", reason: "forged-sender" }]);
    expect(chats.get("a") ?? []).toEqual([]);
    const lobby = new World<ClientState, PrivateKeyPackage>("x", () => engine);
    lobby.connect("z");
    await expect(lobby.clients.get("z")!.committer.sendChat(text("hi"))).rejects.toThrow(CommitterError);
    await expect(a.committer.sendChat(new Uint8Array(4097))).rejects.toThrow(RangeError);
  });

  it("the room sequences only live members' messages of its group, and relays signalling to one member", async () => {
    const { w } = await room("a", "b");
    const frame = await say(w, "a", "x");
    w.clients.get("a")!.outbox.length = 0;
    w.connect("lobby"); // connected, never announced: not live
    const lobbyConn = w.clients.get("lobby")!.conn;
    const before = w.server.view.nextSeq;
    expect(sequencerReceive(w.server, lobbyConn, frame).out).toEqual([]);
    const r = sequencerReceive(w.server, w.clients.get("a")!.conn, frame);
    expect(r.state.view.nextSeq).toBe(before + 1n);
    // Signalling: to b's live connection only, with the sender filled in; not sequenced.
    const sig = encodeClientMessage({ type: "signal", to: "b", payload: text("offer") });
    const s = sequencerReceive(w.server, w.clients.get("a")!.conn, sig);
    expect(s.state.view).toBe(w.server.view);
    expect(s.out.map((o) => [o.to, decodeServerMessage(o.bytes)])).toEqual([
      [w.clients.get("b")!.conn, { type: "signal", from: "a", payload: text("offer") }],
    ]);
    const nobody = encodeClientMessage({ type: "signal", to: "gone", payload: text("offer") });
    expect(sequencerReceive(w.server, w.clients.get("a")!.conn, nobody).out).toEqual([]);
    // b's committer surfaces it as an action.
    const got = await w.clients.get("b")!.committer.receive(s.out[0]!.bytes);
    expect(got).toEqual([{ type: "signal", from: "a", payload: text("offer") }]);
  });
});
