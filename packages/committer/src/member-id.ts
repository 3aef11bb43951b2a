/**
 * Member ids: the room assigns each connection an id, and a key package is valid for that member only if
 * its basic credential identity is exactly the UTF-8 of this id (issue #5, "Key packages are validated").
 * The draft is silent on the alphabet; we allow 1..64 characters of [A-Za-z0-9._~-] so that ids are safe in
 * logs, URLs and JSON and so that string order equals byte order (canonical sorting on the wire).
 */

import type { Reader, Writer } from "./bytes.ts";
import { DecodeError, DecodeErrorCode } from "./errors.ts";

export type MemberId = string;

const MEMBER_ID = /^[A-Za-z0-9._~-]{1,64}$/;

export function isMemberId(v: unknown): v is MemberId {
  return typeof v === "string" && MEMBER_ID.test(v);
}

export function assertMemberId(v: unknown, name = "memberId"): asserts v is MemberId {
  if (!isMemberId(v)) throw new TypeError(`"${name}" must be 1..64 characters of [A-Za-z0-9._~-]`);
}

export function writeMemberId(w: Writer, id: MemberId): void {
  assertMemberId(id);
  w.bytes8(new TextEncoder().encode(id));
}

export function readMemberId(r: Reader): MemberId {
  const at = r.pos;
  const b = r.bytes8();
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  if (!isMemberId(s)) throw new DecodeError(DecodeErrorCode.InvalidMemberId, at, "bad member id");
  return s;
}

/** Ids compare as strings; for this alphabet that is bytewise order. */
export function compareMemberIds(a: MemberId, b: MemberId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
