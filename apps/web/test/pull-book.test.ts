/**
 * The SFU plane's pull bookkeeping (`src/engine/pull-book.ts`): which remote tracks to pull, re-point
 * and close as members announce, change and leave, and on our own reconnect.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TrackRef, TrackSlot } from "../src/engine/app-message.ts";
import { PullBook, type PullChange } from "../src/engine/pull-book.ts";

const ref = (slot: TrackSlot, session = "s1", name = `${slot}-1`, stream = "cam"): TrackRef => ({
  slot,
  session,
  name,
  stream,
});
const summary = (changes: PullChange[]) =>
  changes.map((c) => `${c.op} ${c.member}/${c.track.slot}@${c.track.session}:${c.track.name}`).sort();

describe("PullBook", () => {
  it("pulls what a present member announces, once", () => {
    const b = new PullBook();
    expect(b.setPresent(["a", "b"])).toEqual([]);
    expect(summary(b.announce("a", [ref("audio"), ref("video")]))).toEqual([
      "open a/audio@s1:audio-1",
      "open a/video@s1:video-1",
    ]);
    // The same set again (every new epoch repeats it): nothing to do.
    expect(b.announce("a", [ref("video"), ref("audio")])).toEqual([]);
    expect(b.open()).toHaveLength(2);
  });

  it("re-points a slot whose session or name changed (the sender's SFU connection was rebuilt)", () => {
    const b = new PullBook();
    b.setPresent(["a"]);
    b.announce("a", [ref("audio"), ref("video")]);
    const changes = b.announce("a", [ref("audio", "s2", "audio-2"), ref("video")]);
    expect(changes).toEqual([
      { op: "switch", member: "a", track: ref("audio", "s2", "audio-2"), previous: ref("audio") },
    ]);
    expect(
      b
        .open()
        .map((p) => p.track.session)
        .sort(),
    ).toEqual(["s1", "s2"]);
  });

  it("closes a slot the member no longer announces (screen share stopped)", () => {
    const b = new PullBook();
    b.setPresent(["a"]);
    b.announce("a", [ref("audio"), ref("video"), ref("screen", "s1", "scr", "scr-stream")]);
    expect(summary(b.announce("a", [ref("audio"), ref("video")]))).toEqual(["close a/screen@s1:scr"]);
  });

  it("closes every pull of a member that leaves, and forgets it", () => {
    const b = new PullBook();
    b.setPresent(["a", "b"]);
    b.announce("a", [ref("audio"), ref("video")]);
    b.announce("b", [ref("audio", "t1", "b-audio")]);
    expect(summary(b.setPresent(["b"]))).toEqual(["close a/audio@s1:audio-1", "close a/video@s1:video-1"]);
    expect(b.open().map((p) => p.member)).toEqual(["b"]);
    // Present again under the same id (not something the room does, but): nothing is pulled until it
    // announces again.
    expect(b.setPresent(["a", "b"])).toEqual([]);
  });

  it("ignores a late announcement of a member that already left", () => {
    const b = new PullBook();
    b.setPresent(["a"]);
    b.setPresent([]);
    expect(b.announce("a", [ref("audio")])).toEqual([]);
    expect(b.open()).toEqual([]);
    // …and does not act on it later either.
    expect(b.setPresent(["b"])).toEqual([]);
    expect(b.setPresent(["a", "b"])).toEqual([]);
  });

  it("holds an announcement that arrives before the member's presence until the view shows it", () => {
    const b = new PullBook();
    expect(b.announce("a", [ref("video")])).toEqual([]);
    expect(summary(b.setPresent(["a"]))).toEqual(["open a/video@s1:video-1"]);
  });

  it("reset closes everything and forgets every announcement", () => {
    const b = new PullBook();
    b.setPresent(["a", "b"]);
    b.announce("a", [ref("audio")]);
    b.announce("b", [ref("video")]);
    expect(summary(b.reset())).toEqual(["close a/audio@s1:audio-1", "close b/video@s1:video-1"]);
    expect(b.open()).toEqual([]);
    expect(b.setPresent(["a", "b"])).toEqual([]);
  });

  it("model check: applying the changes always yields exactly the present members' latest announcements", () => {
    const member = fc.constantFrom("a", "b", "c");
    const tracks = fc.uniqueArray(
      fc.record(
        {
          slot: fc.constantFrom<TrackSlot>("audio", "video", "screen"),
          session: fc.constantFrom("s1", "s2"),
          name: fc.constantFrom("n1", "n2"),
          stream: fc.constantFrom("x", "y"),
        },
        { noNullPrototype: true },
      ),
      { selector: (t) => t.slot, maxLength: 3 },
    );
    const step = fc.oneof(
      fc.record({ t: fc.constant("announce" as const), member, tracks }),
      fc.record({ t: fc.constant("present" as const), members: fc.uniqueArray(member) }),
      fc.record({ t: fc.constant("reset" as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const b = new PullBook();
        // What a plane holds after applying every change, as partytracks would.
        const pulled = new Map<string, TrackRef>();
        let present = new Set<string>();
        const latest = new Map<string, TrackRef[]>();
        for (const s of steps) {
          let changes: PullChange[];
          if (s.t === "announce") {
            changes = b.announce(s.member, s.tracks);
            latest.set(s.member, s.tracks); // held until a view without the member
          } else if (s.t === "present") {
            changes = b.setPresent(s.members);
            present = new Set(s.members);
            for (const m of [...latest.keys()]) if (!present.has(m)) latest.delete(m);
          } else {
            changes = b.reset();
            present = new Set();
            latest.clear();
          }
          for (const c of changes) {
            const key = `${c.member}/${c.track.slot}`;
            if (c.op === "open") expect(pulled.has(key)).toBe(false);
            else expect(pulled.get(key)).toEqual(c.op === "close" ? c.track : c.previous);
            if (c.op === "close") pulled.delete(key);
            else pulled.set(key, c.track);
          }
          const expected = new Map<string, TrackRef>();
          for (const [m, ts] of latest)
            if (present.has(m)) for (const t of ts) expected.set(`${m}/${t.slot}`, t);
          const byKey = (m: Map<string, TrackRef>) => [...m].sort(([x], [y]) => (x < y ? -1 : 1));
          expect(byKey(pulled)).toEqual(byKey(expected));
          expect(b.open()).toHaveLength(pulled.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});
