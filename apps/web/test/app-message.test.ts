/**
 * The application-message codec (`src/engine/app-message.ts`), mainly the SFU plane's `tracks` message:
 * what one member tells the others about where its tracks are, end-to-end encrypted. A member must not be
 * able to make another member's page throw or pull something malformed.
 */
import { MAX_CHAT_BYTES } from "@sealroom/committer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AppMessage,
  decodeAppMessage,
  encodeAppMessage,
  MAX_TRACK_ID,
  type TracksBody,
} from "../src/engine/app-message.ts";

const utf8 = new TextEncoder();
const raw = (o: unknown) => utf8.encode(JSON.stringify(o));

const tracks: TracksBody = {
  kind: "tracks",
  tracks: [
    {
      slot: "audio",
      session: "6f0c8d1e2a3b4c5d6e7f8091a2b3c4d5",
      name: "b1f2-audio",
      stream: "{cam-stream}",
    },
    {
      slot: "video",
      session: "6f0c8d1e2a3b4c5d6e7f8091a2b3c4d5",
      name: "b1f2-video",
      stream: "{cam-stream}",
    },
    { slot: "screen", session: "6f0c8d1e2a3b4c5d6e7f8091a2b3c4d5", name: "c3d4-screen", stream: "{scr}" },
  ],
  at: 1764633600000,
};

describe("tracks message", () => {
  it("round-trips, including an empty set (every track stopped)", () => {
    expect(decodeAppMessage(encodeAppMessage(tracks))).toEqual(tracks);
    const none: TracksBody = { kind: "tracks", tracks: [], at: 0 };
    expect(decodeAppMessage(encodeAppMessage(none))).toEqual(none);
  });

  it("is the documented JSON", () => {
    const json = JSON.parse(new TextDecoder().decode(encodeAppMessage(tracks)));
    expect(json).toEqual({ v: 1, ...tracks });
  });

  it("drops unknown fields of a track and of the message", () => {
    const t = { ...tracks.tracks[0]!, mid: "0", extra: true };
    expect(decodeAppMessage(raw({ v: 1, kind: "tracks", tracks: [t], at: 1, x: 1 }))).toEqual({
      kind: "tracks",
      tracks: [tracks.tracks[0]],
      at: 1,
    });
  });

  const bad: [string, unknown][] = [
    ["no tracks array", { v: 1, kind: "tracks", at: 1 }],
    ["tracks not an array", { v: 1, kind: "tracks", tracks: {}, at: 1 }],
    ["four tracks", { v: 1, kind: "tracks", tracks: [...tracks.tracks, tracks.tracks[0]], at: 1 }],
    ["a slot twice", { v: 1, kind: "tracks", tracks: [tracks.tracks[1], tracks.tracks[1]], at: 1 }],
    ["unknown slot", { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], slot: "data" }], at: 1 }],
    ["empty session", { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], session: "" }], at: 1 }],
    ["numeric name", { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], name: 7 }], at: 1 }],
    [
      "name too long",
      { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], name: "n".repeat(MAX_TRACK_ID + 1) }], at: 1 },
    ],
    ["control character", { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], name: "a\nb" }], at: 1 }],
    [
      "stream too long",
      { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], stream: "s".repeat(101) }], at: 1 },
    ],
    ["missing stream", { v: 1, kind: "tracks", tracks: [{ ...tracks.tracks[0], stream: undefined }], at: 1 }],
    ["track null", { v: 1, kind: "tracks", tracks: [null], at: 1 }],
    ["negative time", { v: 1, kind: "tracks", tracks: [], at: -1 }],
    ["no time", { v: 1, kind: "tracks", tracks: [] }],
    ["version 2", { v: 2, kind: "tracks", tracks: [], at: 1 }],
  ];
  it.each(bad)("rejects %s", (_, value) => {
    expect(decodeAppMessage(raw(value))).toBeNull();
  });

  it("accepts names up to the limit", () => {
    const long = { ...tracks.tracks[0]!, session: "s".repeat(MAX_TRACK_ID), name: "n".repeat(MAX_TRACK_ID) };
    expect(decodeAppMessage(raw({ v: 1, kind: "tracks", tracks: [long], at: 1 }))).toEqual({
      kind: "tracks",
      tracks: [long],
      at: 1,
    });
  });
});

describe("decoder on hostile input (fast-check)", () => {
  const slot = fc.constantFrom("audio", "video", "screen", "data", "", 3, null);
  const id = fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.constant(null));
  const track = fc.record({ slot, session: id, name: id, stream: id }, { requiredKeys: [] });
  const message = fc.record(
    {
      v: fc.constantFrom(1, 2, "1"),
      kind: fc.constantFrom("tracks", "presence", "chat", "other"),
      tracks: fc.oneof(fc.array(track, { maxLength: 5 }), fc.anything()),
      at: fc.oneof(fc.double(), fc.nat(), fc.string()),
    },
    { requiredKeys: [] },
  );

  it("never throws; whatever it accepts re-encodes to itself", () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = raw(m);
        const out = decodeAppMessage(bytes);
        if (out === null) return;
        expect(decodeAppMessage(encodeAppMessage(out))).toEqual(out);
        if (out.kind === "tracks") {
          expect(new Set(out.tracks.map((t) => t.slot)).size).toBe(out.tracks.length);
          for (const t of out.tracks) {
            expect(t.session.length).toBeGreaterThan(0);
            expect(t.name.length).toBeLessThanOrEqual(MAX_TRACK_ID);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        decodeAppMessage(b);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses to encode more than MAX_CHAT_BYTES", () => {
    const big = {
      kind: "tracks",
      tracks: [{ slot: "audio", session: "s", name: "n", stream: "x".repeat(MAX_CHAT_BYTES) }],
      at: 1,
    } as AppMessage;
    expect(() => encodeAppMessage(big)).toThrow(RangeError);
  });
});
