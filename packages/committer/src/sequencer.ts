/**
 * The room server's side of the designated-committer protocol, as pure functions over a serialisable
 * state (docs/architecture.md "Sealed calls"): it numbers events, tracks presence and the group's epoch,
 * reads a commit's epoch from its MLS framing, accepts only the first valid commit bundle for the current
 * epoch, starts a group when no live member holds one, and answers (re)connects with a snapshot. It holds
 * no keys and never parses past the MLS header. The room Worker calls one function per socket event and
 * persists `encodeSequencerState` before sending the outputs (stage, then publish).
 */
import { bytesEqual, Reader, Writer } from "./bytes.ts";
import { decodeClientMessage, encodeServerMessage, readRoomView, writeRoomView } from "./codec.ts";
import { CommitterError, DecodeError, DecodeErrorCode } from "./errors.ts";
import { assertMemberId, type MemberId, readMemberId, writeMemberId } from "./member-id.ts";
import { readCommitFraming } from "./mls-framing.ts";
import { type CommitBundle, RejectReason, type RoomEvent, type ServerMessage } from "./protocol.ts";
import { applyEvent, emptyRoomView, isLive, liveMembers, type RoomView } from "./room-view.ts";

export interface SequencerState {
  roomId: string;
  view: RoomView;
  /** Open connections, announced or not (all of them receive broadcasts). */
  connected: ReadonlySet<MemberId>;
}

/** One frame to send: `to` is a member, or `null` for every member in `state.connected` after the call. */
export interface Outgoing {
  to: MemberId | null;
  message: ServerMessage;
  bytes: Uint8Array;
}

export interface SequencerResult {
  state: SequencerState;
  out: Outgoing[];
}

const STATE_VERSION = 1;

export function createSequencer(roomId: string): SequencerState {
  assertMemberId(roomId, "roomId");
  return { roomId, view: emptyRoomView, connected: new Set() };
}

/** Group ids are public and only need to be unique per room and generation (RFC 9420 §8.1 leaves the form open). */
export function deriveGroupId(roomId: string, generation: bigint): Uint8Array {
  return new TextEncoder().encode(`sealroom:${roomId}:${generation}`);
}

class Emitter {
  state: SequencerState;
  out: Outgoing[] = [];
  constructor(state: SequencerState) {
    this.state = state;
  }
  send(to: MemberId | null, message: ServerMessage): void {
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
      for (const m of [...this.state.connected].sort()) {
        if (added.has(m)) this.send(m, { type: "event", seq, event });
        else this.out.push({ to: m, message: { type: "event", seq, event: slim }, bytes: slimBytes });
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

/** A connection opened (or re-opened: the member keeps its announcement). It gets a snapshot. */
export function sequencerConnect(state: SequencerState, member: MemberId): SequencerResult {
  assertMemberId(member, "member");
  const e = new Emitter({ ...state, connected: new Set([...state.connected, member]) });
  e.send(member, { type: "snapshot", you: member, view: e.state.view });
  return e.result();
}

/** A connection closed. Leaving twice, or leaving from the lobby before announcing, broadcasts nothing. */
export function sequencerDisconnect(state: SequencerState, member: MemberId): SequencerResult {
  const connected = new Set(state.connected);
  connected.delete(member);
  const e = new Emitter({ ...state, connected });
  if (state.view.present.has(member)) {
    e.event({ type: "left", member });
    e.maybeStartGroup();
  }
  return e.result();
}

function checkBundle(view: RoomView, sender: MemberId, bundle: CommitBundle): RejectReason | null {
  const group = view.group;
  if (!group || !isLive(view, sender)) return RejectReason.NotMember;
  let framing: { groupId: Uint8Array; epoch: bigint };
  try {
    framing = readCommitFraming(bundle.commit);
  } catch {
    return RejectReason.Malformed;
  }
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
 * A frame from a connected member. Throws `DecodeError` for malformed bytes (the Worker closes that
 * socket) and `CommitterError` if `member` is not connected.
 */
export function sequencerReceive(
  state: SequencerState,
  member: MemberId,
  bytes: Uint8Array,
): SequencerResult {
  if (!state.connected.has(member))
    throw new CommitterError("not-connected", `member ${member} is not connected`);
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
      e.send(member, { type: "snapshot", you: member, view: e.state.view });
      break;
    case "commit-bundle": {
      const reason = checkBundle(e.state.view, member, msg.bundle);
      if (reason === null) e.event({ type: "committed", sender: member, bundle: msg.bundle });
      else e.send(member, { type: "commit-rejected", epoch: e.state.view.group?.epoch ?? 0n, reason });
      break;
    }
  }
  return e.result();
}

export function encodeSequencerState(s: SequencerState): Uint8Array {
  const w = new Writer().u8(STATE_VERSION);
  writeMemberId(w, s.roomId);
  writeRoomView(w, s.view);
  const connected = [...s.connected].sort();
  w.u16(connected.length);
  for (const m of connected) writeMemberId(w, m);
  return w.finish();
}

export function decodeSequencerState(bytes: Uint8Array): SequencerState {
  const r = new Reader(bytes);
  const v = r.u8();
  if (v !== STATE_VERSION) throw new DecodeError(DecodeErrorCode.UnknownTag, 0, `state version ${v}`);
  const roomId = readMemberId(r);
  const view = readRoomView(r);
  const connected = new Set<MemberId>();
  let prev: MemberId | undefined;
  for (let n = r.u16(); n > 0; n--) {
    const at = r.pos;
    const m = readMemberId(r);
    if (prev !== undefined && !(prev < m))
      throw new DecodeError(DecodeErrorCode.NonCanonical, at, "unsorted");
    prev = m;
    connected.add(m);
  }
  r.end();
  return { roomId, view, connected };
}
