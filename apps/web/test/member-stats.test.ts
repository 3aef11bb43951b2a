/**
 * The engine's one per-member source (`src/engine/member-stats.ts`) and the UI's sampling of it
 * (`src/ui/quality.ts`): reports shaped as Chromium's `getStats()` gives them (webrtc-stats
 * `inbound-rtp`, `candidate-pair`), folded per member on the SFU plane (one connection, streams told
 * apart by the pulled track's owner) and on the mesh (one connection per member).
 */
import { describe, expect, it } from "vitest";
import { emptyMemberStats, foldReport, type MemberStats } from "../src/engine/member-stats.ts";
import { grade, PeerStats } from "../src/ui/quality.ts";

const pc = { connectionState: "connected", iceConnectionState: "connected" } as RTCPeerConnection;
const report = (entries: Record<string, unknown>[]) =>
  new Map(entries.map((e, i) => [`r${i}`, e])) as unknown as RTCStatsReport;

const video = (track: string, frames: number, received: number, lost: number) => ({
  type: "inbound-rtp",
  kind: "video",
  trackIdentifier: track,
  framesDecoded: frames,
  frameWidth: 160,
  packetsReceived: received,
  packetsLost: lost,
});
const audio = (track: string, level: number, received: number) => ({
  type: "inbound-rtp",
  kind: "audio",
  trackIdentifier: track,
  audioLevel: level,
  packetsReceived: received,
  packetsLost: 0,
  totalSamplesReceived: received * 960,
});
const pair = (rtt: number, nominated = true) => ({
  type: "candidate-pair",
  nominated,
  state: "succeeded",
  currentRoundTripTime: rtt,
});

describe("foldReport", () => {
  it("SFU plane: one report split by the pulled tracks' owners, the SFU round trip for everyone", () => {
    const owner = new Map([
      ["a-video", "m1"],
      ["a-audio", "m1"],
      ["b-video", "m2"],
    ]);
    const byMember = new Map(["m1", "m2"].map((m) => [m, emptyMemberStats(m, pc)] as const));
    foldReport(
      report([
        pair(0.5, false),
        pair(0.012),
        video("a-video", 40, 300, 3),
        audio("a-audio", 0.3, 100),
        video("b-video", 7, 90, 0),
        video("not-pulled", 99, 999, 99),
      ]),
      byMember,
      (t) => owner.get(t),
    );
    const m1 = byMember.get("m1")!;
    const m2 = byMember.get("m2")!;
    expect(m1.rttMs).toBeCloseTo(12);
    expect(m2.rttMs).toBeCloseTo(12);
    expect(m1).toMatchObject({
      framesDecoded: 40,
      frameWidth: 160,
      frames: { "a-video": 40 },
      packetsReceived: 400,
      packetsLost: 3,
      audioLevel: 0.3,
      audioPacketsReceived: 100,
      audioSamplesReceived: 96_000,
    });
    expect(m2).toMatchObject({ framesDecoded: 7, frames: { "b-video": 7 }, packetsReceived: 90 });
  });

  it("no nominated pair yet: no round trip (the tile says connecting)", () => {
    const byMember = new Map([["m1", emptyMemberStats("m1", pc)]]);
    foldReport(report([pair(0.01, false), video("v", 0, 0, 0)]), byMember, () => "m1");
    expect(byMember.get("m1")!.rttMs).toBeNull();
    expect(grade(new PeerStats().sample(byMember.get("m1")!)).q).toBe("unknown");
  });
});

describe("PeerStats (UI)", () => {
  const stats = (member: string, received: number, lost: number, rttMs = 20): MemberStats => ({
    ...emptyMemberStats(member, pc),
    rttMs,
    packetsReceived: received,
    packetsLost: lost,
  });

  it("loss is per member and since that member's previous sample; restarted counters start over", () => {
    const q = new PeerStats();
    expect(q.sample(stats("m1", 100, 0)).loss).toBe(0);
    expect(q.sample(stats("m2", 50, 50)).loss).toBe(0.5);
    // m1: 100 more received, 10 more lost since its last sample; m2's figures do not count.
    expect(q.sample(stats("m1", 190, 10)).loss).toBeCloseTo(10 / 100);
    expect(grade(q.sample(stats("m1", 290, 10))).q).toBe("good");
    // A new connection (rejoin, rebuilt SFU plane): counters below the last sample.
    expect(q.sample(stats("m1", 20, 5)).loss).toBeCloseTo(5 / 25);
    q.forget("m2");
    expect(q.sample(stats("m2", 60, 50)).loss).toBeCloseTo(50 / 110);
  });
});
