/**
 * The room-view reducer, member ids and the byte reader/writer on their own, at their boundaries
 * (mutation testing, `pnpm mutate`): the scenario tests reach them only through whole rooms.
 */
import { describe, expect, it } from "vitest";
import { Reader, Writer } from "../src/bytes.ts";
import { CommitterError, DecodeError } from "../src/errors.ts";
import {
  applyEvent,
  assertMemberId,
  emptyRoomView,
  isLive,
  isMemberId,
  liveMembers,
  pendingWork,
  type RoomView,
} from "../src/index.ts";
import { compareMemberIds, readMemberId, writeMemberId } from "../src/member-id.ts";

const kp = (n: number) => Uint8Array.of(n);
const gid = Uint8Array.of(9, 9);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return `${e.code}@${e.offset}`;
    throw e;
  }
  return undefined;
}

describe("byte writer", () => {
  it("writes big-endian integers of each width, masking u8/u16", () => {
    const b = new Writer().u8(0x1ff).u16(0x1abcd).u32(0xdeadbeef).u64(0x0102030405060708n).finish();
    expect(Array.from(b)).toEqual([0xff, 0xab, 0xcd, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(new Writer().u32(-1).finish())).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it("u64 takes 0 and 2^64 - 1 and refuses -1 and 2^64", () => {
    expect(Array.from(new Writer().u64(0n).finish())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(new Writer().u64((1n << 64n) - 1n).finish())).toEqual(new Array(8).fill(0xff));
    expect(() => new Writer().u64(-1n)).toThrow(RangeError);
    expect(() => new Writer().u64(1n << 64n)).toThrow(RangeError);
  });

  it("bytes8 takes 255 bytes and refuses 256; bytes32 prefixes the length", () => {
    const b = new Writer().bytes8(new Uint8Array(255).fill(1)).finish();
    expect(b.length).toBe(256);
    expect(b[0]).toBe(255);
    expect(() => new Writer().bytes8(new Uint8Array(256))).toThrow(RangeError);
    expect(Array.from(new Writer().bytes32(Uint8Array.of(7, 8)).finish())).toEqual([0, 0, 0, 2, 7, 8]);
    expect(new Writer().finish().length).toBe(0);
  });
});

describe("byte reader", () => {
  it("reads each width and reports the offset of a truncation", () => {
    const r = new Reader(Uint8Array.of(1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4));
    expect(r.u8()).toBe(1);
    expect(r.u16()).toBe(2);
    expect(r.u32()).toBe(3);
    expect(r.remaining).toBe(8);
    expect(r.u64()).toBe(4n);
    expect(r.remaining).toBe(0);
    r.end();
    expect(codeOf(() => new Reader(new Uint8Array(0)).u8())).toBe("truncated@0");
    expect(codeOf(() => new Reader(new Uint8Array(1)).u16())).toBe("truncated@0");
    expect(codeOf(() => new Reader(new Uint8Array(3)).u32())).toBe("truncated@0");
    expect(codeOf(() => new Reader(new Uint8Array(7)).u64())).toBe("truncated@0");
    const r2 = new Reader(Uint8Array.of(5, 1, 2));
    r2.u8();
    expect(codeOf(() => r2.raw(3))).toBe("truncated@1");
    expect(Array.from(r2.raw(2))).toEqual([1, 2]);
  });

  it("reads from a view at an offset into a larger buffer", () => {
    const big = Uint8Array.of(0xee, 0, 0, 0, 9, 0xee);
    const r = new Reader(big.subarray(1, 5));
    expect(r.u32()).toBe(9);
    r.end();
  });

  it("bytes8 and bytes32 check min and max exactly, at the length's offset", () => {
    expect(Array.from(new Reader(Uint8Array.of(2, 7, 8)).bytes8(2))).toEqual([7, 8]);
    expect(codeOf(() => new Reader(Uint8Array.of(1, 7)).bytes8(2))).toBe("non-canonical@0");
    const r = new Reader(Uint8Array.of(0xaa, 0, 0, 0, 3, 1, 2, 3));
    r.u8();
    expect(Array.from(r.bytes32(3, 3))).toEqual([1, 2, 3]);
    expect(codeOf(() => new Reader(Uint8Array.of(0, 0, 0, 3, 1, 2, 3)).bytes32(2))).toBe("oversized@0");
    expect(codeOf(() => new Reader(Uint8Array.of(0, 0, 0, 3, 1, 2, 3)).bytes32(9, 4))).toBe(
      "non-canonical@0",
    );
    expect(codeOf(() => new Reader(Uint8Array.of(0, 0, 0, 3, 1, 2)).bytes32(9))).toBe("truncated@4");
  });

  it("a flag is 0 or 1; 2 is non-canonical; trailing bytes are refused where they start", () => {
    expect(new Reader(Uint8Array.of(0)).flag()).toBe(false);
    expect(new Reader(Uint8Array.of(1)).flag()).toBe(true);
    expect(codeOf(() => new Reader(Uint8Array.of(2)).flag())).toBe("non-canonical@0");
    const r = new Reader(Uint8Array.of(1, 2, 3));
    r.u8();
    expect(codeOf(() => r.end())).toBe("trailing@1");
  });
});

describe("member ids", () => {
  it("1..64 characters of [A-Za-z0-9._~-]", () => {
    for (const ok of ["a", "Z", "0", "9", ".", "_", "~", "-", "a".repeat(64), "Az09._~-"])
      expect(isMemberId(ok)).toBe(true);
    for (const bad of ["", "a".repeat(65), "a b", "a/b", "é", "a\n", "\na", 5, null, "+", "["])
      expect(isMemberId(bad)).toBe(false);
    expect(() => assertMemberId("x y")).toThrow(TypeError);
    expect(() => assertMemberId("ok")).not.toThrow();
  });

  it("round-trips through the wire form; non-ASCII or empty ids are refused at the length byte", () => {
    const w = new Writer();
    writeMemberId(w, "alice");
    const bytes = w.finish();
    expect(Array.from(bytes)).toEqual([5, 97, 108, 105, 99, 101]);
    expect(readMemberId(new Reader(bytes))).toBe("alice");
    expect(() => writeMemberId(new Writer(), "a b")).toThrow(TypeError);
    const r = new Reader(Uint8Array.of(0xaa, 2, 0xc3, 0xa9));
    r.u8();
    expect(codeOf(() => readMemberId(r))).toBe("invalid-member-id@1");
    expect(codeOf(() => readMemberId(new Reader(Uint8Array.of(0))))).toBe("invalid-member-id@0");
  });

  it("compares as strings", () => {
    expect(compareMemberIds("a", "b")).toBe(-1);
    expect(compareMemberIds("b", "a")).toBe(1);
    expect(compareMemberIds("a", "a")).toBe(0);
    expect(compareMemberIds("Z", "a")).toBe(-1);
  });
});

describe("errors", () => {
  it("name their class, and a DecodeError is a CommitterError with its code", () => {
    const e = new DecodeError("truncated", 3, "need 2 bytes");
    expect(e.name).toBe("DecodeError");
    expect(e).toBeInstanceOf(CommitterError);
    expect([e.code, e.offset, e.detail]).toEqual(["truncated", 3, "need 2 bytes"]);
    expect(new CommitterError("x", "y").name).toBe("CommitterError");
  });
});

describe("room view", () => {
  const announce = (v: RoomView, m: string, n: number) =>
    applyEvent(v, v.nextSeq, { type: "announced", member: m, keyPackage: kp(n) });

  it("applies only the next event number and never mutates the view", () => {
    expect(() => applyEvent(emptyRoomView, 1n, { type: "left", member: "a" })).toThrow(RangeError);
    const v1 = announce(emptyRoomView, "a", 1);
    expect(emptyRoomView.present.size).toBe(0);
    expect(emptyRoomView.nextSeq).toBe(0n);
    expect(v1.nextSeq).toBe(1n);
    expect(v1.present.get("a")).toEqual({ announceSeq: 0n, keyPackage: kp(1) });
    const v2 = applyEvent(v1, 1n, { type: "application", sender: "a", message: kp(0) });
    expect(v2).toEqual({ ...v1, nextSeq: 2n });
  });

  it("group start: the creator's announcement is its roster entry; a missing creator gives an empty roster", () => {
    let v = announce(emptyRoomView, "b", 1);
    v = announce(v, "a", 2);
    const started = applyEvent(v, v.nextSeq, { type: "group-started", groupId: gid, creator: "a" });
    expect(started.generation).toBe(1n);
    expect(started.group?.epoch).toBe(0n);
    expect([...(started.group?.roster ?? [])]).toEqual([["a", 1n]]);
    expect(liveMembers(started)).toEqual(["a"]);
    expect(pendingWork(started)).toEqual({ adds: [{ member: "b", announceSeq: 0n }], removes: [] });
    const ghost = applyEvent(v, v.nextSeq, { type: "group-started", groupId: gid, creator: "zed" });
    expect(ghost.group?.roster.size).toBe(0);
    expect(ghost.generation).toBe(1n);
  });

  it("a re-announced member is not live: it is both re-added and removed, sorted", () => {
    let v = announce(emptyRoomView, "c", 1);
    v = applyEvent(v, v.nextSeq, { type: "group-started", groupId: gid, creator: "c" });
    v = announce(v, "b", 2);
    v = announce(v, "a", 3);
    v = applyEvent(v, v.nextSeq, {
      type: "committed",
      sender: "c",
      bundle: {
        commit: kp(0),
        welcome: kp(0),
        adds: [
          { member: "a", announceSeq: 3n },
          { member: "b", announceSeq: 2n },
        ],
        removes: [],
      },
    });
    expect(v.group?.epoch).toBe(1n);
    expect(liveMembers(v).sort()).toEqual(["a", "b", "c"]);
    expect(pendingWork(v)).toEqual({ adds: [], removes: [] });
    v = announce(v, "c", 4);
    v = announce(v, "b", 5);
    expect(isLive(v, "c")).toBe(false);
    expect(isLive(v, "a")).toBe(true);
    expect(isLive(v, "nobody")).toBe(false);
    expect(pendingWork(v)).toEqual({
      adds: [
        { member: "b", announceSeq: 6n },
        { member: "c", announceSeq: 5n },
      ],
      removes: ["b", "c"],
    });
    // The bundle removes and re-adds them; a removed member leaves the roster.
    v = applyEvent(v, v.nextSeq, {
      type: "committed",
      sender: "a",
      bundle: {
        commit: kp(0),
        welcome: kp(0),
        adds: [{ member: "b", announceSeq: 6n }],
        removes: ["b", "c"],
      },
    });
    expect([...(v.group?.roster ?? [])].sort()).toEqual([
      ["a", 3n],
      ["b", 6n],
    ]);
    expect(v.group?.epoch).toBe(2n);
    expect(v.group?.groupId).toBe(gid);
    expect(pendingWork(v)).toEqual({ adds: [{ member: "c", announceSeq: 5n }], removes: [] });
  });

  it("a member that left is removed; the last one to leave takes the group with it", () => {
    let v = announce(emptyRoomView, "a", 1);
    v = applyEvent(v, v.nextSeq, { type: "group-started", groupId: gid, creator: "a" });
    v = announce(v, "b", 2);
    const oneLeft = applyEvent(v, v.nextSeq, { type: "left", member: "b" });
    expect(oneLeft.group).toBe(v.group);
    expect(oneLeft.present.has("b")).toBe(false);
    const aLeft = applyEvent(v, v.nextSeq, { type: "left", member: "a" });
    expect(aLeft.group).not.toBeNull();
    expect(pendingWork(aLeft)).toEqual({ adds: [{ member: "b", announceSeq: 2n }], removes: ["a"] });
    const empty = applyEvent(oneLeft, oneLeft.nextSeq, { type: "left", member: "a" });
    expect(empty.group).toBeNull();
    expect(liveMembers(empty)).toEqual([]);
    expect(pendingWork(empty)).toEqual({ adds: [], removes: [] });
    expect(pendingWork(emptyRoomView)).toEqual({ adds: [], removes: [] });
    expect(isLive(emptyRoomView, "a")).toBe(false);
  });

  it("adds come out sorted by member whatever the announcement order", () => {
    for (const order of [
      ["x", "a", "b", "c"],
      ["x", "c", "b", "a"],
      ["x", "b", "c", "a"],
    ]) {
      let v = emptyRoomView;
      for (const [i, m] of order.entries()) v = announce(v, m, i);
      v = applyEvent(v, v.nextSeq, { type: "group-started", groupId: gid, creator: "x" });
      expect(pendingWork(v).adds.map((a) => a.member)).toEqual(["a", "b", "c"]);
    }
  });

  it("a commit without a group only advances the sequence number", () => {
    const v = announce(emptyRoomView, "a", 1);
    const next = applyEvent(v, 1n, {
      type: "committed",
      sender: "a",
      bundle: { commit: kp(0), welcome: null, adds: [], removes: ["a"] },
    });
    expect(next).toEqual({ ...v, nextSeq: 2n });
  });
});
