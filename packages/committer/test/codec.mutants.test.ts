/**
 * Codec edge cases found by mutation testing (`pnpm mutate`): the exact caps of chat messages and
 * signalling payloads on both sides, the commit-rejected digest length, error codes and offsets of
 * refused MLS payloads, and the rejection reasons at their bounds.
 */
import { describe, expect, it } from "vitest";
import {
  COMMIT_DIGEST_LENGTH,
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  MAX_APPLICATION_MESSAGE,
  MAX_MLS_MESSAGE,
  MAX_SIGNAL_PAYLOAD,
} from "../src/codec.ts";
import { DecodeError } from "../src/errors.ts";

/** A PrivateMessage application frame of exactly `size` bytes (header, then filler). */
function app(size: number): Uint8Array {
  const head = [0, 1, 0, 2, 1, 0x67, 0, 0, 0, 0, 0, 0, 0, 1, 1];
  const out = new Uint8Array(size);
  out.set(head.slice(0, Math.min(size, head.length)));
  return out;
}

function code(f: () => unknown): { code: string; offset: number } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return { code: e.code, offset: e.offset };
    throw e;
  }
  return undefined;
}

/** Client frame bytes for an application message of any length (bypassing the encoder's check). */
function rawApp(message: Uint8Array): Uint8Array {
  const n = message.length;
  return Uint8Array.from([1, 4, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff, ...message]);
}
function rawSignal(tag: number, name: string, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  return Uint8Array.from([
    1,
    tag,
    name.length,
    ...new TextEncoder().encode(name),
    n >>> 24,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
    ...payload,
  ]);
}

describe("codec caps", () => {
  it(`a chat message of exactly ${MAX_APPLICATION_MESSAGE} bytes passes both ways; one more is refused`, () => {
    const max = app(MAX_APPLICATION_MESSAGE);
    const bytes = encodeClientMessage({ type: "application", message: max });
    expect(bytes).toEqual(rawApp(max));
    expect(decodeClientMessage(bytes)).toEqual({ type: "application", message: max });
    const over = app(MAX_APPLICATION_MESSAGE + 1);
    expect(() => encodeClientMessage({ type: "application", message: over })).toThrow(RangeError);
    expect(code(() => decodeClientMessage(rawApp(over)))?.code).toBe("oversized");
    expect(() => encodeClientMessage({ type: "application", message: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(code(() => decodeClientMessage(rawApp(new Uint8Array(0))))).toBeDefined();
    // The server side sequences the same message in an event: same caps.
    const ev = encodeServerMessage({
      type: "event",
      seq: 1n,
      event: { type: "application", sender: "a", message: max },
    });
    expect(decodeServerMessage(ev)).toMatchObject({ event: { type: "application", message: max } });
    expect(() =>
      encodeServerMessage({
        type: "event",
        seq: 1n,
        event: { type: "application", sender: "a", message: over },
      }),
    ).toThrow(RangeError);
  });

  it(`a signalling payload of exactly ${MAX_SIGNAL_PAYLOAD} bytes passes both ways; one more is refused`, () => {
    const max = new Uint8Array(MAX_SIGNAL_PAYLOAD).fill(7);
    const over = new Uint8Array(MAX_SIGNAL_PAYLOAD + 1);
    const c = encodeClientMessage({ type: "signal", to: "b", payload: max });
    expect(c).toEqual(rawSignal(5, "b", max));
    expect(decodeClientMessage(c)).toEqual({ type: "signal", to: "b", payload: max });
    const s = encodeServerMessage({ type: "signal", from: "a", payload: max });
    expect(s).toEqual(rawSignal(0x84, "a", max));
    expect(decodeServerMessage(s)).toEqual({ type: "signal", from: "a", payload: max });
    expect(() => encodeClientMessage({ type: "signal", to: "b", payload: over })).toThrow(RangeError);
    expect(() => encodeServerMessage({ type: "signal", from: "a", payload: over })).toThrow(RangeError);
    expect(() => encodeServerMessage({ type: "signal", from: "a", payload: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(code(() => decodeClientMessage(rawSignal(5, "b", over)))?.code).toBe("oversized");
    expect(code(() => decodeServerMessage(rawSignal(0x84, "a", over)))?.code).toBe("oversized");
    expect(code(() => decodeClientMessage(rawSignal(5, "b", new Uint8Array(0))))).toBeDefined();
    expect(decodeClientMessage(rawSignal(5, "b", Uint8Array.of(1)))).toEqual({
      type: "signal",
      to: "b",
      payload: Uint8Array.of(1),
    });
  });

  it(`commit-rejected carries exactly ${COMMIT_DIGEST_LENGTH} digest bytes and reasons 1..4`, () => {
    const digest = new Uint8Array(COMMIT_DIGEST_LENGTH).fill(3);
    const bytes = encodeServerMessage({ type: "commit-rejected", epoch: 9n, digest, reason: 4 });
    expect(bytes.length).toBe(1 + 1 + 8 + COMMIT_DIGEST_LENGTH + 1);
    expect(decodeServerMessage(bytes)).toEqual({ type: "commit-rejected", epoch: 9n, digest, reason: 4 });
    for (const len of [COMMIT_DIGEST_LENGTH - 1, COMMIT_DIGEST_LENGTH + 1, 0]) {
      expect(() =>
        encodeServerMessage({ type: "commit-rejected", epoch: 9n, digest: new Uint8Array(len), reason: 1 }),
      ).toThrow(RangeError);
    }
    const at = bytes.length - 1;
    for (const r of [0, 5, 255]) {
      const b = bytes.slice();
      b[at] = r;
      expect(code(() => decodeServerMessage(b))).toEqual({ code: "unknown-tag", offset: at });
    }
    for (const r of [1, 2, 3]) {
      const b = bytes.slice();
      b[at] = r;
      expect(decodeServerMessage(b)).toMatchObject({ reason: r });
    }
  });

  it("a chat message that is not an application PrivateMessage is invalid framing at its offset", () => {
    const good = rawApp(app(40));
    const commitInstead = good.slice();
    commitInstead[6 + 14] = 3;
    expect(code(() => decodeClientMessage(commitInstead))).toEqual({
      code: "invalid-mls-framing",
      offset: 6 + 14,
    });
    const publicMsg = good.slice();
    publicMsg[6 + 3] = 1;
    expect(code(() => decodeClientMessage(publicMsg))?.code).toBe("invalid-mls-framing");
    const badVersion = good.slice();
    badVersion[6 + 1] = 2;
    expect(code(() => decodeClientMessage(badVersion))).toEqual({ code: "invalid-mls-framing", offset: 6 });
    expect(decodeClientMessage(good)).toMatchObject({ type: "application" });
  });
});

/** Client frame: version, tag, then one u32-length MLS payload (offset 6 in the frame). */
function rawMls(tag: number, payload: number[], after: number[] = []): Uint8Array {
  const n = payload.length;
  return Uint8Array.from([
    1,
    tag,
    n >>> 24,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
    ...payload,
    ...after,
  ]);
}

describe("refused MLS payloads: offsets inside the payload map to the frame", () => {
  it("a key package, resync or Welcome whose MLS header is cut or wrong is refused where the header breaks", () => {
    for (const tag of [1, 3]) {
      // Payload offset 2 (the wire format) is frame offset 8.
      expect(code(() => decodeClientMessage(rawMls(tag, [0, 1])))).toEqual({
        code: "invalid-mls-framing",
        offset: 8,
      });
      expect(code(() => decodeClientMessage(rawMls(tag, [0, 1, 0, 9])))).toEqual({
        code: "invalid-mls-framing",
        offset: 8,
      });
      expect(code(() => decodeClientMessage(rawMls(tag, [0, 2, 0, 5])))).toEqual({
        code: "invalid-mls-framing",
        offset: 6,
      });
      // A well-formed MLS message of the wrong kind: refused at the payload's start.
      expect(code(() => decodeClientMessage(rawMls(tag, [0, 1, 0, 3])))).toEqual({
        code: "invalid-mls-framing",
        offset: 6,
      });
      expect(decodeClientMessage(rawMls(tag, [0, 1, 0, 5]))).toMatchObject({
        keyPackage: Uint8Array.of(0, 1, 0, 5),
      });
    }
  });

  it("a bundle's commit slot: the framing error's own offset, shifted to the frame", () => {
    const tail = [0, 0, 0, 0, 0]; // no Welcome, no adds, no removes
    // A key package in the commit slot: refused at its wire format (payload 2, frame 8).
    expect(code(() => decodeClientMessage(rawMls(2, [0, 1, 0, 5], tail)))).toEqual({
      code: "invalid-mls-framing",
      offset: 8,
    });
    // A private message that is not a commit: refused at its content type (payload 14).
    const notCommit = [0, 1, 0, 2, 1, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(code(() => decodeClientMessage(rawMls(2, notCommit, tail)))).toEqual({
      code: "invalid-mls-framing",
      offset: 6 + 14,
    });
    const commit = [...notCommit.slice(0, 14), 3];
    expect(decodeClientMessage(rawMls(2, commit, tail))).toMatchObject({
      type: "commit-bundle",
      bundle: { commit: Uint8Array.from(commit), welcome: null, adds: [], removes: [] },
    });
    // The Welcome slot after it: frame offset of the Welcome payload is 6 + 15 + 1 + 4.
    const at = 6 + commit.length + 1 + 4;
    expect(code(() => decodeClientMessage(rawMls(2, commit, [1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0])))).toEqual({
      code: "invalid-mls-framing",
      offset: at + 2,
    });
  });

  it(`the encoder takes an MLS message of exactly ${MAX_MLS_MESSAGE} bytes and refuses one more`, () => {
    const max = new Uint8Array(MAX_MLS_MESSAGE);
    max.set([0, 1, 0, 5]);
    // A client frame of it would exceed the frame cap: the server's announcement carries it.
    const event = { type: "announced" as const, member: "a", keyPackage: max };
    const bytes = encodeServerMessage({ type: "event", seq: 1n, event });
    expect(decodeServerMessage(bytes)).toEqual({ type: "event", seq: 1n, event });
    const over = new Uint8Array(MAX_MLS_MESSAGE + 1);
    over.set([0, 1, 0, 5]);
    expect(() => encodeClientMessage({ type: "resync", keyPackage: over })).toThrow(RangeError);
    expect(() => encodeClientMessage({ type: "key-package", keyPackage: new Uint8Array(0) })).toThrow(
      RangeError,
    );
  });
});
