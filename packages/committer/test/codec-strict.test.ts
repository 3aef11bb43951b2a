/**
 * Room protocol codec at its exact limits (issue 18, mutation testing): every rejection with its code
 * and offset, MLS payloads of the wrong kind in every slot, unsorted and duplicate lists in every list,
 * the reject reasons 1..4 and nothing else, and the largest lists and messages the bounds admit.
 */
import { describe, expect, it } from "vitest";
import {
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  MAX_CLIENT_FRAME_BYTES,
  MAX_MEMBERS,
  MAX_MLS_MESSAGE,
} from "../src/codec.ts";
import { DecodeError } from "../src/errors.ts";
import type { ClientMessage, CommitBundle, ServerMessage } from "../src/protocol.ts";
import type { RoomView } from "../src/room-view.ts";

const kp = (s: string) => Uint8Array.from([0, 1, 0, 5, ...new TextEncoder().encode(s)]);
const welcome = Uint8Array.from([0, 1, 0, 3, 9, 9]);
// PrivateMessage header: mls10, wire format 2, group_id<V> "g1", epoch 7, content_type commit, body.
const commit = Uint8Array.from([0, 1, 0, 2, 2, 0x67, 0x31, 0, 0, 0, 0, 0, 0, 0, 7, 3, 0xaa, 0xbb]);
const groupInfo = Uint8Array.from([0, 1, 0, 4, 1]);

function rejection(f: () => unknown): [string, number] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return [(e as DecodeError).code, (e as DecodeError).offset];
  }
  return ["accepted", -1];
}

/** Hand-built client frame: version 1, tag, then the parts. */
const frame = (...parts: number[][]) => Uint8Array.from(parts.flat());
const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const mls = (b: Uint8Array) => [...u32(b.length), ...b];
const id = (s: string) => [s.length, ...new TextEncoder().encode(s)];
const u16 = (n: number) => [n >> 8, n & 0xff];
const u64 = (n: number) => [0, 0, 0, 0, ...u32(n)];

describe("commit bundles", () => {
  const bundleFrame = (c: Uint8Array, rest: number[]) => frame([1, 2], mls(c), rest);

  it("the commit slot must hold a commit: a key package, Welcome or proposal is refused", () => {
    const ok = bundleFrame(commit, [0, 0, 0, 0, 0]);
    expect(decodeClientMessage(ok)).toEqual({
      type: "commit-bundle",
      bundle: { commit, welcome: null, adds: [], removes: [] },
    });
    for (const notCommit of [kp("a"), welcome, groupInfo]) {
      expect(rejection(() => decodeClientMessage(bundleFrame(notCommit, [0, 0, 0, 0, 0])))[0]).toBe(
        "invalid-mls-framing",
      );
    }
    const proposal = commit.slice();
    proposal[15] = 2;
    expect(rejection(() => decodeClientMessage(bundleFrame(proposal, [0, 0, 0, 0, 0])))[0]).toBe(
      "invalid-mls-framing",
    );
    // The offset points into the commit, past the frame header and length.
    const [, at] = rejection(() => decodeClientMessage(bundleFrame(proposal, [0, 0, 0, 0, 0])));
    expect(at).toBeGreaterThanOrEqual(6);
    expect(at).toBeLessThan(6 + commit.length);
  });

  it("the Welcome slot must hold a Welcome", () => {
    expect(
      rejection(() => decodeClientMessage(bundleFrame(commit, [1, ...mls(kp("a")), 0, 0, 0, 0]))),
    ).toEqual(["invalid-mls-framing", 2 + 4 + commit.length + 1 + 4]);
    const good = decodeClientMessage(bundleFrame(commit, [1, ...mls(welcome), 0, 0, 0, 0]));
    expect((good as Extract<ClientMessage, { type: "commit-bundle" }>).bundle.welcome).toEqual(welcome);
  });

  it("adds and removes must be strictly increasing: unsorted and duplicate ids are refused where they start", () => {
    const base = 2 + 4 + commit.length + 1;
    const adds = (...ms: string[]) => [...u16(ms.length), ...ms.flatMap((m) => [...id(m), ...u64(1)])];
    const removes = (...ms: string[]) => [...u16(ms.length), ...ms.flatMap(id)];
    expect(
      rejection(() => decodeClientMessage(bundleFrame(commit, [0, ...adds("b", "a"), ...removes()]))),
    ).toEqual(["non-canonical", base + 2 + 10]);
    expect(
      rejection(() => decodeClientMessage(bundleFrame(commit, [0, ...adds("a", "a"), ...removes()]))),
    ).toEqual(["non-canonical", base + 2 + 10]);
    expect(
      rejection(() => decodeClientMessage(bundleFrame(commit, [0, ...adds(), ...removes("b", "a")]))),
    ).toEqual(["non-canonical", base + 2 + 2 + 2]);
    expect(
      rejection(() => decodeClientMessage(bundleFrame(commit, [0, ...adds(), ...removes("a", "a")]))),
    ).toEqual(["non-canonical", base + 2 + 2 + 2]);
    const m = decodeClientMessage(bundleFrame(commit, [0, ...adds("a", "ab", "b"), ...removes("A", "a")]));
    expect((m as Extract<ClientMessage, { type: "commit-bundle" }>).bundle).toEqual({
      commit,
      welcome: null,
      adds: [
        { member: "a", announceSeq: 1n },
        { member: "ab", announceSeq: 1n },
        { member: "b", announceSeq: 1n },
      ],
      removes: ["A", "a"],
    });
  });

  it("the encoder refuses unsorted or duplicate lists too", () => {
    const b = (over: Partial<CommitBundle>): ClientMessage => ({
      type: "commit-bundle",
      bundle: { commit, welcome: null, adds: [], removes: [], ...over },
    });
    const add = (member: string) => ({ member, announceSeq: 1n });
    expect(() => encodeClientMessage(b({ adds: [add("b"), add("a")] }))).toThrow(RangeError);
    expect(() => encodeClientMessage(b({ adds: [add("a"), add("a")] }))).toThrow(RangeError);
    expect(() => encodeClientMessage(b({ removes: ["b", "a"] }))).toThrow(RangeError);
    expect(() => encodeClientMessage(b({ removes: ["a", "a"] }))).toThrow(RangeError);
    expect(
      encodeClientMessage(b({ adds: [add("a"), add("b")], removes: ["a", "b"] })).length,
    ).toBeGreaterThan(0);
  });

  it("lists of exactly MAX_MEMBERS round-trip; one more is refused by both sides", () => {
    const ids = Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => `m${String(i).padStart(4, "0")}`);
    const max: ClientMessage = {
      type: "commit-bundle",
      bundle: { commit, welcome: null, adds: [], removes: ids.slice(0, MAX_MEMBERS) },
    };
    expect(decodeClientMessage(encodeClientMessage(max))).toEqual(max);
    const over = { ...max, bundle: { ...max.bundle, removes: ids } };
    expect(() => encodeClientMessage(over)).toThrow(RangeError);
    const bytes = bundleFrame(commit, [0, 0, 0, ...u16(MAX_MEMBERS + 1), ...ids.flatMap(id)]);
    expect(rejection(() => decodeClientMessage(bytes))).toEqual(["oversized", 2 + 4 + commit.length + 1 + 2]);
  });
});

describe("MLS payloads: length bounds", () => {
  it("a client frame of exactly MAX_CLIENT_FRAME_BYTES is accepted; one byte more is refused before parsing", () => {
    const fit = new Uint8Array(MAX_CLIENT_FRAME_BYTES - 6);
    fit.set([0, 1, 0, 5]);
    fit[fit.length - 1] = 0x5a;
    const bytes = encodeClientMessage({ type: "key-package", keyPackage: fit });
    expect(bytes.length).toBe(MAX_CLIENT_FRAME_BYTES);
    const back = decodeClientMessage(bytes) as Extract<ClientMessage, { type: "key-package" }>;
    expect(Buffer.from(back.keyPackage).equals(Buffer.from(fit))).toBe(true);
    const over = new Uint8Array(MAX_CLIENT_FRAME_BYTES + 1);
    over.set([1, 1, ...u32(over.length - 6), 0, 1, 0, 5]);
    expect(rejection(() => decodeClientMessage(over))).toEqual(["oversized", 0]);
  });

  it("an MLS message of exactly MAX_MLS_MESSAGE bytes is accepted; one byte more and empty are refused", () => {
    const big = new Uint8Array(MAX_MLS_MESSAGE);
    big.set([0, 1, 0, 5]);
    big[big.length - 1] = 0x5a;
    // Server frames carry no frame cap of their own, so the MLS bound is what an event meets.
    const event = (payload: Uint8Array) => frame([1, 0x82], u64(1), [1], id("a"), mls(payload));
    const back = decodeServerMessage(event(big)) as Extract<ServerMessage, { type: "event" }>;
    expect(back.event).toEqual({ type: "announced", member: "a", keyPackage: big });
    const over = new Uint8Array(MAX_MLS_MESSAGE + 1);
    over.set([0, 1, 0, 5]);
    expect(() => encodeClientMessage({ type: "key-package", keyPackage: over })).toThrow(RangeError);
    expect(rejection(() => decodeServerMessage(event(over)))).toEqual(["oversized", 13]);
    expect(() => encodeClientMessage({ type: "key-package", keyPackage: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(rejection(() => decodeClientMessage(frame([1, 1], u32(0))))).toEqual(["non-canonical", 2]);
  });

  it("a resync carries a key package, and nothing else", () => {
    const ok = frame([1, 3], mls(kp("a")));
    expect(decodeClientMessage(ok)).toEqual({ type: "resync", keyPackage: kp("a") });
    expect(rejection(() => decodeClientMessage(frame([1, 3], mls(welcome))))).toEqual([
      "invalid-mls-framing",
      6,
    ]);
    expect(rejection(() => decodeClientMessage(frame([1, 1], mls(commit))))).toEqual([
      "invalid-mls-framing",
      6,
    ]);
  });

  it("unknown client tags and versions", () => {
    for (const tag of [0, 6, 0x81]) {
      expect(rejection(() => decodeClientMessage(frame([1, tag], mls(kp("a")))))).toEqual(["unknown-tag", 1]);
    }
    expect(rejection(() => decodeClientMessage(frame([0, 1], mls(kp("a")))))).toEqual(["unknown-tag", 0]);
    expect(rejection(() => decodeClientMessage(frame([2, 1], mls(kp("a")))))).toEqual(["unknown-tag", 0]);
    expect(rejection(() => decodeClientMessage(frame([1, 1], mls(kp("a")), [0])))).toEqual([
      "trailing",
      2 + 4 + kp("a").length,
    ]);
  });
});

describe("server messages", () => {
  const digest = Array.from({ length: 32 }, (_, i) => i + 1);
  const rejected = (reason: number) => frame([1, 0x83], u64(3), digest, [reason]);

  it("reject reasons are exactly 1..4", () => {
    for (const reason of [1, 2, 3, 4]) {
      expect(decodeServerMessage(rejected(reason))).toEqual({
        type: "commit-rejected",
        epoch: 3n,
        digest: Uint8Array.from(digest),
        reason,
      });
    }
    for (const reason of [0, 5, 0xff]) {
      expect(rejection(() => decodeServerMessage(rejected(reason)))).toEqual(["unknown-tag", 42]);
    }
  });

  it("unknown server and event tags", () => {
    expect(rejection(() => decodeServerMessage(frame([1, 0x85])))).toEqual(["unknown-tag", 1]);
    expect(rejection(() => decodeServerMessage(frame([1, 0x01])))).toEqual(["unknown-tag", 1]);
    for (const tag of [0, 6]) {
      expect(rejection(() => decodeServerMessage(frame([1, 0x82], u64(1), [tag], id("a"))))).toEqual([
        "unknown-tag",
        10,
      ]);
    }
    expect(rejection(() => decodeServerMessage(frame([2, 0x83], u64(3), digest, [1])))).toEqual([
      "unknown-tag",
      0,
    ]);
  });

  it("each event kind decodes from its documented bytes, and refuses a wrong MLS payload", () => {
    const ev = (...parts: number[][]) => frame([1, 0x82], u64(9), ...parts);
    expect(decodeServerMessage(ev([1], id("a"), mls(kp("a"))))).toEqual({
      type: "event",
      seq: 9n,
      event: { type: "announced", member: "a", keyPackage: kp("a") },
    });
    expect(rejection(() => decodeServerMessage(ev([1], id("a"), mls(welcome))))).toEqual([
      "invalid-mls-framing",
      17,
    ]);
    expect(decodeServerMessage(ev([2], id("a")))).toEqual({
      type: "event",
      seq: 9n,
      event: { type: "left", member: "a" },
    });
    expect(decodeServerMessage(ev([3], [1, 7], id("b")))).toEqual({
      type: "event",
      seq: 9n,
      event: { type: "group-started", groupId: Uint8Array.of(7), creator: "b" },
    });
    expect(rejection(() => decodeServerMessage(ev([3], [0], id("b"))))).toEqual(["non-canonical", 11]);
    const committed = decodeServerMessage(ev([4], id("b"), mls(commit), [0, 0, 0, 0, 0]));
    expect(committed).toEqual({
      type: "event",
      seq: 9n,
      event: { type: "committed", sender: "b", bundle: { commit, welcome: null, adds: [], removes: [] } },
    });
    expect(rejection(() => decodeServerMessage(ev([4], id("b"), mls(kp("b")), [0, 0, 0, 0, 0])))[0]).toBe(
      "invalid-mls-framing",
    );
    expect(() =>
      encodeServerMessage({
        type: "event",
        seq: 1n,
        event: { type: "group-started", groupId: new Uint8Array(0), creator: "a" },
      }),
    ).toThrow(RangeError);
  });

  it("snapshots: roster and present lists sorted and unique, group id non-empty, payloads key packages", () => {
    const view = (over: Partial<RoomView> = {}): ServerMessage => ({
      type: "snapshot",
      you: "me",
      view: { nextSeq: 1n, generation: 0n, group: null, present: new Map(), ...over },
    });
    const withGroup = view({
      group: {
        groupId: Uint8Array.of(1),
        epoch: 2n,
        roster: new Map([
          ["b", 2n],
          ["a", 1n],
        ]),
      },
      present: new Map([
        ["b", { announceSeq: 2n, keyPackage: kp("b") }],
        ["a", { announceSeq: 1n, keyPackage: kp("a") }],
      ]),
    });
    const bytes = encodeServerMessage(withGroup);
    const back = decodeServerMessage(bytes) as Extract<ServerMessage, { type: "snapshot" }>;
    expect([...back.view.group!.roster.keys()]).toEqual(["a", "b"]);
    expect([...back.view.present.keys()]).toEqual(["a", "b"]);
    expect(back.view.present.get("b")).toEqual({ announceSeq: 2n, keyPackage: kp("b") });
    expect(back.view.group!.roster.get("b")).toBe(2n);
    // Layout: 1, 0x81, you, nextSeq, generation, flag 1, groupId<1>, epoch, count 2, a, seq, b, seq, count 2, ...
    const rosterAt = 2 + 3 + 8 + 8 + 1 + 2 + 8 + 2;
    const swapped = bytes.slice();
    swapped[rosterAt + 1] = 0x62; // "a" -> "b": a duplicate
    expect(rejection(() => decodeServerMessage(swapped))).toEqual(["non-canonical", rosterAt + 2 + 8]);
    const presentAt = rosterAt + 2 * (2 + 8) + 2;
    const dupPresent = bytes.slice();
    dupPresent[presentAt + 1] = 0x62;
    const presentSecond = presentAt + 2 + 8 + 4 + kp("a").length;
    expect(rejection(() => decodeServerMessage(dupPresent))).toEqual(["non-canonical", presentSecond]);
    const wrongKp = encodeServerMessage(
      view({ present: new Map([["a", { announceSeq: 1n, keyPackage: welcome }]]) }),
    );
    expect(rejection(() => decodeServerMessage(wrongKp))[0]).toBe("invalid-mls-framing");
    const noGroupId = bytes.slice();
    noGroupId[2 + 3 + 8 + 8 + 1] = 0;
    expect(rejection(() => decodeServerMessage(noGroupId))[0]).toBe("non-canonical");
    expect(() =>
      encodeServerMessage(view({ group: { groupId: new Uint8Array(0), epoch: 0n, roster: new Map() } })),
    ).toThrow(RangeError);
    const badFlag = encodeServerMessage(view()).slice();
    badFlag[2 + 3 + 8 + 8] = 2;
    expect(rejection(() => decodeServerMessage(badFlag))).toEqual(["non-canonical", 2 + 3 + 8 + 8]);
  });
});
