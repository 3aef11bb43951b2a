/**
 * The room server's side of the designated-committer protocol, as pure functions over a serialisable
 * state (docs/architecture.md "Sealed calls"): it numbers events, tracks presence and the group's epoch,
 * reads a commit's epoch from its MLS framing, accepts only the first valid commit bundle for the current
 * epoch, starts a group when no live member holds one, and answers (re)connects with a snapshot. It holds
 * no keys and never parses past the MLS header. The room Worker calls one function per socket event and
 * persists `encodeSequencerState` before sending the outputs (stage, then publish).
 */
import { bytesEqual } from "@sealroom/hash-chain/bytes";
import { Reader, Writer } from "./bytes.ts";
import {
  commitDigest,
  decodeClientMessage,
  encodeServerMessage,
  MAX_MEMBERS,
  readRoomView,
  writeRoomView,
} from "./codec.ts";
import { CommitterError, DecodeError, DecodeErrorCode } from "./errors.ts";
import { assertMemberId, type MemberId, readMemberId, writeMemberId } from "./member-id.ts";
import { readApplicationFraming, readCommitFraming } from "./mls-framing.ts";
import { type CommitBundle, RejectReason, type RoomEvent, type ServerMessage } from "./protocol.ts";
import { applyEvent, emptyRoomView, isLive, liveMembers, type RoomView } from "./room-view.ts";

/**
 * A connection's own identity (its generation in this room): handed out by `sequencerConnect`, strictly
 * increasing, never reused. Member ids outlive connections (a member who reconnects keeps its id and its
 * announcement), so every socket event names the connection: a stale socket's close or late frames after
 * the member rejoined on a new connection can then never touch the live one.
 */
export type ConnectionId = bigint;

export interface SequencerState {
  roomId: string;
  view: RoomView;
  /** Open connections, announced or not (all of them receive broadcasts): member -> its live connection. */
  connections: ReadonlyMap<MemberId, ConnectionId>;
  /** The id the next connection gets. */
  nextConnection: ConnectionId;
}

/** One frame to send: `to` is a connection, or `null` for every connection in `state.connections` after the call. */
export interface Outgoing {
  to: ConnectionId | null;
  message: ServerMessage;
  bytes: Uint8Array;
}

export interface SequencerResult {
  state: SequencerState;
  out: Outgoing[];
}

export interface ConnectResult extends SequencerResult {
  /** The new connection's id: tag the socket with it and pass it to every later call for that socket. */
  connection: ConnectionId;
  /**
   * The member's previous connection, if it was still open (a rejoin under the same id): it is closed as
   * far as the sequencer is concerned; its later frames are refused and its close is ignored. Close it.
   */
  replaced: ConnectionId | null;
}

const STATE_VERSION = 2;

export function createSequencer(roomId: string): SequencerState {
  assertMemberId(roomId, "roomId");
  return { roomId, view: emptyRoomView, connections: new Map(), nextConnection: 1n };
}

/** Group ids are public and only need to be unique per room and generation (RFC 9420 §8.1 leaves the form open). */
export function deriveGroupId(roomId: string, generation: bigint): Uint8Array {
  return new TextEncoder().encode(`sealroom:${roomId}:${generation}`);
}

/** The member whose live connection is `connection`, if any. */
export function connectionMember(state: SequencerState, connection: ConnectionId): MemberId | undefined {
  for (const [m, c] of state.connections) if (c === connection) return m;
  return undefined;
}

class Emitter {
  state: SequencerState;
  out: Outgoing[] = [];
  constructor(state: SequencerState) {
    this.state = state;
  }
  send(to: ConnectionId | null, message: ServerMessage): void {
    this.out.push({ to, message, bytes: encodeServerMessage(message) });
  }
  event(event: RoomEvent): void {
    const seq = this.state.view.nextSeq;
    this.state = { ...this.state, view: applyEvent(this.state.view, seq, event) };
    if (event.type === "committed" && event.bundle.welcome !== null) {
      // Only the members being added need the Welcome (it grows with the group); everyone else gets the
      // same event without it. The view reducer never reads the Welcome, so all views stay equal.
      const added = new Set(event.bundle.adds.map((a) => a.member));
      const slim: RoomEvent = { ...event, bundle: { ...event.bundle, welcome: null } };
      const slimBytes = encodeServerMessage({ type: "event", seq, event: slim });
      for (const [m, c] of [...this.state.connections].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (added.has(m)) this.send(c, { type: "event", seq, event });
        else this.out.push({ to: c, message: { type: "event", seq, event: slim }, bytes: slimBytes });
      }
      return;
    }
    this.send(null, { type: "event", seq, event });
  }
  /**
   * No live member holds the group (room was empty, or everyone in it left or fell behind): the present
   * member who announced first creates a new group. Two users entering an empty room at once are ordered
   * by the sequence numbers of their announcements, so exactly one of them is chosen.
   */
  maybeStartGroup(): void {
    const v = this.state.view;
    if (v.present.size === 0) return;
    if (v.group && liveMembers(v).length > 0) return;
    let creator: MemberId | undefined;
    let best = 0n;
    for (const [m, p] of v.present) {
      if (creator === undefined || p.announceSeq < best) {
        creator = m;
        best = p.announceSeq;
      }
    }
    this.event({
      type: "group-started",
      groupId: deriveGroupId(this.state.roomId, v.generation),
      creator: creator!,
    });
  }
  result(): SequencerResult {
    return { state: this.state, out: this.out };
  }
}

/**
 * A connection opened. It gets a new connection id and a snapshot. A member who reconnects keeps its id
 * and announcement; if its previous connection is still open (the old socket's close has not arrived yet),
 * that one is replaced: from now on its frames are refused and its close is ignored, so frames sent before
 * the reconnect are never sequenced after it and a late close cannot remove the live member.
 */
export function sequencerConnect(state: SequencerState, member: MemberId): ConnectResult {
  assertMemberId(member, "member");
  const connection = state.nextConnection;
  const replaced = state.connections.get(member) ?? null;
  if (replaced === null && state.connections.size >= MAX_MEMBERS)
    throw new CommitterError("room-full", `more than ${MAX_MEMBERS} connections`);
  const connections = new Map(state.connections);
  connections.set(member, connection);
  const e = new Emitter({ ...state, connections, nextConnection: connection + 1n });
  e.send(connection, { type: "snapshot", you: member, view: e.state.view });
  return { ...e.result(), connection, replaced };
}

/**
 * A connection closed. The close of a connection that is no longer the member's live one (replaced by a
 * rejoin, or closed already) changes nothing. Leaving from the lobby before announcing broadcasts nothing.
 */
export function sequencerDisconnect(state: SequencerState, connection: ConnectionId): SequencerResult {
  const member = connectionMember(state, connection);
  if (member === undefined) return { state, out: [] };
  const connections = new Map(state.connections);
  connections.delete(member);
  const e = new Emitter({ ...state, connections });
  if (state.view.present.has(member)) {
    e.event({ type: "left", member });
    e.maybeStartGroup();
  }
  return e.result();
}

function checkBundle(view: RoomView, sender: MemberId, bundle: CommitBundle): RejectReason | null {
  const group = view.group;
  if (!group || !isLive(view, sender)) return RejectReason.NotMember;
  // decodeClientMessage already read this header (a bundle whose commit has none does not decode).
  const framing = readCommitFraming(bundle.commit);
  // The rule that makes the committer safe: one commit per epoch, the first one sequenced.
  if (!bytesEqual(framing.groupId, group.groupId) || framing.epoch !== group.epoch)
    return RejectReason.WrongEpoch;
  if (bundle.adds.length === 0 && bundle.removes.length === 0) return RejectReason.Malformed;
  if ((bundle.welcome !== null) !== bundle.adds.length > 0) return RejectReason.Malformed;
  const removed = new Set(bundle.removes);
  for (const m of bundle.removes) {
    if (!group.roster.has(m) || m === sender) return RejectReason.Stale;
  }
  for (const a of bundle.adds) {
    if (view.present.get(a.member)?.announceSeq !== a.announceSeq) return RejectReason.Stale;
    if (group.roster.has(a.member) && !removed.has(a.member)) return RejectReason.Stale;
  }
  return null;
}

/**
 * A frame from connection `connection`. Throws `DecodeError` for malformed bytes (the Worker closes that
 * socket) and `CommitterError` (`not-connected`) if the connection is not a member's live one (closed, or
 * replaced by a rejoin: close that socket too).
 */
export function sequencerReceive(
  state: SequencerState,
  connection: ConnectionId,
  bytes: Uint8Array,
): SequencerResult {
  const member = connectionMember(state, connection);
  if (member === undefined)
    throw new CommitterError("not-connected", `connection ${connection} is not a live connection`);
  const msg = decodeClientMessage(bytes);
  const e = new Emitter(state);
  switch (msg.type) {
    case "key-package":
      e.event({ type: "announced", member, keyPackage: msg.keyPackage });
      e.maybeStartGroup();
      break;
    case "resync":
      // Re-announcing makes the member non-live, so the committer removes and re-adds it.
      e.event({ type: "announced", member, keyPackage: msg.keyPackage });
      e.maybeStartGroup();
      e.send(connection, { type: "snapshot", you: member, view: e.state.view });
      break;
    case "commit-bundle": {
      const reason = checkBundle(e.state.view, member, msg.bundle);
      if (reason === null) e.event({ type: "committed", sender: member, bundle: msg.bundle });
      else
        e.send(connection, {
          type: "commit-rejected",
          // The decoder already read this header (a commit-bundle's commit always has one).
          epoch: readCommitFraming(msg.bundle.commit).epoch,
          digest: commitDigest(msg.bundle.commit),
          reason,
        });
      break;
    }
    case "application": {
      // Chat is numbered like every event so all members see one order. Only a live member's message
      // for the current group, from an epoch the group has reached, is sequenced; anything else is dropped
      // (the sender sees no echo). Members who joined after the message's epoch cannot decrypt it.
      const group = e.state.view.group;
      const f = readApplicationFraming(msg.message);
      if (
        group &&
        isLive(e.state.view, member) &&
        bytesEqual(f.groupId, group.groupId) &&
        f.epoch <= group.epoch
      )
        e.event({ type: "application", sender: member, message: msg.message });
      break;
    }
    case "signal": {
      // Relayed to the addressee's live connection, if any; never sequenced or stored. Only between present
      // (announced) members: a connection still in the lobby can neither start media with members nor be
      // reached by them.
      const to = e.state.connections.get(msg.to);
      const present = e.state.view.present;
      if (to !== undefined && msg.to !== member && present.has(member) && present.has(msg.to))
        e.send(to, { type: "signal", from: member, payload: msg.payload });
      break;
    }
  }
  return e.result();
}

export function encodeSequencerState(s: SequencerState): Uint8Array {
  const w = new Writer().u8(STATE_VERSION);
  writeMemberId(w, s.roomId);
  writeRoomView(w, s.view);
  w.u64(s.nextConnection);
  const connections = [...s.connections].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (connections.length > MAX_MEMBERS) throw new RangeError(`more than ${MAX_MEMBERS} connections`);
  w.u16(connections.length);
  for (const [m, c] of connections) {
    if (c >= s.nextConnection) throw new RangeError(`connection ${c} not below "nextConnection"`);
    writeMemberId(w, m);
    w.u64(c);
  }
  return w.finish();
}

export function decodeSequencerState(bytes: Uint8Array): SequencerState {
  const r = new Reader(bytes);
  const v = r.u8();
  if (v !== STATE_VERSION) throw new DecodeError(DecodeErrorCode.UnknownTag, 0, `state version ${v}`);
  const roomId = readMemberId(r);
  const view = readRoomView(r);
  const nextConnection = r.u64();
  const connections = new Map<MemberId, ConnectionId>();
  const ids = new Set<ConnectionId>();
  let prev: MemberId | undefined;
  const nat = r.pos;
  const n = r.u16();
  if (n > MAX_MEMBERS) throw new DecodeError(DecodeErrorCode.Oversized, nat, `${n} connections`);
  for (let i = n; i > 0; i--) {
    const at = r.pos;
    const m = readMemberId(r);
    if (prev !== undefined && !(prev < m))
      throw new DecodeError(DecodeErrorCode.NonCanonical, at, "unsorted");
    prev = m;
    const c = r.u64();
    if (c >= nextConnection || ids.has(c))
      throw new DecodeError(DecodeErrorCode.NonCanonical, at, `connection ${c} reused or not issued`);
    ids.add(c);
    connections.set(m, c);
  }
  r.end();
  return { roomId, view, connections, nextConnection };
}
