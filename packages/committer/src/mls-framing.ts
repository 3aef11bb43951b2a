/**
 * Just enough of the MLS wire format (RFC 9420 §6) for a server that holds no keys: the version and wire
 * format of an `MLSMessage`, and the clear header of a commit (`group_id`, `epoch`, `content_type`), which
 * both `PublicMessage` (§6.2, inside `FramedContent`) and `PrivateMessage` (§6.3) carry unencrypted. The
 * sequencer uses it to accept only the first commit for the current epoch; everything past the header stays
 * opaque.
 */
import { Reader } from "./bytes.ts";
import { DecodeError, DecodeErrorCode } from "./errors.ts";

/** RFC 9420 §17.2 / §6 registry values. */
export const MlsWireFormat = {
  PublicMessage: 1,
  PrivateMessage: 2,
  Welcome: 3,
  GroupInfo: 4,
  KeyPackage: 5,
} as const;
const MLS10 = 1;
const CONTENT_APPLICATION = 1;
const CONTENT_COMMIT = 3;
const SENDER_MEMBER = 1;

export interface CommitFraming {
  wireFormat: number;
  groupId: Uint8Array;
  epoch: bigint;
}

function bad(at: number, detail: string): DecodeError {
  return new DecodeError(DecodeErrorCode.InvalidMlsFraming, at, detail);
}

/** RFC 9420 §2.1.2 variable-length integer; the minimum-length encoding is required. */
function readVarint(r: Reader): number {
  const at = r.pos;
  const first = r.u8();
  const prefix = first >> 6;
  if (prefix === 0) return first & 0x3f;
  if (prefix === 1) {
    const v = ((first & 0x3f) << 8) | r.u8();
    if (v < 0x40) throw bad(at, "non-minimal varint");
    return v;
  }
  if (prefix === 2) {
    const v = ((first & 0x3f) * 0x1000000 + ((r.u8() << 16) | (r.u8() << 8) | r.u8())) >>> 0;
    if (v < 0x4000) throw bad(at, "non-minimal varint");
    return v;
  }
  throw bad(at, "invalid varint prefix");
}

function readVector(r: Reader): Uint8Array {
  const n = readVarint(r);
  return r.raw(n);
}

function readHeader(bytes: Uint8Array): { r: Reader; wireFormat: number } {
  const r = new Reader(bytes);
  try {
    const version = r.u16();
    if (version !== MLS10) throw bad(0, `protocol version ${version}`);
    return { r, wireFormat: r.u16() };
  } catch (e) {
    if (e instanceof DecodeError) throw bad(e.offset, e.message);
    throw e;
  }
}

/** Wire format of an MLSMessage (throws `DecodeError` unless it starts with mls10 and a known format). */
export function readWireFormat(bytes: Uint8Array): number {
  const { wireFormat } = readHeader(bytes);
  if (wireFormat < 1 || wireFormat > 5) throw bad(2, `wire format ${wireFormat}`);
  return wireFormat;
}

/**
 * Clear header of an application message (chat): a PrivateMessage (§6.3) whose clear `content_type` is
 * application. Throws `DecodeError` otherwise. Application data is never sent as PublicMessage (§6.2).
 */
export function readApplicationFraming(bytes: Uint8Array): CommitFraming {
  const { r, wireFormat } = readHeader(bytes);
  try {
    if (wireFormat !== MlsWireFormat.PrivateMessage) throw bad(2, `wire format ${wireFormat} is not private`);
    const groupId = readVector(r);
    const epoch = r.u64();
    const at = r.pos;
    if (r.u8() !== CONTENT_APPLICATION) throw bad(at, "not an application message");
    return { wireFormat, groupId, epoch };
  } catch (e) {
    if (e instanceof DecodeError) {
      if (e.code === DecodeErrorCode.InvalidMlsFraming) throw e;
      throw bad(e.offset, e.message);
    }
    throw e;
  }
}

/** Clear header of a commit; throws `DecodeError` if the message is not a member's commit. */
export function readCommitFraming(bytes: Uint8Array): CommitFraming {
  const { r, wireFormat } = readHeader(bytes);
  try {
    if (wireFormat === MlsWireFormat.PrivateMessage) {
      const groupId = readVector(r);
      const epoch = r.u64();
      const at = r.pos;
      if (r.u8() !== CONTENT_COMMIT) throw bad(at, "not a commit");
      return { wireFormat, groupId, epoch };
    }
    if (wireFormat === MlsWireFormat.PublicMessage) {
      const groupId = readVector(r);
      const epoch = r.u64();
      const at = r.pos;
      // §6.1: a member commit names its leaf; external commits (new_member_commit) are not used here.
      if (r.u8() !== SENDER_MEMBER) throw bad(at, "commit not sent by a member");
      r.u32();
      readVector(r); // authenticated_data
      const ct = r.pos;
      if (r.u8() !== CONTENT_COMMIT) throw bad(ct, "not a commit");
      return { wireFormat, groupId, epoch };
    }
    throw bad(2, `wire format ${wireFormat} cannot carry a commit`);
  } catch (e) {
    if (e instanceof DecodeError) {
      if (e.code === DecodeErrorCode.InvalidMlsFraming) throw e;
      throw bad(e.offset, e.message);
    }
    throw e;
  }
}
