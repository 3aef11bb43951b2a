/**
 * Sequencer edge cases found by mutation testing (`pnpm mutate`): each commit-bundle rejection
 * reason reached on purpose (empty bundle, Welcome without adds, removing a non-member, re-adding a
 * present member, a room without a group), the application and signal relay rules, the connection
 * cap, the group creator choice, and every refusal of the state decoder and encoder.
 */
import { describe, expect, it } from "vitest";
import { decodeServerMessage, encodeClientMessage, MAX_MEMBERS } from "../src/codec.ts";
import { CommitterError, DecodeError } from "../src/errors.ts";
import { type ClientMessage, RejectReason } from "../src/protocol.ts";
import {
  connectionMember,
  createSequencer,
  decodeSequencerState,
  encodeSequencerState,
  type SequencerResult,
  type SequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "../src/sequencer.ts";

const kp = (s: string) => Uint8Array.from([0, 1, 0, 5, ...new TextEncoder().encode(s)]);
const welcome = Uint8Array.from([0, 1, 0, 3, 1]);
function u64(v: bigint): number[] {
  const e = new Uint8Array(8);
  new DataView(e.buffer).setBigUint64(0, v);
  return [...e];
}
function commitFor(groupId: Uint8Array, epoch: bigint, tag = 0): Uint8Array {
  return Uint8Array.from([0, 1, 0, 2, groupId.length, ...groupId, ...u64(epoch), 3, tag]);
}
/** A PrivateMessage application frame header (what readApplicationFraming reads) plus a body. */
function appFor(groupId: Uint8Array, epoch: bigint, body = 7): Uint8Array {
  return Uint8Array.from([0, 1, 0, 2, groupId.length, ...groupId, ...u64(epoch), 1, body]);
}
const msg = (m: ClientMessage) => encodeClientMessage(m);
const conn = (s: SequencerState, m: string) => s.connections.get(m) ?? -1n;
const decoded = (r: SequencerResult) => r.out.map((o) => decodeServerMessage(o.bytes));

function room(...members: string[]): SequencerState {
  let s = createSequencer("room");
  for (const m of members) {
    s = sequencerConnect(s, m).state;
    s = sequencerReceive(s, conn(s, m), msg({ type: "key-package", keyPackage: kp(m) })).state;
  }
  return s;
}

/** Room where "a" committed the add of "b": both live, group at epoch 1. */
function twoLive(): SequencerState {
  const s = room("a", "b");
  const g = s.view.group!;
  const add = { member: "b", announceSeq: s.view.present.get("b")!.announceSeq };
  return sequencerReceive(
    s,
    conn(s, "a"),
    msg({
      type: "commit-bundle",
      bundle: { commit: commitFor(g.groupId, 0n), welcome, adds: [add], removes: [] },
    }),
  ).state;
}

function rejection(
  s: SequencerState,
  from: string,
  bundle: Extract<ClientMessage, { type: "commit-bundle" }>["bundle"],
) {
  const r = sequencerReceive(s, conn(s, from), msg({ type: "commit-bundle", bundle }));
  const m = decoded(r)[0]!;
  return m.type === "commit-rejected" ? m.reason : m.type;
}

describe("sequencer: commit-bundle rules", () => {
  it("an empty bundle, or a Welcome without adds, is malformed", () => {
    const s = twoLive();
    const g = s.view.group!;
    const c = commitFor(g.groupId, 1n);
    expect(rejection(s, "a", { commit: c, welcome: null, adds: [], removes: [] })).toBe(
      RejectReason.Malformed,
    );
    expect(rejection(s, "a", { commit: c, welcome, adds: [], removes: ["b"] })).toBe(RejectReason.Malformed);
    // The same remove without the Welcome is accepted.
    expect(rejection(s, "a", { commit: c, welcome: null, adds: [], removes: ["b"] })).toBe("event");
  });

  it("removing someone outside the roster is stale; removing another member is fine", () => {
    let s = twoLive();
    s = sequencerConnect(s, "c").state;
    s = sequencerReceive(s, conn(s, "c"), msg({ type: "key-package", keyPackage: kp("c") })).state;
    const c = commitFor(s.view.group!.groupId, 1n);
    expect(rejection(s, "a", { commit: c, welcome: null, adds: [], removes: ["c"] })).toBe(
      RejectReason.Stale,
    );
    expect(rejection(s, "a", { commit: c, welcome: null, adds: [], removes: ["zz"] })).toBe(
      RejectReason.Stale,
    );
    expect(rejection(s, "b", { commit: c, welcome: null, adds: [], removes: ["a"] })).toBe("event");
  });

  it("adding a roster member is stale unless the same bundle removes it (a re-add)", () => {
    let s = twoLive();
    // "b" re-announces (resync): present with a new announcement, still in the roster.
    s = sequencerReceive(s, conn(s, "b"), msg({ type: "resync", keyPackage: kp("b2") })).state;
    const seq = s.view.present.get("b")!.announceSeq;
    const c = commitFor(s.view.group!.groupId, 1n);
    const add = { member: "b", announceSeq: seq };
    expect(rejection(s, "a", { commit: c, welcome, adds: [add], removes: [] })).toBe(RejectReason.Stale);
    expect(rejection(s, "a", { commit: c, welcome, adds: [add], removes: ["b"] })).toBe("event");
    // An add whose announcement is not the member's current one is stale even with the remove.
    expect(
      rejection(s, "a", {
        commit: c,
        welcome,
        adds: [{ member: "b", announceSeq: seq - 1n }],
        removes: ["b"],
      }),
    ).toBe(RejectReason.Stale);
    // Adding someone who is not present at all is stale.
    expect(
      rejection(s, "a", { commit: c, welcome, adds: [{ member: "nobody", announceSeq: seq }], removes: [] }),
    ).toBe(RejectReason.Stale);
  });

  it("a connected member who never announced is not a member; the group advances one epoch per commit", () => {
    let s = twoLive();
    s = sequencerConnect(s, "lobby").state;
    const c = commitFor(s.view.group!.groupId, 1n);
    expect(rejection(s, "lobby", { commit: c, welcome: null, adds: [], removes: ["b"] })).toBe(
      RejectReason.NotMember,
    );
    const r = sequencerReceive(
      s,
      conn(s, "a"),
      msg({ type: "commit-bundle", bundle: { commit: c, welcome: null, adds: [], removes: ["b"] } }),
    );
    expect(r.state.view.group!.epoch).toBe(2n);
    expect(r.state.view.group!.roster.has("b")).toBe(false);
    // Every connection gets the same committed event (no Welcome involved): one broadcast.
    expect(r.out).toHaveLength(1);
    expect(r.out[0]!.to).toBeNull();
  });

  it("the rejection goes to the sender only and leaves the state untouched", () => {
    const s = twoLive();
    const c = commitFor(s.view.group!.groupId, 5n);
    const r = sequencerReceive(
      s,
      conn(s, "b"),
      msg({ type: "commit-bundle", bundle: { commit: c, welcome: null, adds: [], removes: ["a"] } }),
    );
    expect(r.state).toBe(s);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]!.to).toBe(conn(s, "b"));
    expect(decoded(r)[0]).toMatchObject({
      type: "commit-rejected",
      epoch: 5n,
      reason: RejectReason.WrongEpoch,
    });
  });
});

describe("sequencer: application messages and signals", () => {
  it("sequences a live member's message for the group at or below its epoch, drops anything else", () => {
    let s = twoLive();
    const g = s.view.group!;
    const sent = (from: string, m: Uint8Array) =>
      sequencerReceive(s, conn(s, from), msg({ type: "application", message: m }));
    const ok = sent("a", appFor(g.groupId, 1n));
    expect(decoded(ok)).toMatchObject([{ type: "event", event: { type: "application", sender: "a" } }]);
    expect(ok.state.view.nextSeq).toBe(s.view.nextSeq + 1n);
    expect(decoded(sent("b", appFor(g.groupId, 0n)))).toHaveLength(1); // an older epoch of the group
    expect(sent("a", appFor(g.groupId, 2n)).out).toEqual([]); // an epoch not reached
    expect(sent("a", appFor(Uint8Array.of(9, 9), 1n)).out).toEqual([]); // another group
    s = sequencerConnect(s, "lobby").state;
    expect(sent("lobby", appFor(g.groupId, 1n)).out).toEqual([]); // not a member
    const none = room();
    const n2 = sequencerConnect(none, "x").state;
    expect(
      sequencerReceive(n2, conn(n2, "x"), msg({ type: "application", message: appFor(g.groupId, 0n) })).out,
    ).toEqual([]);
  });

  it("relays a signal to the addressee's live connection only, never to the sender or a stranger", () => {
    const s = twoLive();
    const payload = Uint8Array.of(1, 2, 3);
    const toB = sequencerReceive(s, conn(s, "a"), msg({ type: "signal", to: "b", payload }));
    expect(toB.out).toHaveLength(1);
    expect(toB.out[0]!.to).toBe(conn(s, "b"));
    expect(decoded(toB)[0]).toEqual({ type: "signal", from: "a", payload });
    expect(toB.state).toBe(s);
    expect(sequencerReceive(s, conn(s, "a"), msg({ type: "signal", to: "a", payload })).out).toEqual([]);
    expect(sequencerReceive(s, conn(s, "a"), msg({ type: "signal", to: "zz", payload })).out).toEqual([]);
  });

  it("relays signals only between present members: a lobby connection neither sends nor receives them", () => {
    const s = sequencerConnect(twoLive(), "lobby").state;
    const payload = Uint8Array.of(7);
    expect(sequencerReceive(s, conn(s, "lobby"), msg({ type: "signal", to: "a", payload })).out).toEqual([]);
    expect(sequencerReceive(s, conn(s, "a"), msg({ type: "signal", to: "lobby", payload })).out).toEqual([]);
    // Once it announces, it is present and signals flow both ways.
    const t = sequencerReceive(s, conn(s, "lobby"), msg({ type: "key-package", keyPackage: kp("l") })).state;
    expect(sequencerReceive(t, conn(t, "lobby"), msg({ type: "signal", to: "a", payload })).out).toHaveLength(
      1,
    );
    expect(sequencerReceive(t, conn(t, "a"), msg({ type: "signal", to: "lobby", payload })).out).toHaveLength(
      1,
    );
  });
});

describe("sequencer: connections and group start", () => {
  it("the first announcement creates the group, even when a later one sorts first", () => {
    let s = createSequencer("room");
    for (const m of ["c", "b", "a"]) s = sequencerConnect(s, m).state;
    for (const m of ["c", "b", "a"]) {
      s = sequencerReceive(s, conn(s, m), msg({ type: "key-package", keyPackage: kp(m) })).state;
    }
    // "c" announced first and created the group; when it leaves, "b" (next announced) restarts it.
    expect([...s.view.group!.roster.keys()]).toEqual(["c"]);
    const r = sequencerDisconnect(s, conn(s, "c"));
    expect(decoded(r).find((m) => m.type === "event" && m.event.type === "group-started")).toMatchObject({
      event: { creator: "b" },
    });
  });

  it("a live group is not restarted when a member leaves", () => {
    let s = twoLive();
    s = sequencerConnect(s, "c").state;
    s = sequencerReceive(s, conn(s, "c"), msg({ type: "key-package", keyPackage: kp("c") })).state;
    const r = sequencerDisconnect(s, conn(s, "c"));
    expect(decoded(r).map((m) => (m.type === "event" ? m.event.type : m.type))).toEqual(["left"]);
    expect(r.state.view.group!.groupId).toEqual(s.view.group!.groupId);
  });

  it("a rejoin replaces the old connection: its frames are refused and its close ignored", () => {
    let s = room("a");
    const old = conn(s, "a");
    const r = sequencerConnect(s, "a");
    expect(r.replaced).toBe(old);
    expect(r.connection).toBe(old + 1n);
    s = r.state;
    expect(connectionMember(s, old)).toBeUndefined();
    expect(connectionMember(s, r.connection)).toBe("a");
    expect(() => sequencerReceive(s, old, msg({ type: "key-package", keyPackage: kp("a") }))).toThrow(
      CommitterError,
    );
    expect(sequencerDisconnect(s, old)).toEqual({ state: s, out: [] });
    expect(s.view.present.has("a")).toBe(true);
  });

  it(`at most ${MAX_MEMBERS} connections; a rejoin at the cap is allowed`, () => {
    let s = createSequencer("room");
    for (let i = 0; i < MAX_MEMBERS; i++) s = sequencerConnect(s, `m${String(i).padStart(4, "0")}`).state;
    expect(s.connections.size).toBe(MAX_MEMBERS);
    expect(() => sequencerConnect(s, "extra")).toThrow(CommitterError);
    expect(sequencerConnect(s, "m0000").state.connections.size).toBe(MAX_MEMBERS);
  });
});

describe("sequencer state codec", () => {
  const enc = (s: SequencerState) => encodeSequencerState(s);
  /** Offset of the connection count: the encoding of the same state without connections, minus 2. */
  function withConnections(s: SequencerState, list: [string, bigint][], next = s.nextConnection): Uint8Array {
    const base = enc({ ...s, connections: new Map(), nextConnection: next });
    const body: number[] = [];
    for (const [m, c] of list) body.push(m.length, ...new TextEncoder().encode(m), ...u64(c));
    const out = Uint8Array.from([
      ...base.subarray(0, base.length - 2),
      list.length >> 8,
      list.length & 0xff,
      ...body,
    ]);
    return out;
  }

  it("round-trips, and the hand-built encoding matches the encoder's", () => {
    const s = room("a", "b");
    const bytes = enc(s);
    expect(withConnections(s, [...s.connections])).toEqual(bytes);
    expect(decodeSequencerState(bytes).connections).toEqual(s.connections);
  });

  it("refuses another version, unsorted or repeated members, reused or unissued connections, trailing bytes", () => {
    const s = room("a", "b");
    const bytes = enc(s);
    expect(() => decodeSequencerState(Uint8Array.from([3, ...bytes.subarray(1)]))).toThrow(DecodeError);
    expect(() => decodeSequencerState(Uint8Array.from([1, ...bytes.subarray(1)]))).toThrow(DecodeError);
    expect(() =>
      decodeSequencerState(
        withConnections(s, [
          ["b", 1n],
          ["a", 2n],
        ]),
      ),
    ).toThrow(DecodeError);
    expect(() =>
      decodeSequencerState(
        withConnections(s, [
          ["a", 1n],
          ["a", 2n],
        ]),
      ),
    ).toThrow(DecodeError);
    expect(() =>
      decodeSequencerState(
        withConnections(s, [
          ["a", 1n],
          ["b", 1n],
        ]),
      ),
    ).toThrow(DecodeError);
    expect(() =>
      decodeSequencerState(
        withConnections(s, [
          ["a", 1n],
          ["b", s.nextConnection],
        ]),
      ),
    ).toThrow(DecodeError);
    expect(
      decodeSequencerState(
        withConnections(s, [
          ["a", 1n],
          ["b", s.nextConnection - 1n],
        ]),
      ).connections.size,
    ).toBe(2);
    expect(() => decodeSequencerState(Uint8Array.from([...bytes, 0]))).toThrow(DecodeError);
    expect(() => decodeSequencerState(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
  });

  it(`refuses more than ${MAX_MEMBERS} connections on both sides`, () => {
    const s = createSequencer("room");
    const many: [string, bigint][] = Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => [
      `m${String(i).padStart(4, "0")}`,
      BigInt(i + 1),
    ]);
    const next = BigInt(MAX_MEMBERS + 2);
    expect(() => decodeSequencerState(withConnections(s, many, next))).toThrow(DecodeError);
    expect(decodeSequencerState(withConnections(s, many.slice(0, MAX_MEMBERS), next)).connections.size).toBe(
      MAX_MEMBERS,
    );
    expect(() => enc({ ...s, connections: new Map(many), nextConnection: next })).toThrow(RangeError);
  });

  it("the encoder refuses a connection id not below nextConnection", () => {
    const s = room("a");
    expect(() => enc({ ...s, nextConnection: conn(s, "a") })).toThrow(RangeError);
    expect(enc({ ...s, nextConnection: conn(s, "a") + 1n }).length).toBeGreaterThan(0);
  });
});

describe("sequencer: member order of outputs and state", () => {
  it("a Welcome commit goes to each connection in member order, whatever the order they connected in", () => {
    // "c" and "b" connect before "a": connection order is not member order.
    const s = room("c", "b", "a");
    const g = s.view.group!;
    const creator = [...g.roster.keys()][0]!;
    const joiners = ["a", "b", "c"].filter((m) => m !== creator);
    const adds = joiners.map((m) => ({ member: m, announceSeq: s.view.present.get(m)!.announceSeq }));
    const r = sequencerReceive(
      s,
      conn(s, creator),
      msg({
        type: "commit-bundle",
        bundle: { commit: commitFor(g.groupId, 0n), welcome, adds, removes: [] },
      }),
    );
    expect(r.out.map((o) => o.to)).toEqual(["a", "b", "c"].map((m) => conn(s, m)));
    for (const [i, m] of ["a", "b", "c"].entries()) {
      const e = decodeServerMessage(r.out[i]!.bytes);
      const w = e.type === "event" && e.event.type === "committed" ? e.event.bundle.welcome : undefined;
      expect(w).toEqual(joiners.includes(m) ? welcome : null);
    }
  });

  it("the state encoding lists connections in member order, so it decodes whatever the connect order", () => {
    let s = createSequencer("room");
    for (const m of ["d", "b", "c", "a"]) s = sequencerConnect(s, m).state;
    const back = decodeSequencerState(encodeSequencerState(s));
    expect([...back.connections]).toEqual([
      ["a", 4n],
      ["b", 2n],
      ["c", 3n],
      ["d", 1n],
    ]);
    expect(encodeSequencerState(back)).toEqual(encodeSequencerState(s));
  });
});

describe("sequencer: group restarts, argument checks, error codes", () => {
  it("the restart creator is the earliest announcement, not the first member in the state's order", () => {
    let s = createSequencer("room");
    for (const m of ["c", "b", "a"]) s = sequencerConnect(s, m).state;
    for (const m of ["c", "b", "a"]) {
      s = sequencerReceive(s, conn(s, m), msg({ type: "key-package", keyPackage: kp(m) })).state;
    }
    // A restored state lists members by id (a, b, c); "b" still announced before "a".
    s = decodeSequencerState(encodeSequencerState(s));
    expect([...s.view.present.keys()]).toEqual(["a", "b", "c"]);
    const r = sequencerDisconnect(s, conn(s, "c"));
    expect(decoded(r).find((m) => m.type === "event" && m.event.type === "group-started")).toMatchObject({
      event: { creator: "b" },
    });
  });

  it("a resync of the only live member restarts the group, with the earliest remaining announcement", () => {
    let s = room("c", "a");
    expect([...s.view.group!.roster.keys()]).toEqual(["c"]);
    const r = sequencerReceive(s, conn(s, "c"), msg({ type: "resync", keyPackage: kp("c2") }));
    const types = decoded(r).map((m) => (m.type === "event" ? m.event.type : m.type));
    expect(types).toEqual(["announced", "group-started", "snapshot"]);
    expect(decoded(r)[1]).toMatchObject({ event: { type: "group-started", creator: "a" } });
    s = r.state;
    expect([...s.view.group!.roster.keys()]).toEqual(["a"]);
  });

  it("room and member ids are checked; refusals carry their codes", () => {
    expect(() => createSequencer("")).toThrow(TypeError);
    expect(() => createSequencer("room/1")).toThrow(TypeError);
    const s = createSequencer("room");
    expect(() => sequencerConnect(s, "")).toThrow(TypeError);
    expect(() => sequencerConnect(s, "a b")).toThrow(TypeError);
    expect(() => sequencerReceive(s, 7n, msg({ type: "key-package", keyPackage: kp("a") }))).toThrow(
      expect.objectContaining({ code: "not-connected" }),
    );
    let full = s;
    for (let i = 0; i < MAX_MEMBERS; i++) full = sequencerConnect(full, `m${i}`).state;
    expect(() => sequencerConnect(full, "extra")).toThrow(expect.objectContaining({ code: "room-full" }));
    // Exactly MAX_MEMBERS connections persist and restore.
    expect(decodeSequencerState(encodeSequencerState(full)).connections.size).toBe(MAX_MEMBERS);
  });

  it("the close of an unknown connection returns the very same state", () => {
    const s = room("a");
    const r = sequencerDisconnect(s, 999n);
    expect(r.state).toBe(s);
    expect(r.out).toEqual([]);
  });

  it("every output's message is what its bytes encode, the slim Welcome-less copies too", () => {
    const s = room("a", "b", "c");
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
    expect(r.out.length).toBe(3);
    for (const o of r.out) expect(o.message).toEqual(decodeServerMessage(o.bytes));
  });
});
