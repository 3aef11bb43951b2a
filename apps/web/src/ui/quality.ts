/**
 * Per-member connection figures for the tiles, once a second, from the engine's one per-member source
 * (`Call.mediaStats()`, filled by either data plane): round-trip time, packet loss since the last sample,
 * remote audio level (speaking), frames decoded per received track (to tell a live picture from a stalled
 * one) and the ICE state. On the SFU plane the round trip and ICE state are those of the one connection
 * to the SFU; loss, level and frames are the member's own streams.
 */
import type { MemberStats } from "../engine/member-stats.ts";
import type { Quality } from "./tile.ts";

export interface PeerSample {
  rttMs: number | null;
  /** Fraction of packets lost since the previous sample (0..1). */
  loss: number;
  audioLevel: number;
  /** Received track id -> frames decoded so far. */
  frames: Map<string, number>;
  ice: RTCIceConnectionState;
}

interface Totals {
  lost: number;
  received: number;
}

export class PeerStats {
  private last = new Map<string, Totals>();

  /** One member's sample; loss is counted against the previous sample of the same member. */
  sample(s: MemberStats): PeerSample {
    const prev = this.last.get(s.member) ?? { lost: 0, received: 0 };
    // Counters restart with a new connection (a rejoin, a rebuilt SFU plane): start over from them.
    const base =
      s.packetsReceived < prev.received || s.packetsLost < prev.lost ? { lost: 0, received: 0 } : prev;
    const dl = s.packetsLost - base.lost;
    const dr = s.packetsReceived - base.received;
    this.last.set(s.member, { lost: s.packetsLost, received: s.packetsReceived });
    return {
      rttMs: s.rttMs,
      loss: dl + dr > 0 ? Math.max(0, dl) / (dl + dr) : 0,
      audioLevel: s.audioLevel,
      frames: new Map(Object.entries(s.frames)),
      ice: s.ice,
    };
  }

  forget(member: string): void {
    this.last.delete(member);
  }
}

export function grade(s: PeerSample): { q: Quality; detail: string } {
  if (s.ice === "disconnected" || s.ice === "failed") return { q: "poor", detail: `ICE ${s.ice}` };
  if (s.rttMs === null) return { q: "unknown", detail: "connecting" };
  const detail = `round trip ${Math.round(s.rttMs)} ms, loss ${(s.loss * 100).toFixed(1)} %`;
  if (s.loss > 0.08 || s.rttMs > 500) return { q: "poor", detail };
  if (s.loss > 0.02 || s.rttMs > 250) return { q: "fair", detail };
  return { q: "good", detail };
}
