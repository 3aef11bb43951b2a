/**
 * One peer of the mesh: an `RTCPeerConnection` to one other member, negotiated with the "perfect
 * negotiation" pattern (W3C WebRTC 1.0 §10.7 example; the polite side yields on an offer collision),
 * signalled through the room. Every sender and receiver gets the media worker's SFrame transform before
 * any media flows: senders right after `addTrack`, receivers synchronously in `ontrack`. Video is VP8
 * (the clear prefix the frame layer keeps for its depacketizer), audio Opus.
 */
import { FrameTransforms, preferVp8, transformConfig } from "./transforms.ts";

export interface PeerSignal {
  /** The sending connection's generation (random per `RTCPeerConnection`). */
  gen?: number;
  /** The receiving connection's generation, once the sender has heard from it (`signal-route.ts`). */
  to?: number;
  description?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit | null;
}

export interface PeerOptions {
  me: string;
  remote: string;
  iceServers: RTCIceServer[];
  /** The page's DTLS certificate (made in the lobby); without it the connection makes its own. */
  certificate?: RTCCertificate;
  mediaWorker: Worker;
  local: MediaStream;
  /** A screen share running when the peer is created (sent as a stream of its own). */
  screen?: MediaStream | null;
  signal(payload: PeerSignal): void;
  /** `stream` is the sender's MediaStream id (msid): it tells a screen share from the camera. */
  onTrack(track: MediaStreamTrack, stream: string): void;
  onState(state: RTCPeerConnectionState): void;
  /**
   * A negotiation step failed (making or applying a description or candidate): the connection cannot
   * finish this exchange by itself (perfect negotiation has no retry), so the caller starts it over.
   */
  onNegotiationError(detail: string): void;
}

export class Peer {
  readonly pc: RTCPeerConnection;
  readonly remote: string;
  readonly tracks: MediaStreamTrack[] = [];
  readonly gen = crypto.getRandomValues(new Uint32Array(1))[0]!;
  /** The remote connection's generation, once a signal from it arrived. */
  remoteGen: number | null = null;
  /**
   * `performance.now()` of the last sign that the exchange is moving: made, a signal from the other side,
   * or a change of signalling, ICE or connection state (the watchdog restarts only a quiet connection).
   */
  lastProgress = performance.now();
  private readonly polite: boolean;
  private makingOffer = false;
  private ignoreOffer = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly opts: PeerOptions;
  private readonly transforms: FrameTransforms;

  constructor(opts: PeerOptions) {
    this.opts = opts;
    this.remote = opts.remote;
    this.polite = opts.me > opts.remote;
    this.transforms = new FrameTransforms(opts.mediaWorker);
    // A candidate pool starts ICE gathering when the connection is made, not when its description is set:
    // the member that answers (made its connection when the offer arrived) has candidates at once.
    const config: RTCConfiguration = {
      iceServers: opts.iceServers,
      iceCandidatePoolSize: 1,
      ...transformConfig(),
    };
    if (opts.certificate) config.certificates = [opts.certificate];
    this.pc = new RTCPeerConnection(config);
    this.pc.onicecandidate = (e) => this.signal({ candidate: e.candidate?.toJSON() ?? null });
    this.pc.onconnectionstatechange = () => {
      this.touch();
      opts.onState(this.pc.connectionState);
    };
    this.pc.oniceconnectionstatechange = () => this.touch();
    this.pc.onsignalingstatechange = () => this.touch();
    this.pc.ontrack = (e) => {
      this.attachReceiver(e.receiver);
      this.tracks.push(e.track);
      opts.onTrack(e.track, e.streams[0]?.id ?? "");
    };
    this.pc.onnegotiationneeded = () => {
      this.chain = this.chain
        .then(async () => {
          try {
            this.makingOffer = true;
            this.preferVp8();
            await this.pc.setLocalDescription();
            this.signal({ description: this.pc.localDescription!.toJSON() });
          } finally {
            this.makingOffer = false;
          }
        })
        .catch((err: unknown) => this.failed(err));
    };
    for (const track of opts.local.getTracks()) {
      const sender = this.pc.addTrack(track, opts.local);
      const kind = track.kind as "audio" | "video";
      this.transforms.sender(sender, kind, `${opts.remote}:${kind}`);
    }
    if (opts.screen) this.setScreen(opts.screen);
    // Receivers of our own transceivers exist now: transform them before negotiation starts (Chromium
    // delivers no frames to a receive transform set later on a transceiver that also sends).
    for (const t of this.pc.getTransceivers()) this.attachReceiver(t.receiver);
    this.preferVp8();
  }

  private screenSender: RTCRtpSender | null = null;

  /**
   * Starts (a stream) or stops (`null`) sending a screen share as a video stream of its own (KID context
   * 2); perfect negotiation renegotiates. A reused transceiver keeps the transform it already has.
   */
  setScreen(screen: MediaStream | null): void {
    if (this.pc.connectionState === "closed") return;
    if (this.screenSender) {
      this.pc.removeTrack(this.screenSender);
      this.screenSender = null;
    }
    const track = screen?.getVideoTracks()[0];
    if (!screen || !track) return;
    const sender = this.pc.addTrack(track, screen);
    this.transforms.sender(sender, "screen", `${this.remote}:screen`);
    for (const t of this.pc.getTransceivers()) if (t.sender === sender) this.attachReceiver(t.receiver);
    this.screenSender = sender;
  }

  /** Swaps the camera or microphone track (device change) on its sender; the transform stays. */
  async replaceTrack(kind: "audio" | "video", track: MediaStreamTrack): Promise<void> {
    for (const s of this.pc.getSenders())
      if (s !== this.screenSender && s.track?.kind === kind) await s.replaceTrack(track);
  }

  private attachReceiver(receiver: RTCRtpReceiver): void {
    this.transforms.receiver(receiver, `${this.remote}:${receiver.track.kind}`);
  }

  /** Marks progress now (see `lastProgress`). */
  touch(): void {
    this.lastProgress = performance.now();
  }

  /** Handles a signal from the remote member, in arrival order. */
  receive(signal: PeerSignal): Promise<void> {
    this.touch();
    this.chain = this.chain.then(() => this.apply(signal)).catch((err: unknown) => this.failed(err));
    return this.chain;
  }

  private failed(err: unknown): void {
    if (this.pc.signalingState === "closed") return; // closed meanwhile: replaced on purpose
    this.opts.onNegotiationError(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }

  close(): void {
    this.pc.close();
  }

  private signal(s: PeerSignal): void {
    this.opts.signal(
      this.remoteGen === null ? { ...s, gen: this.gen } : { ...s, gen: this.gen, to: this.remoteGen },
    );
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
        this.signal({ description: this.pc.localDescription!.toJSON() });
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
    for (const t of this.pc.getTransceivers()) preferVp8(t);
  }
}
