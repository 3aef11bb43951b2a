/**
 * One peer of the mesh: an `RTCPeerConnection` to one other member, negotiated with the "perfect
 * negotiation" pattern (W3C WebRTC 1.0 §10.7 example; the polite side yields on an offer collision),
 * signalled through the room. Every sender and receiver gets the media worker's SFrame transform before
 * any media flows: senders right after `addTrack`, receivers synchronously in `ontrack`. Video is VP8
 * (the clear prefix the frame layer keeps for its depacketizer), audio Opus.
 */
import { attachFrameTransform } from "@sealroom/mls-frames";

export interface PeerSignal {
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
}

export interface PeerOptions {
  me: string;
  remote: string;
  iceServers: RTCIceServer[];
  mediaWorker: Worker;
  local: MediaStream;
  signal(payload: PeerSignal): void;
  onTrack(track: MediaStreamTrack): void;
  onState(state: RTCPeerConnectionState): void;
}

/** KID stream contexts (RFC 9605 §5.2 layout in @sealroom/mls-frames). */
const CONTEXT = { audio: 0, video: 1 } as const;

export const useScriptTransform = () => "RTCRtpScriptTransform" in globalThis;

export class Peer {
  readonly pc: RTCPeerConnection;
  readonly remote: string;
  readonly tracks: MediaStreamTrack[] = [];
  private readonly polite: boolean;
  private makingOffer = false;
  private ignoreOffer = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly opts: PeerOptions;

  constructor(opts: PeerOptions) {
    this.opts = opts;
    this.remote = opts.remote;
    this.polite = opts.me > opts.remote;
    const config = { iceServers: opts.iceServers } as RTCConfiguration & {
      encodedInsertableStreams?: boolean;
    };
    if (!useScriptTransform()) config.encodedInsertableStreams = true;
    this.pc = new RTCPeerConnection(config);
    this.pc.onicecandidate = (e) => opts.signal({ candidate: e.candidate?.toJSON() ?? null });
    this.pc.onconnectionstatechange = () => opts.onState(this.pc.connectionState);
    this.pc.ontrack = (e) => {
      this.attachReceiver(e.receiver);
      this.tracks.push(e.track);
      opts.onTrack(e.track);
    };
    this.pc.onnegotiationneeded = () => {
      this.chain = this.chain.then(async () => {
        try {
          this.makingOffer = true;
          this.preferVp8();
          await this.pc.setLocalDescription();
          opts.signal({ description: this.pc.localDescription!.toJSON() });
        } finally {
          this.makingOffer = false;
        }
      });
    };
    for (const track of opts.local.getTracks()) {
      const sender = this.pc.addTrack(track, opts.local);
      attachFrameTransform(sender, opts.mediaWorker, {
        direction: "send",
        context: CONTEXT[track.kind as "audio" | "video"],
        streamId: `${opts.remote}:${track.kind}`,
      });
    }
    // Receivers of our own transceivers exist now: transform them before negotiation starts (Chromium
    // delivers no frames to a receive transform set later on a transceiver that also sends).
    for (const t of this.pc.getTransceivers()) this.attachReceiver(t.receiver);
    this.preferVp8();
  }

  private readonly transformed = new WeakSet<RTCRtpReceiver>();

  private attachReceiver(receiver: RTCRtpReceiver): void {
    if (this.transformed.has(receiver)) return;
    this.transformed.add(receiver);
    attachFrameTransform(receiver, this.opts.mediaWorker, {
      direction: "receive",
      streamId: `${this.remote}:${receiver.track.kind}`,
    });
  }

  /** Handles a signal from the remote member, in arrival order. */
  receive(signal: PeerSignal): Promise<void> {
    this.chain = this.chain.then(() => this.apply(signal)).catch(() => undefined);
    return this.chain;
  }

  close(): void {
    this.pc.close();
  }

  private async apply({ description, candidate }: PeerSignal): Promise<void> {
    if (description) {
      const collision =
        description.type === "offer" && (this.makingOffer || this.pc.signalingState !== "stable");
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await this.pc.setRemoteDescription(description);
      if (description.type === "offer") {
        this.preferVp8();
        await this.pc.setLocalDescription();
        this.opts.signal({ description: this.pc.localDescription!.toJSON() });
      }
    } else if (candidate !== undefined) {
      try {
        await this.pc.addIceCandidate(candidate ?? undefined);
      } catch (err) {
        if (!this.ignoreOffer) throw err;
      }
    }
  }

  private preferVp8(): void {
    const codecs = RTCRtpReceiver.getCapabilities?.("video")?.codecs ?? [];
    const vp8 = codecs.filter((c) => c.mimeType.toLowerCase() === "video/vp8");
    if (vp8.length === 0) return;
    for (const t of this.pc.getTransceivers()) {
      if (t.receiver.track.kind !== "video" || t.currentDirection === "stopped") continue;
      try {
        t.setCodecPreferences(vp8);
      } catch {
        // Not settable in this state; the previous preference stays.
      }
    }
  }
}
