/**
 * Binary codec of the room protocol (README "Byte formats"). TLS presentation language, big-endian; every
 * message starts with a version byte and a tag. Decoding is strict: truncated input, trailing bytes,
 * unknown tags, oversized lengths, unsorted or duplicate lists, flags other than 0/1, bad member ids and MLS
 * payloads of the wrong kind are all rejected with `DecodeError`, so each value has exactly one encoding.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { Reader, Writer } from "./bytes.ts";
import { DecodeError, DecodeErrorCode } from "./errors.ts";
import { type MemberId, readMemberId, writeMemberId } from "./member-id.ts";
import { MlsWireFormat, readApplicationFraming, readCommitFraming, readWireFormat } from "./mls-framing.ts";
import type { BundleAdd, ClientMessage, CommitBundle, RoomEvent, ServerMessage } from "./protocol.ts";
import type { GroupView, PresentMember, RoomView } from "./room-view.ts";

export const PROTOCOL_VERSION = 1;
/** Length of `commitDigest`, the name of a bundle in `commit-rejected`. */
export const COMMIT_DIGEST_LENGTH = 32;

/** SHA-256 of a bundle's commit MLSMessage: how `commit-rejected` names the bundle it rejects. */
export function commitDigest(commit: Uint8Array): Uint8Array {
  return sha256(commit);
}
/** Cap on one MLS message (a Welcome with the ratchet tree at a few hundred members fits easily). */
export const MAX_MLS_MESSAGE = 1 << 20;
/**
 * Cap on one client frame, checked before parsing: 1 MiB, the WebSocket message limit of Cloudflare
 * Workers / Durable Objects. The room Worker closes a socket that sends more (import this, do not copy it).
 */
export const MAX_CLIENT_FRAME_BYTES = 1 << 20;
/** Cap on one MLS application message (chat): a 4 KiB plaintext plus MLS framing, signature, padding. */
export const MAX_APPLICATION_MESSAGE = 16 * 1024;
/** Cap on one media-signalling payload (an SDP offer with many candidates stays far below). */
export const MAX_SIGNAL_PAYLOAD = 64 * 1024;
/** Cap on members in any list; rooms are video calls. */
export const MAX_MEMBERS = 1000;

export const ClientTag = {
  KeyPackage: 0x01,
  CommitBundle: 0x02,
  Resync: 0x03,
  Application: 0x04,
  Signal: 0x05,
} as const;
export const ServerTag = { Snapshot: 0x81, Event: 0x82, CommitRejected: 0x83, Signal: 0x84 } as const;
export const EventTag = {
  Announced: 0x01,
  Left: 0x02,
  GroupStarted: 0x03,
  Committed: 0x04,
  Application: 0x05,
} as const;

function fail(code: DecodeErrorCode, at: number, detail: string): never {
  throw new DecodeError(code, at, detail);
}

function readCount(r: Reader): number {
  const at = r.pos;
  const n = r.u16();
  if (n > MAX_MEMBERS) fail(DecodeErrorCode.Oversized, at, `${n} entries exceed ${MAX_MEMBERS}`);
  return n;
}

function writeCount(w: Writer, n: number): void {
  if (n > MAX_MEMBERS) throw new RangeError(`list of ${n} exceeds ${MAX_MEMBERS}`);
  w.u16(n);
}

/** Strictly increasing member ids: one canonical order, no duplicates. */
function checkOrder(prev: MemberId | undefined, next: MemberId, at: number): void {
  if (prev !== undefined && !(prev < next))
    fail(DecodeErrorCode.NonCanonical, at, "members not sorted/unique");
}

/**
 * A u32-length MLS message of at most `max` bytes whose framing `check` accepts; a framing error is
 * reported as `InvalidMlsFraming` at its offset in the whole input.
 */
function readFramed(r: Reader, max: number, check: (b: Uint8Array) => unknown): Uint8Array {
  const at = r.pos + 4;
  const b = r.bytes32(max, 1);
  try {
    check(b);
  } catch (e) {
    if (e instanceof DecodeError) fail(DecodeErrorCode.InvalidMlsFraming, at + e.offset, e.detail);
    throw e;
  }
  return b;
}

function readMls(r: Reader, wireFormat: number): Uint8Array {
  return readFramed(r, MAX_MLS_MESSAGE, (b) => {
    const wf = readWireFormat(b);
    if (wf !== wireFormat)
      fail(DecodeErrorCode.InvalidMlsFraming, 0, `wire format ${wf}, want ${wireFormat}`);
  });
}

const readCommit = (r: Reader): Uint8Array => readFramed(r, MAX_MLS_MESSAGE, readCommitFraming);

const readApplication = (r: Reader): Uint8Array =>
  readFramed(r, MAX_APPLICATION_MESSAGE, readApplicationFraming);

function writeApplication(w: Writer, b: Uint8Array): void {
  if (b.length === 0 || b.length > MAX_APPLICATION_MESSAGE)
    throw new RangeError(`application message of ${b.length} bytes`);
  w.bytes32(b);
}

function writeSignal(w: Writer, payload: Uint8Array): void {
  if (payload.length === 0 || payload.length > MAX_SIGNAL_PAYLOAD)
    throw new RangeError(`signal payload of ${payload.length} bytes`);
  w.bytes32(payload);
}

function writeMls(w: Writer, b: Uint8Array): void {
  if (b.length === 0 || b.length > MAX_MLS_MESSAGE) throw new RangeError(`MLS message of ${b.length} bytes`);
  w.bytes32(b);
}

// --- commit bundle -------------------------------------------------------------------------------

function writeBundle(w: Writer, b: CommitBundle): void {
  writeMls(w, b.commit);
  w.u8(b.welcome ? 1 : 0);
  if (b.welcome) writeMls(w, b.welcome);
  writeCount(w, b.adds.length);
  let prev: MemberId | undefined;
  for (const a of b.adds) {
    if (prev !== undefined && !(prev < a.member)) throw new RangeError('"adds" must be sorted and unique');
    prev = a.member;
    writeMemberId(w, a.member);
    w.u64(a.announceSeq);
  }
  writeCount(w, b.removes.length);
  prev = undefined;
  for (const m of b.removes) {
    if (prev !== undefined && !(prev < m)) throw new RangeError('"removes" must be sorted and unique');
    prev = m;
    writeMemberId(w, m);
  }
}

function readBundle(r: Reader): CommitBundle {
  const commit = readCommit(r);
  const welcome = r.flag() ? readMls(r, MlsWireFormat.Welcome) : null;
  const adds: BundleAdd[] = [];
  let prev: MemberId | undefined;
  for (let i = readCount(r); i > 0; i--) {
    const at = r.pos;
    const member = readMemberId(r);
    checkOrder(prev, member, at);
    prev = member;
    adds.push({ member, announceSeq: r.u64() });
  }
  const removes: MemberId[] = [];
  prev = undefined;
  for (let i = readCount(r); i > 0; i--) {
    const at = r.pos;
    const m = readMemberId(r);
    checkOrder(prev, m, at);
    prev = m;
    removes.push(m);
  }
  return { commit, welcome, adds, removes };
}

// --- client messages -----------------------------------------------------------------------------

export function encodeClientMessage(m: ClientMessage): Uint8Array {
  const w = new Writer().u8(PROTOCOL_VERSION);
  switch (m.type) {
    case "key-package":
      w.u8(ClientTag.KeyPackage);
      writeMls(w, m.keyPackage);
      break;
    case "commit-bundle":
      w.u8(ClientTag.CommitBundle);
      writeBundle(w, m.bundle);
      break;
    case "resync":
      w.u8(ClientTag.Resync);
      writeMls(w, m.keyPackage);
      break;
    case "application":
      w.u8(ClientTag.Application);
      writeApplication(w, m.message);
      break;
    case "signal":
      w.u8(ClientTag.Signal);
      writeMemberId(w, m.to);
      writeSignal(w, m.payload);
      break;
  }
  return w.finish();
}

function readVersion(r: Reader): void {
  const v = r.u8();
  if (v !== PROTOCOL_VERSION) fail(DecodeErrorCode.UnknownTag, 0, `protocol version ${v}`);
}

export function decodeClientMessage(bytes: Uint8Array): ClientMessage {
  if (bytes.length > MAX_CLIENT_FRAME_BYTES)
    fail(DecodeErrorCode.Oversized, 0, `frame of ${bytes.length} bytes exceeds ${MAX_CLIENT_FRAME_BYTES}`);
  const r = new Reader(bytes);
  readVersion(r);
  const at = r.pos;
  const tag = r.u8();
  let m: ClientMessage;
  switch (tag) {
    case ClientTag.KeyPackage:
      m = { type: "key-package", keyPackage: readMls(r, MlsWireFormat.KeyPackage) };
      break;
    case ClientTag.CommitBundle:
      m = { type: "commit-bundle", bundle: readBundle(r) };
      break;
    case ClientTag.Resync:
      m = { type: "resync", keyPackage: readMls(r, MlsWireFormat.KeyPackage) };
      break;
    case ClientTag.Application:
      m = { type: "application", message: readApplication(r) };
      break;
    case ClientTag.Signal:
      m = { type: "signal", to: readMemberId(r), payload: r.bytes32(MAX_SIGNAL_PAYLOAD, 1) };
      break;
    default:
      fail(DecodeErrorCode.UnknownTag, at, `client message tag ${tag}`);
  }
  r.end();
  return m;
}

// --- events and views ----------------------------------------------------------------------------

function writeEvent(w: Writer, e: RoomEvent): void {
  switch (e.type) {
    case "announced":
      w.u8(EventTag.Announced);
      writeMemberId(w, e.member);
      writeMls(w, e.keyPackage);
      break;
    case "left":
      w.u8(EventTag.Left);
      writeMemberId(w, e.member);
      break;
    case "group-started":
      if (e.groupId.length === 0) throw new RangeError('"groupId" must not be empty');
      w.u8(EventTag.GroupStarted);
      w.bytes8(e.groupId);
      writeMemberId(w, e.creator);
      break;
    case "committed":
      w.u8(EventTag.Committed);
      writeMemberId(w, e.sender);
      writeBundle(w, e.bundle);
      break;
    case "application":
      w.u8(EventTag.Application);
      writeMemberId(w, e.sender);
      writeApplication(w, e.message);
      break;
  }
}

function readEvent(r: Reader): RoomEvent {
  const at = r.pos;
  const tag = r.u8();
  switch (tag) {
    case EventTag.Announced:
      return { type: "announced", member: readMemberId(r), keyPackage: readMls(r, MlsWireFormat.KeyPackage) };
    case EventTag.Left:
      return { type: "left", member: readMemberId(r) };
    case EventTag.GroupStarted:
      return { type: "group-started", groupId: r.bytes8(1), creator: readMemberId(r) };
    case EventTag.Committed:
      return { type: "committed", sender: readMemberId(r), bundle: readBundle(r) };
    case EventTag.Application:
      return { type: "application", sender: readMemberId(r), message: readApplication(r) };
    default:
      return fail(DecodeErrorCode.UnknownTag, at, `event tag ${tag}`);
  }
}

function sortedEntries<V>(m: ReadonlyMap<MemberId, V>): [MemberId, V][] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function writeRoomView(w: Writer, v: RoomView): void {
  w.u64(v.nextSeq).u64(v.generation);
  w.u8(v.group ? 1 : 0);
  if (v.group) {
    if (v.group.groupId.length === 0) throw new RangeError('"groupId" must not be empty');
    w.bytes8(v.group.groupId).u64(v.group.epoch);
    const roster = sortedEntries(v.group.roster);
    writeCount(w, roster.length);
    for (const [m, s] of roster) {
      writeMemberId(w, m);
      w.u64(s);
    }
  }
  const present = sortedEntries(v.present);
  writeCount(w, present.length);
  for (const [m, p] of present) {
    writeMemberId(w, m);
    w.u64(p.announceSeq);
    writeMls(w, p.keyPackage);
  }
}

export function readRoomView(r: Reader): RoomView {
  const nextSeq = r.u64();
  const generation = r.u64();
  let group: GroupView | null = null;
  if (r.flag()) {
    const groupId = r.bytes8(1);
    const epoch = r.u64();
    const roster = new Map<MemberId, bigint>();
    let prev: MemberId | undefined;
    for (let i = readCount(r); i > 0; i--) {
      const at = r.pos;
      const m = readMemberId(r);
      checkOrder(prev, m, at);
      prev = m;
      roster.set(m, r.u64());
    }
    group = { groupId, epoch, roster };
  }
  const present = new Map<MemberId, PresentMember>();
  let prev: MemberId | undefined;
  for (let i = readCount(r); i > 0; i--) {
    const at = r.pos;
    const m = readMemberId(r);
    checkOrder(prev, m, at);
    prev = m;
    const announceSeq = r.u64();
    present.set(m, { announceSeq, keyPackage: readMls(r, MlsWireFormat.KeyPackage) });
  }
  return { nextSeq, generation, group, present };
}

// --- server messages -----------------------------------------------------------------------------

export function encodeServerMessage(m: ServerMessage): Uint8Array {
  const w = new Writer().u8(PROTOCOL_VERSION);
  switch (m.type) {
    case "snapshot":
      w.u8(ServerTag.Snapshot);
      writeMemberId(w, m.you);
      writeRoomView(w, m.view);
      break;
    case "event":
      w.u8(ServerTag.Event).u64(m.seq);
      writeEvent(w, m.event);
      break;
    case "commit-rejected":
      if (m.digest.length !== COMMIT_DIGEST_LENGTH)
        throw new RangeError(`"digest" must be ${COMMIT_DIGEST_LENGTH} bytes`);
      w.u8(ServerTag.CommitRejected).u64(m.epoch).raw(m.digest).u8(m.reason);
      break;
    case "signal":
      w.u8(ServerTag.Signal);
      writeMemberId(w, m.from);
      writeSignal(w, m.payload);
      break;
  }
  return w.finish();
}

export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  const r = new Reader(bytes);
  readVersion(r);
  const at = r.pos;
  const tag = r.u8();
  let m: ServerMessage;
  switch (tag) {
    case ServerTag.Snapshot:
      m = { type: "snapshot", you: readMemberId(r), view: readRoomView(r) };
      break;
    case ServerTag.Event:
      m = { type: "event", seq: r.u64(), event: readEvent(r) };
      break;
    case ServerTag.CommitRejected: {
      const epoch = r.u64();
      const digest = r.raw(COMMIT_DIGEST_LENGTH);
      const rat = r.pos;
      const reason = r.u8();
      if (reason < 1 || reason > 4) fail(DecodeErrorCode.UnknownTag, rat, `reject reason ${reason}`);
      m = { type: "commit-rejected", epoch, digest, reason: reason as 1 | 2 | 3 | 4 };
      break;
    }
    case ServerTag.Signal:
      m = { type: "signal", from: readMemberId(r), payload: r.bytes32(MAX_SIGNAL_PAYLOAD, 1) };
      break;
    default:
      fail(DecodeErrorCode.UnknownTag, at, `server message tag ${tag}`);
  }
  r.end();
  return m;
}
