/**
 * Per remote member figures, one source for both data planes: what the browser decoded (after
 * decryption) and the connection's quality, folded from `RTCPeerConnection.getStats()` (W3C
 * webrtc-stats: `inbound-rtp`, the nominated `candidate-pair`). On the mesh each member has its own
 * connection; on the SFU plane one connection carries everyone, its inbound streams told apart by the
 * pulled track's owner, and its round trip is the one to the SFU. Counters are cumulative: a reader that
 * wants a rate (loss in the last second) keeps the previous sample.
 */

export interface MemberStats {
  member: string;
  /** The member's mesh connection, or on the SFU plane the connection to the SFU. */
  connection: RTCPeerConnectionState;
  ice: RTCIceConnectionState;
  /** Round trip of the nominated candidate pair (on the SFU plane: to the SFU), null before one. */
  rttMs: number | null;
  packetsReceived: number;
  packetsLost: number;
  /** Loudest of the member's audio streams (0..1). */
  audioLevel: number;
  /** Received video track id -> frames decoded so far. */
  frames: Record<string, number>;
  framesDecoded: number;
  frameWidth: number;
  audioPacketsReceived: number;
  audioSamplesReceived: number;
}

export function emptyMemberStats(member: string, pc: RTCPeerConnection): MemberStats {
  return {
    member,
    connection: pc.connectionState,
    ice: pc.iceConnectionState,
    rttMs: null,
    packetsReceived: 0,
    packetsLost: 0,
    audioLevel: 0,
    frames: {},
    framesDecoded: 0,
    frameWidth: 0,
    audioPacketsReceived: 0,
    audioSamplesReceived: 0,
  };
}

type Inbound = RTCInboundRtpStreamStats & { totalSamplesReceived?: number; audioLevel?: number };

/** Adds one `inbound-rtp` report to a member's figures. */
export function addInbound(s: MemberStats, r: Inbound): void {
  s.packetsReceived += r.packetsReceived ?? 0;
  s.packetsLost += Math.max(0, r.packetsLost ?? 0);
  if (r.kind === "video") {
    s.framesDecoded += r.framesDecoded ?? 0;
    s.frameWidth = Math.max(s.frameWidth, r.frameWidth ?? 0);
    if (r.trackIdentifier) s.frames[r.trackIdentifier] = r.framesDecoded ?? 0;
  } else if (r.kind === "audio") {
    s.audioPacketsReceived += r.packetsReceived ?? 0;
    s.audioSamplesReceived += r.totalSamplesReceived ?? 0;
    s.audioLevel = Math.max(s.audioLevel, r.audioLevel ?? 0);
  }
}

/** The round trip of a report's nominated, succeeded candidate pair (ms), or null. */
export function candidatePairRtt(report: RTCStatsReport): number | null {
  let rtt: number | null = null;
  report.forEach((r) => {
    if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded")
      if (typeof r.currentRoundTripTime === "number") rtt = r.currentRoundTripTime * 1000;
  });
  return rtt;
}

/**
 * Folds one connection's report into per member figures; `owner` names the member of an inbound
 * stream's track (mesh: always the connection's member; SFU: the pull's member, else skipped).
 */
export function foldReport(
  report: RTCStatsReport,
  byMember: Map<string, MemberStats>,
  owner: (trackIdentifier: string) => string | undefined,
): void {
  const rtt = candidatePairRtt(report);
  for (const s of byMember.values()) if (rtt !== null) s.rttMs = rtt;
  report.forEach((r) => {
    if (r.type !== "inbound-rtp") return;
    const s = byMember.get(owner(r.trackIdentifier) ?? "");
    if (s) addInbound(s, r);
  });
}
