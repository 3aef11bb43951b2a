/**
 * Per-peer connection figures from `RTCPeerConnection.getStats()` once a second: round-trip time of the
 * selected candidate pair, packet loss since the last sample, remote audio level (speaking), frames
 * decoded per received track (to tell a live picture from a stalled one) and the ICE state.
 */
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
  private last = new Map<RTCPeerConnection, Totals>();

  async sample(pc: RTCPeerConnection): Promise<PeerSample> {
    const out: PeerSample = {
      rttMs: null,
      loss: 0,
      audioLevel: 0,
      frames: new Map(),
      ice: pc.iceConnectionState,
    };
    const totals: Totals = { lost: 0, received: 0 };
    const report = await pc.getStats();
    report.forEach((r) => {
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") {
        if (typeof r.currentRoundTripTime === "number") out.rttMs = r.currentRoundTripTime * 1000;
      } else if (r.type === "inbound-rtp") {
        totals.lost += Math.max(0, r.packetsLost ?? 0);
        totals.received += r.packetsReceived ?? 0;
        if (r.kind === "audio") out.audioLevel = Math.max(out.audioLevel, r.audioLevel ?? 0);
        if (r.kind === "video" && r.trackIdentifier) out.frames.set(r.trackIdentifier, r.framesDecoded ?? 0);
      }
    });
    const prev = this.last.get(pc) ?? { lost: 0, received: 0 };
    const dl = totals.lost - prev.lost;
    const dr = totals.received - prev.received;
    out.loss = dl + dr > 0 ? Math.max(0, dl) / (dl + dr) : 0;
    this.last.set(pc, totals);
    return out;
  }

  forget(pc: RTCPeerConnection): void {
    this.last.delete(pc);
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
