/**
 * The sequencer alone (docs/architecture.md "Sealed calls"): numbering, presence, group start, first commit
 * per epoch wins, stale bundles rejected, duplicate leaves ignored, state persistence.
 */
import { describe, expect, it } from "vitest";
import { commitDigest, decodeServerMessage, encodeClientMessage } from "../src/codec.ts";
import { CommitterError, DecodeError } from "../src/errors.ts";
import { type ClientMessage, RejectReason } from "../src/protocol.ts";
import {
  createSequencer,
  decodeSequencerState,
  deriveGroupId,
  encodeSequencerState,
  type SequencerResult,
  type SequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "../src/sequencer.ts";

const kp = (s: string) => Uint8Array.from([0, 1, 0, 5, ...new TextEncoder().encode(s)]);
const welcome = Uint8Array.from([0, 1, 0, 3, 1]);
function commitFor(groupId: Uint8Array, epoch: bigint, tag = 0): Uint8Array {
  const e = new Uint8Array(8);
  new DataView(e.buffer).setBigUint64(0, epoch);
  return Uint8Array.from([0, 1, 0, 2, groupId.length, ...groupId, ...e, 3, tag]);
}
const msg = (m: ClientMessage) => encodeClientMessage(m);

/** The live connection of member `m` (-1n, never issued, once it is gone). */
function conn(s: SequencerState, m: string): bigint {
  return s.connections.get(m) ?? -1n;
}

function events(r: SequencerResult) {
  return r.out.map((o) => decodeServerMessage(o.bytes));
}

function room(...members: string[]): SequencerState {
  let s = createSequencer("room");
  for (const m of members) {
    s = sequencerConnect(s, m).state;
    s = sequencerReceive(s, conn(s, m), msg({ type: "key-package", keyPackage: kp(m) })).state;
  }
  return s;
}

describe("sequencer", () => {
  it("numbers events and sends a snapshot on connect", () => {
    let s = createSequencer("room");
    const r = sequencerConnect(s, "a");
    expect(r.out).toHaveLength(1);
    expect(r.out[0]!.to).toBe(r.connection);
    expect(r.connection).toBe(1n);
    expect(r.replaced).toBeNull();
    expect(events(r)[0]).toMatchObject({ type: "snapshot", you: "a", view: { nextSeq: 0n, group: null } });
    s = r.state;
    const r2 = sequencerReceive(s, conn(s, "a"), msg({ type: "key-package", keyPackage: kp("a") }));
    expect(events(r2).map((m) => (m.type === "event" ? [m.seq, m.event.type] : m.type))).toEqual([
      [0n, "announced"],
      [1n, "group-started"],
    ]);
    expect(r2.state.view.group).toMatchObject({ epoch: 0n, groupId: deriveGroupId("room", 0n) });
  });

  it("two users entering an empty room at once: the first announcement creates, once", () => {
    let s = createSequencer("room");
    s = sequencerConnect(s, "b").state;
    s = sequencerConnect(s, "a").state;
    const rb = sequencerReceive(s, conn(s, "b"), msg({ type: "key-package", keyPackage: kp("b") }));
    const ra = sequencerReceive(
      rb.state,
      conn(rb.state, "a"),
      msg({ type: "key-package", keyPackage: kp("a") }),
    );
    expect(events(rb).filter((m) => m.type === "event" && m.event.type === "group-started")).toHaveLength(1);
    expect(events(ra).filter((m) => m.type === "event" && m.event.type === "group-started")).toHaveLength(0);
    expect([...ra.state.view.group!.roster.keys()]).toEqual(["b"]);
  });

  it("accepts only the first commit bundle for an epoch", () => {
    let s = room("a", "b");
    const g = s.view.group!;
    // "a" is the only live member; it commits the add of "b".
    const add = { member: "b", announceSeq: s.view.present.get("b")!.announceSeq };
    const first = sequencerReceive(
      s,
      conn(s, "a"),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(g.groupId, 0n, 1), welcome, adds: [add], removes: [] },
      }),
    );
    expect(events(first)[0]).toMatchObject({ type: "event", event: { type: "committed", sender: "a" } });
    s = first.state;
    expect(s.view.group!.epoch).toBe(1n);
    // A second commit from the same epoch (a duplicate or a racing committer) is rejected.
    const again = sequencerReceive(
      s,
      conn(s, "a"),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(g.groupId, 0n, 2), welcome, adds: [add], removes: [] },
      }),
    );
    // The rejection names the bundle: its own epoch (0) and the digest of its commit.
    expect(events(again)).toEqual([
      {
        type: "commit-rejected",
        epoch: 0n,
        digest: commitDigest(commitFor(g.groupId, 0n, 2)),
        reason: RejectReason.WrongEpoch,
      },
    ]);
    expect(again.state).toBe(s);
    // Another group's commit at the right epoch number is rejected too.
    const other = sequencerReceive(
      s,
      conn(s, "b"),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(Uint8Array.of(9), 1n), welcome: null, adds: [], removes: ["a"] },
      }),
    );
    expect(events(other)[0]).toMatchObject({ reason: RejectReason.WrongEpoch });
  });

  it("sends the Welcome only to the members being added", () => {
    let s = room("a", "b");
    s = sequencerConnect(s, "lobby").state;
    const g = s.view.group!;
    const add = { member: "b", announceSeq: s.view.present.get("b")!.announceSeq };
    const r = sequencerReceive(
      s,
      conn(s, "a"),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(g.groupId, 0n), welcome, adds: [add], removes: [] },
      }),
    );
    const byTo = new Map(r.out.map((o) => [o.to, decodeServerMessage(o.bytes)]));
    expect([...byTo.keys()]).toEqual([conn(s, "a"), conn(s, "b"), conn(s, "lobby")]);
    const welcomeOf = (m: ReturnType<typeof decodeServerMessage> | undefined) =>
      m?.type === "event" && m.event.type === "committed" ? m.event.bundle.welcome : undefined;
    expect(welcomeOf(byTo.get(conn(s, "b")))).toEqual(welcome);
    expect(welcomeOf(byTo.get(conn(s, "a")))).toBeNull();
    expect(welcomeOf(byTo.get(conn(s, "lobby")))).toBeNull();
  });

  it("rejects bundles from non-members, stale adds, and Welcome/Add mismatches", () => {
    let s = room("a", "b");
    const g = s.view.group!;
    const add = { member: "b", announceSeq: s.view.present.get("b")!.announceSeq };
    const c = commitFor(g.groupId, 0n);
    const reason = (from: string, bundle: Parameters<typeof msg>[0]) => {
      const m = events(sequencerReceive(s, conn(s, from), msg(bundle)))[0]!;
      return m.type === "commit-rejected" ? m.reason : null;
    };
    expect(
      reason("b", { type: "commit-bundle", bundle: { commit: c, welcome, adds: [add], removes: [] } }),
    ).toBe(RejectReason.NotMember);
    expect(
      reason("a", { type: "commit-bundle", bundle: { commit: c, welcome: null, adds: [add], removes: [] } }),
    ).toBe(RejectReason.Malformed);
    expect(
      reason("a", {
        type: "commit-bundle",
        bundle: { commit: c, welcome, adds: [{ ...add, announceSeq: 0n }], removes: [] },
      }),
    ).toBe(RejectReason.Stale);
    expect(
      reason("a", { type: "commit-bundle", bundle: { commit: c, welcome: null, adds: [], removes: ["a"] } }),
    ).toBe(RejectReason.Stale);
    // A key package from a member who already left: the add is stale once the leave is sequenced.
    const bConn = conn(s, "b");
    s = sequencerDisconnect(s, bConn).state;
    expect(
      reason("a", { type: "commit-bundle", bundle: { commit: c, welcome, adds: [add], removes: [] } }),
    ).toBe(RejectReason.Stale);
    // ... and frames from a closed connection are refused outright.
    expect(() => sequencerReceive(s, bConn, msg({ type: "key-package", keyPackage: kp("b") }))).toThrow(
      CommitterError,
    );
  });

  it("a leave announced twice, or from the lobby, broadcasts once or never", () => {
    let s = room("a", "b");
    s = sequencerConnect(s, "lobby").state;
    const l1 = sequencerDisconnect(s, conn(s, "b"));
    expect(events(l1)).toHaveLength(1);
    const l2 = sequencerDisconnect(l1.state, conn(s, "b"));
    expect(l2.out).toHaveLength(0);
    const l3 = sequencerDisconnect(l2.state, conn(l2.state, "lobby"));
    expect(l3.out).toHaveLength(0);
    expect(l3.state.view.nextSeq).toBe(l1.state.view.nextSeq);
  });

  it("restarts the group when no live member remains, and forgets it when the room empties", () => {
    let s = room("a", "b");
    const r = sequencerDisconnect(s, conn(s, "a"));
    const started = events(r).find((m) => m.type === "event" && m.event.type === "group-started");
    expect(started).toMatchObject({ event: { creator: "b", groupId: deriveGroupId("room", 1n) } });
    s = sequencerDisconnect(r.state, conn(r.state, "b")).state;
    expect(s.view.group).toBeNull();
    expect(s.view.present.size).toBe(0);
  });

  it("a resync re-announces (member no longer live) and answers with a snapshot", () => {
    let s = room("a", "b");
    const g = s.view.group!;
    const add = { member: "b", announceSeq: s.view.present.get("b")!.announceSeq };
    s = sequencerReceive(
      s,
      conn(s, "a"),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(g.groupId, 0n), welcome, adds: [add], removes: [] },
      }),
    ).state;
    const r = sequencerReceive(s, conn(s, "b"), msg({ type: "resync", keyPackage: kp("b2") }));
    const out = events(r);
    expect(out[0]).toMatchObject({ type: "event", event: { type: "announced", member: "b" } });
    expect(out.at(-1)).toMatchObject({ type: "snapshot", you: "b" });
    expect(r.out.at(-1)!.to).toBe(conn(s, "b"));
    expect(r.state.view.group!.roster.get("b")).not.toBe(r.state.view.present.get("b")!.announceSeq);
  });

  it("persists its state byte-exactly and rejects garbage frames with DecodeError", () => {
    const s = sequencerConnect(room("a", "b", "c"), "d").state;
    const bytes = encodeSequencerState(s);
    const back = decodeSequencerState(bytes);
    expect(encodeSequencerState(back)).toEqual(bytes);
    expect([...back.connections.keys()]).toEqual(["a", "b", "c", "d"]);
    expect([...back.connections.values()]).toEqual([1n, 2n, 3n, 4n]);
    expect(back.nextConnection).toBe(5n);
    expect(() => sequencerReceive(s, conn(s, "a"), Uint8Array.of(1, 2, 3))).toThrow(DecodeError);
  });
});
