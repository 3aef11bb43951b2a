/**
 * The MLS header reader at its edges (found by mutation testing, `pnpm mutate`): every varint length
 * form at its minimal bounds (RFC 9420 §2.1.2), the exact bytes a long group id covers, the offset and
 * code of each refusal, and the sender and content-type checks of public and private commits (§6).
 */
import { describe, expect, it } from "vitest";
import { DecodeError, DecodeErrorCode } from "../src/errors.ts";
import { readApplicationFraming, readCommitFraming, readWireFormat } from "../src/mls-framing.ts";

const EPOCH = 0x0102030405060708n;
const epochBytes = [1, 2, 3, 4, 5, 6, 7, 8];

/** A group id of `n` bytes whose content depends on the position. */
function gid(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
}

function priv(varint: number[], groupId: number[], contentType: number, tail: number[] = [9, 9]): Uint8Array {
  return Uint8Array.from([0, 1, 0, 2, ...varint, ...groupId, ...epochBytes, contentType, ...tail]);
}

function pub(sender: number, authData: number[], contentType: number): Uint8Array {
  return Uint8Array.from([
    0,
    1,
    0,
    1,
    3,
    0xaa,
    0xbb,
    0xcc,
    ...epochBytes,
    sender,
    0,
    0,
    0,
    5,
    authData.length,
    ...authData,
    contentType,
    7,
  ]);
}

function refusal(f: () => unknown): { code: string; offset: number } {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return { code: e.code, offset: e.offset };
    throw e;
  }
  throw new Error("accepted");
}

const framing = (code = DecodeErrorCode.InvalidMlsFraming) => code;

describe("varint lengths (RFC 9420 §2.1.2)", () => {
  it("one byte: 0 and 63", () => {
    expect(readCommitFraming(priv([0], [], 3)).groupId).toEqual(new Uint8Array(0));
    const f = readCommitFraming(priv([0x3f], gid(63), 3));
    expect(f.groupId).toEqual(Uint8Array.from(gid(63)));
    expect(f.epoch).toBe(EPOCH);
  });

  it("two bytes: 64 is the smallest, 63 is refused at the varint, the 14 bits are all read", () => {
    expect(readCommitFraming(priv([0x40, 0x40], gid(64), 3)).groupId).toEqual(Uint8Array.from(gid(64)));
    expect(refusal(() => readCommitFraming(priv([0x40, 0x3f], gid(63), 3)))).toEqual({
      code: framing(),
      offset: 4,
    });
    expect(refusal(() => readCommitFraming(priv([0x40, 0x00], [], 3)))).toEqual({
      code: framing(),
      offset: 4,
    });
    const f = readCommitFraming(priv([0x41, 0x23], gid(0x123), 3));
    expect(f.groupId).toEqual(Uint8Array.from(gid(0x123)));
    expect(f.epoch).toBe(EPOCH);
    const max = readCommitFraming(priv([0x7f, 0xff], gid(0x3fff), 3));
    expect(max.groupId.length).toBe(0x3fff);
    expect(max.epoch).toBe(EPOCH);
  });

  it("four bytes: 0x4000 is the smallest, 0x3fff is refused, all 30 bits are read", () => {
    const min = readCommitFraming(priv([0x80, 0x00, 0x40, 0x00], gid(0x4000), 3));
    expect(min.groupId).toEqual(Uint8Array.from(gid(0x4000)));
    expect(min.epoch).toBe(EPOCH);
    expect(refusal(() => readCommitFraming(priv([0x80, 0x00, 0x3f, 0xff], gid(0x3fff), 3)))).toEqual({
      code: framing(),
      offset: 4,
    });
    const f = readCommitFraming(priv([0x80, 0x01, 0x23, 0x45], gid(0x12345), 3));
    expect(f.groupId).toEqual(Uint8Array.from(gid(0x12345)));
    expect(f.epoch).toBe(EPOCH);
    // 2^24 and 2^30 - 1 bytes announced, a few present: truncated right after the varint.
    expect(refusal(() => readCommitFraming(priv([0x81, 0, 0, 0], gid(8), 3)))).toEqual({
      code: framing(),
      offset: 8,
    });
    expect(refusal(() => readCommitFraming(priv([0xbf, 0xff, 0xff, 0xff], gid(8), 3)))).toEqual({
      code: framing(),
      offset: 8,
    });
  });

  it("the 8-byte form (prefix 3) is refused at the varint", () => {
    // Its first four bytes would read as a valid 4-byte length (0x4000) if prefix 3 were taken for 2.
    expect(refusal(() => readCommitFraming(priv([0xc0, 0x00, 0x40, 0x00], gid(0x4000), 3)))).toEqual({
      code: framing(),
      offset: 4,
    });
    expect(refusal(() => readCommitFraming(priv([0xc0, 0, 0, 0, 0, 0, 0, 1], [1], 3)))).toEqual({
      code: framing(),
      offset: 4,
    });
  });
});

describe("readWireFormat", () => {
  it("accepts exactly mls10 with wire formats 1 to 5", () => {
    for (let wf = 1; wf <= 5; wf++) expect(readWireFormat(Uint8Array.of(0, 1, 0, wf))).toBe(wf);
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 1, 0, 0)))).toEqual({ code: framing(), offset: 2 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 1, 0, 6)))).toEqual({ code: framing(), offset: 2 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 1, 1, 1)))).toEqual({ code: framing(), offset: 2 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 2, 0, 1)))).toEqual({ code: framing(), offset: 0 });
    expect(refusal(() => readWireFormat(Uint8Array.of(1, 1, 0, 1)))).toEqual({ code: framing(), offset: 0 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 0, 0, 1)))).toEqual({ code: framing(), offset: 0 });
  });

  it("a truncated header is a framing error at the byte where it stops", () => {
    expect(refusal(() => readWireFormat(new Uint8Array(0)))).toEqual({ code: framing(), offset: 0 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 1)))).toEqual({ code: framing(), offset: 2 });
    expect(refusal(() => readWireFormat(Uint8Array.of(0, 1, 0)))).toEqual({ code: framing(), offset: 2 });
  });
});

describe("readApplicationFraming", () => {
  it("reads a private application message", () => {
    expect(readApplicationFraming(priv([2], [0x67, 0x68], 1))).toEqual({
      wireFormat: 2,
      groupId: Uint8Array.of(0x67, 0x68),
      epoch: EPOCH,
    });
  });

  it("refuses a private commit or proposal at the content type, and any other wire format", () => {
    expect(refusal(() => readApplicationFraming(priv([2], [0x67, 0x68], 3)))).toEqual({
      code: framing(),
      offset: 15,
    });
    expect(refusal(() => readApplicationFraming(priv([2], [0x67, 0x68], 2)))).toEqual({
      code: framing(),
      offset: 15,
    });
    expect(refusal(() => readApplicationFraming(pub(1, [], 1)))).toEqual({ code: framing(), offset: 2 });
    expect(refusal(() => readApplicationFraming(Uint8Array.of(0, 1, 0, 3, 0)))).toEqual({
      code: framing(),
      offset: 2,
    });
  });

  it("truncation anywhere is a framing error, never a bare truncation", () => {
    const full = priv([2], [0x67, 0x68], 1, []);
    for (let n = 0; n < full.length; n++) {
      const r = refusal(() => readApplicationFraming(full.subarray(0, n)));
      expect(r.code).toBe(DecodeErrorCode.InvalidMlsFraming);
      expect(r.offset).toBeLessThanOrEqual(n);
    }
    expect(readApplicationFraming(full).epoch).toBe(EPOCH);
  });
});

describe("readCommitFraming", () => {
  it("reads a private commit and a member's public commit past its authenticated data", () => {
    expect(readCommitFraming(priv([1], [0x42], 3))).toEqual({
      wireFormat: 2,
      groupId: Uint8Array.of(0x42),
      epoch: EPOCH,
    });
    const expected = { wireFormat: 1, groupId: Uint8Array.of(0xaa, 0xbb, 0xcc), epoch: EPOCH };
    expect(readCommitFraming(pub(1, [], 3))).toEqual(expected);
    // authenticated_data of 3 bytes, the middle one a commit content type: it is skipped whole.
    expect(readCommitFraming(pub(1, [1, 3, 1], 3))).toEqual(expected);
  });

  it("refuses a private message that is not a commit, at its content type", () => {
    expect(refusal(() => readCommitFraming(priv([1], [0x42], 1)))).toEqual({ code: framing(), offset: 14 });
    expect(refusal(() => readCommitFraming(priv([1], [0x42], 2)))).toEqual({ code: framing(), offset: 14 });
  });

  it("refuses a public message from a non-member sender, at the sender type", () => {
    for (const sender of [0, 2, 3, 4])
      expect(refusal(() => readCommitFraming(pub(sender, [], 3)))).toEqual({ code: framing(), offset: 16 });
  });

  it("refuses a public application or proposal, at the content type after the authenticated data", () => {
    expect(refusal(() => readCommitFraming(pub(1, [], 1)))).toEqual({ code: framing(), offset: 22 });
    expect(refusal(() => readCommitFraming(pub(1, [3, 3], 2)))).toEqual({ code: framing(), offset: 24 });
  });

  it("refuses wire formats that cannot carry a commit", () => {
    for (const wf of [3, 4, 5])
      expect(refusal(() => readCommitFraming(Uint8Array.of(0, 1, 0, wf, 0, 0)))).toEqual({
        code: framing(),
        offset: 2,
      });
  });

  it("truncation anywhere is a framing error, never a bare truncation", () => {
    for (const full of [priv([1], [0x42], 3, []), pub(1, [5, 6], 3).subarray(0, 25)]) {
      expect(readCommitFraming(full).epoch).toBe(EPOCH);
      for (let n = 0; n < full.length; n++) {
        const r = refusal(() => readCommitFraming(full.subarray(0, n)));
        expect(r.code).toBe(DecodeErrorCode.InvalidMlsFraming);
        expect(r.offset).toBeLessThanOrEqual(n);
      }
    }
  });
});
