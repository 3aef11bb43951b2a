/**
 * Room protocol codec (README "Byte formats"): round trips, hand-computed layouts, strict rejection, and
 * fuzzing of every decoder (>= 10,000 cases each): random bytes and mutations of valid frames must either
 * decode to a value that re-encodes to the same bytes (one encoding per value) or throw `DecodeError`.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  commitDigest,
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  MAX_CLIENT_FRAME_BYTES,
} from "../src/codec.ts";
import { DecodeError } from "../src/errors.ts";
import { readCommitFraming } from "../src/mls-framing.ts";
import type { ClientMessage, ServerMessage } from "../src/protocol.ts";
import { decodeSequencerState, encodeSequencerState, type SequencerState } from "../src/sequencer.ts";

const kp = (s: string) => Uint8Array.from([0, 1, 0, 5, ...new TextEncoder().encode(s)]);
const welcome = Uint8Array.from([0, 1, 0, 3, 9, 9]);
// PrivateMessage header: mls10, wire format 2, group_id<V> "g1", epoch 7, content_type commit, body.
const commit = Uint8Array.from([0, 1, 0, 2, 2, 0x67, 0x31, 0, 0, 0, 0, 0, 0, 0, 7, 3, 0xaa, 0xbb]);

// The same header with content_type application: a chat message.
const chat = Uint8Array.from([0, 1, 0, 2, 2, 0x67, 0x31, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0xcc]);

const clientSamples: ClientMessage[] = [
  { type: "key-package", keyPackage: kp("alice") },
  { type: "resync", keyPackage: kp("bob") },
  {
    type: "commit-bundle",
    bundle: {
      commit,
      welcome,
      adds: [
        { member: "a", announceSeq: 3n },
        { member: "b", announceSeq: 9n },
      ],
      removes: ["z"],
    },
  },
  { type: "commit-bundle", bundle: { commit, welcome: null, adds: [], removes: ["c", "d"] } },
  { type: "application", message: chat },
  { type: "signal", to: "peer-2", payload: new TextEncoder().encode('{"sdp":"v=0"}') },
];

const serverSamples: ServerMessage[] = [
  {
    type: "snapshot",
    you: "m-1",
    view: {
      nextSeq: 12n,
      generation: 1n,
      group: {
        groupId: Uint8Array.of(1, 2),
        epoch: 4n,
        roster: new Map([
          ["a", 1n],
          ["b", 5n],
        ]),
      },
      present: new Map([
        ["b", { announceSeq: 5n, keyPackage: kp("b") }],
        ["a", { announceSeq: 1n, keyPackage: kp("a") }],
      ]),
    },
  },
  { type: "snapshot", you: "x", view: { nextSeq: 0n, generation: 0n, group: null, present: new Map() } },
  { type: "event", seq: 5n, event: { type: "announced", member: "a", keyPackage: kp("a") } },
  { type: "event", seq: 6n, event: { type: "left", member: "a" } },
  { type: "event", seq: 7n, event: { type: "group-started", groupId: Uint8Array.of(7), creator: "b" } },
  {
    type: "event",
    seq: 8n,
    event: { type: "committed", sender: "b", bundle: { commit, welcome: null, adds: [], removes: ["a"] } },
  },
  { type: "commit-rejected", epoch: 3n, digest: new Uint8Array(32).fill(0xd1), reason: 1 },
  { type: "event", seq: 9n, event: { type: "application", sender: "c", message: chat } },
  { type: "signal", from: "a", payload: Uint8Array.of(1, 2, 3) },
];

const stateSample: SequencerState = {
  roomId: "room",
  view: (serverSamples[0] as Extract<ServerMessage, { type: "snapshot" }>).view,
  connections: new Map([
    ["a", 3n],
    ["b", 1n],
    ["lobby", 7n],
  ]),
  nextConnection: 8n,
};

function expectDecodeErrorOrCanonical<T>(
  bytes: Uint8Array,
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
) {
  let v: T;
  try {
    v = decode(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return;
  }
  expect(encode(v)).toEqual(bytes);
}

describe("room protocol codec", () => {
  it("round-trips every message kind", () => {
    for (const m of clientSamples) expect(decodeClientMessage(encodeClientMessage(m))).toEqual(m);
    for (const m of serverSamples) {
      const again = decodeServerMessage(encodeServerMessage(m));
      expect(encodeServerMessage(again)).toEqual(encodeServerMessage(m));
    }
    expect(encodeSequencerState(decodeSequencerState(encodeSequencerState(stateSample)))).toEqual(
      encodeSequencerState(stateSample),
    );
  });

  it("lays out a key-package frame as documented", () => {
    const b = encodeClientMessage({ type: "key-package", keyPackage: kp("a") });
    // version 1, tag 0x01, u32 length 5, MLSMessage(mls10, key_package, "a")
    expect([...b]).toEqual([1, 1, 0, 0, 0, 5, 0, 1, 0, 5, 0x61]);
    const digest = commitDigest(commit);
    expect(digest).toEqual(Uint8Array.from(createHash("sha256").update(commit).digest()));
    const r = encodeServerMessage({ type: "commit-rejected", epoch: 258n, digest, reason: 3 });
    // version 1, tag 0x83, u64 epoch of the rejected commit, its SHA-256, reason
    expect([...r]).toEqual([1, 0x83, 0, 0, 0, 0, 0, 0, 1, 2, ...digest, 3]);
  });

  it("lays out chat and signalling frames as documented, and refuses a commit in the chat slot", () => {
    expect([...encodeClientMessage({ type: "application", message: chat })]).toEqual([
      1,
      4,
      0,
      0,
      0,
      chat.length,
      ...chat,
    ]);
    expect([...encodeClientMessage({ type: "signal", to: "b", payload: Uint8Array.of(9) })]).toEqual([
      1, 5, 1, 0x62, 0, 0, 0, 1, 9,
    ]);
    expect([...encodeServerMessage({ type: "signal", from: "a", payload: Uint8Array.of(9) })]).toEqual([
      1, 0x84, 1, 0x61, 0, 0, 0, 1, 9,
    ]);
    const wrong = encodeClientMessage({ type: "application", message: chat }).slice();
    wrong[6 + 15] = 3; // content_type commit
    expect(() => decodeClientMessage(wrong)).toThrowError(
      expect.objectContaining({ code: "invalid-mls-framing" }),
    );
    expect(() => encodeClientMessage({ type: "signal", to: "b", payload: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(() => decodeClientMessage(new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1))).toThrowError(
      expect.objectContaining({ code: "oversized" }),
    );
  });

  it("rejects truncation, trailing bytes, bad tags, unsorted lists and wrong MLS payloads", () => {
    const good = encodeClientMessage(clientSamples[2]!);
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeClientMessage(good.slice(0, n))).toThrow(DecodeError);
    }
    expect(() => decodeClientMessage(Uint8Array.of(...good, 0))).toThrowError(
      expect.objectContaining({ code: "trailing" }),
    );
    expect(() => decodeClientMessage(Uint8Array.of(1, 0x7f))).toThrowError(
      expect.objectContaining({ code: "unknown-tag" }),
    );
    expect(() => decodeClientMessage(Uint8Array.of(2, 1))).toThrowError(
      expect.objectContaining({ code: "unknown-tag" }),
    );
    const unsorted = {
      ...clientSamples[3]!,
      bundle: { commit, welcome: null, adds: [], removes: ["c", "d"] },
    };
    const bytes = encodeClientMessage(unsorted as ClientMessage);
    const swapped = bytes.slice();
    swapped[swapped.length - 1] = 0x63; // "d" -> "c": duplicate
    expect(() => decodeClientMessage(swapped)).toThrowError(
      expect.objectContaining({ code: "non-canonical" }),
    );
    // A key package slot holding a Welcome is refused.
    const wrong = encodeClientMessage({ type: "key-package", keyPackage: welcome });
    expect(() => decodeClientMessage(wrong)).toThrowError(
      expect.objectContaining({ code: "invalid-mls-framing" }),
    );
    // Oversized length is refused before allocation.
    expect(() => decodeClientMessage(Uint8Array.of(1, 1, 0xff, 0xff, 0xff, 0xff))).toThrowError(
      expect.objectContaining({ code: "oversized" }),
    );
    // Presence flag must be 0 or 1.
    const withWelcome = encodeClientMessage(clientSamples[2]!);
    const flagAt = 2 + 4 + commit.length;
    expect(withWelcome[flagAt]).toBe(1);
    const badFlag = withWelcome.slice();
    badFlag[flagAt] = 2;
    expect(() => decodeClientMessage(badFlag)).toThrowError(
      expect.objectContaining({ code: "non-canonical" }),
    );
  });

  it("reads the epoch of a commit from its MLS framing and refuses non-commits", () => {
    expect(readCommitFraming(commit)).toEqual({
      wireFormat: 2,
      groupId: Uint8Array.of(0x67, 0x31),
      epoch: 7n,
    });
    const proposal = commit.slice();
    proposal[15] = 2;
    expect(() => readCommitFraming(proposal)).toThrowError(/not a commit/);
    // Non-minimal varint (2-byte form for length 2) is refused (RFC 9420 §2.1.2).
    const nonMinimal = Uint8Array.from([0, 1, 0, 2, 0x40, 2, 0x67, 0x31, 0, 0, 0, 0, 0, 0, 0, 7, 3]);
    expect(() => readCommitFraming(nonMinimal)).toThrowError(/non-minimal/);
    expect(() => readCommitFraming(welcome)).toThrow(DecodeError);
  });

  const RUNS = 10_000;
  const mutate = (samples: Uint8Array[]) =>
    fc
      .tuple(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 4,
        }),
      )
      .map(([base, edits]) => {
        let b = Array.from(base);
        for (const [pos, val, kind] of edits) {
          const i = b.length === 0 ? 0 : pos % b.length;
          if (kind === 0) b[i] = val;
          else if (kind === 1) b = b.slice(0, i);
          else if (kind === 2) b.splice(i, 0, val);
          else b.splice(i, 1);
        }
        return Uint8Array.from(b);
      });

  it(`fuzzes decodeClientMessage (${RUNS} cases: random + mutated)`, () => {
    const samples = clientSamples.map(encodeClientMessage);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutate(samples)), (b) =>
        expectDecodeErrorOrCanonical(b, decodeClientMessage, encodeClientMessage),
      ),
      { numRuns: RUNS },
    );
  });

  it(`fuzzes decodeServerMessage (${RUNS} cases: random + mutated)`, () => {
    const samples = serverSamples.map(encodeServerMessage);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutate(samples)), (b) =>
        expectDecodeErrorOrCanonical(b, decodeServerMessage, encodeServerMessage),
      ),
      { numRuns: RUNS },
    );
  });

  it(`fuzzes decodeSequencerState (${RUNS} cases: random + mutated)`, () => {
    const samples = [encodeSequencerState(stateSample)];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutate(samples)), (b) =>
        expectDecodeErrorOrCanonical(b, decodeSequencerState, encodeSequencerState),
      ),
      { numRuns: RUNS },
    );
  });

  it(`fuzzes readCommitFraming (${RUNS} cases): DecodeError or a header inside the input`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mutate([commit])), (b) => {
        try {
          const f = readCommitFraming(b);
          expect(f.groupId.length).toBeLessThan(b.length);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("round-trips arbitrary well-formed client messages", () => {
    const member = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const bundle = fc
      .record({
        adds: fc.uniqueArray(fc.tuple(member, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), {
          selector: (t) => t[0],
          maxLength: 5,
        }),
        removes: fc.uniqueArray(member, { maxLength: 5 }),
      })
      .map(({ adds, removes }) => ({
        commit,
        welcome: adds.length ? welcome : null,
        adds: adds
          .map(([m, s]) => ({ member: m, announceSeq: s }))
          .sort((a, b) => (a.member < b.member ? -1 : 1)),
        removes: [...removes].sort(),
      }));
    fc.assert(
      fc.property(bundle, (b) => {
        const m: ClientMessage = { type: "commit-bundle", bundle: b };
        expect(decodeClientMessage(encodeClientMessage(m))).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });
});
