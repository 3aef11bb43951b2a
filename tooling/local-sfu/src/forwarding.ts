/**
 * Media forwarding of one published track to the sessions that pulled it.
 *
 * A `Publication` is one pushed track: the SFU's receiving transceiver in the pusher's session.
 * Every RTP packet that arrives on it is copied to each `Subscription` (a sending transceiver in a
 * puller's session). The payload is forwarded byte for byte: frames are end-to-end encrypted by the
 * browsers' encoded transforms (SFrame, RFC 9605) and the SFU has no key, so it cannot and does not
 * look inside them. Per puller, werift's `RTCRtpSender` rewrites SSRC, payload type (the puller's
 * negotiated m-line may number VP8/Opus differently) and sequence numbers; the pusher's RTP header
 * extensions are dropped because their ids belong to the pusher's negotiation, not the puller's
 * (the sender writes its own `sdes:mid`).
 *
 * Keyframe requests: a PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1) from any puller becomes a PLI
 * to the pusher, at most one per `KEYFRAME_INTERVAL_MS` per publication (a room of pullers joining at
 * once asks for one keyframe, not one each; a request inside the interval is deferred to its end,
 * never dropped). Sealroom depends on this: a new MLS epoch re-keys the
 * frames, and a receiver decodes again only from the next keyframe. The SFU also asks for a keyframe
 * itself when a puller is added, so a new viewer does not wait for the pusher's periodic one.
 */
import type { MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver, RtcpPacket, RtpPacket } from "werift";

/** RTCP payload-specific feedback (RFC 4585 §6.1): packet type 206; FMT 1 = PLI, 4 = FIR. */
const RTCP_PSFB = 206;
const FMT_PLI = 1;
const FMT_FIR = 4;
/** Upper bound on how often one publication's pusher is asked for a keyframe. */
export const KEYFRAME_INTERVAL_MS = 250;

export interface Subscription {
  readonly sessionId: string;
  readonly mid: string;
  readonly transceiver: RTCRtpTransceiver;
  readonly publication: Publication;
  /** RTP packets forwarded to this puller (for tests and GET state). */
  packetsForwarded: number;
  /** `Date.now()` of the last RTCP packet from the puller (creation time before the first). */
  lastRtcpAt: number;
  /** The puller asked for a keyframe of this track (PLI or FIR naming its SSRC). */
  keyframeRequested(): void;
  dispose(): void;
}

export class Publication {
  readonly subscriptions = new Set<Subscription>();
  track: MediaStreamTrack | undefined;
  closed = false;
  packetsReceived = 0;
  keyframeRequests = 0;
  /** `Date.now()` of the last RTP packet from the pusher (creation time before the first). */
  lastPacketAt = Date.now();
  #lastKeyframeRequest = 0;
  #deferred: ReturnType<typeof setTimeout> | undefined;
  #unsubscribeTrack: (() => void) | undefined;

  readonly sessionId: string;
  readonly trackName: string;
  readonly mid: string;
  readonly transceiver: RTCRtpTransceiver;

  constructor(sessionId: string, trackName: string, mid: string, transceiver: RTCRtpTransceiver) {
    this.sessionId = sessionId;
    this.trackName = trackName;
    this.mid = mid;
    this.transceiver = transceiver;
    const existing = transceiver.receiver.tracks[0];
    if (existing) this.#attach(existing);
    else transceiver.onTrack.once((track) => this.#attach(track));
  }

  get kind(): "audio" | "video" {
    return this.transceiver.kind === "audio" ? "audio" : "video";
  }

  #attach(track: MediaStreamTrack): void {
    if (this.closed || this.track) return;
    this.track = track;
    const { unSubscribe } = track.onReceiveRtp.subscribe((rtp) => this.#forward(rtp));
    this.#unsubscribeTrack = unSubscribe;
    // Pullers that subscribed before the first packet arrived need a keyframe too.
    if (this.subscriptions.size > 0) this.requestKeyframe(true);
  }

  #forward(rtp: RtpPacket): void {
    this.packetsReceived++;
    this.lastPacketAt = Date.now();
    for (const sub of this.subscriptions) {
      const copy = rtp.clone();
      copy.header.extensions = [];
      sub.packetsForwarded++;
      // A send fails only while the puller's transport is not up or is closing; the packet is
      // then lost for that puller alone, as on any SFU.
      sub.transceiver.sender.sendRtp(copy).catch(() => {});
    }
  }

  /**
   * Adds a puller's sending transceiver: RTP flows to it; its receiver reports keep it alive, and its
   * PLI/FIR (routed by the session, `routeKeyframeRequests`) come back here through `keyframeRequested`.
   */
  subscribe(sessionId: string, mid: string, transceiver: RTCRtpTransceiver): Subscription {
    const { unSubscribe } = transceiver.sender.onRtcp.subscribe(() => {
      sub.lastRtcpAt = Date.now();
    });
    const sub: Subscription = {
      sessionId,
      mid,
      transceiver,
      publication: this,
      packetsForwarded: 0,
      lastRtcpAt: Date.now(),
      keyframeRequested: () => {
        sub.lastRtcpAt = Date.now();
        this.requestKeyframe(false);
      },
      dispose: () => {
        unSubscribe();
        this.subscriptions.delete(sub);
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  /**
   * Sends a PLI to the pusher (video only). Requests closer together than `KEYFRAME_INTERVAL_MS`
   * are coalesced into one sent when the interval ends, so none is lost; `force` skips the wait.
   */
  requestKeyframe(force: boolean): void {
    if (this.closed || this.kind !== "video") return;
    const wait = this.#lastKeyframeRequest + KEYFRAME_INTERVAL_MS - Date.now();
    if (force || wait <= 0) {
      this.#sendPli();
      return;
    }
    this.#deferred ??= setTimeout(() => {
      this.#deferred = undefined;
      this.#sendPli();
    }, wait);
  }

  #sendPli(): void {
    const ssrc = this.track?.ssrc;
    if (this.closed || ssrc === undefined) return;
    this.#lastKeyframeRequest = Date.now();
    this.keyframeRequests++;
    this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }

  /** The pusher closed the track (or its session ended): pullers' transceivers stay, silent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.#deferred);
    this.#unsubscribeTrack?.();
    for (const sub of [...this.subscriptions]) sub.dispose();
  }
}

/**
 * Routes a session's keyframe requests by the SSRC they are about: the media source SSRC of a PLI
 * (RFC 4585 §6.3.1), each FCI entry's SSRC of a FIR (RFC 5104 §4.3.1.1). werift 0.25.2 routes payload-
 * specific feedback by its *sender* SSRC first, and Chromium sends a receive stream's feedback with the
 * SSRC of its own sending stream of that kind; in a session that pushes and pulls, that SSRC is one the
 * SFU receives on, so werift hands the request to the SFU's receiver and the pusher never hears of it.
 * Every other RTCP packet keeps werift's routing.
 */
export function routeKeyframeRequests(pc: RTCPeerConnection, onRequest: (ssrc: number) => void): void {
  const router = (pc as unknown as { router: { routeRtcp(packet: RtcpPacket): void } }).router;
  const route = router.routeRtcp;
  router.routeRtcp = (packet: RtcpPacket) => {
    const ssrcs = keyframeRequestSsrcs(packet);
    if (ssrcs === null) route(packet);
    else for (const ssrc of ssrcs) onRequest(ssrc);
  };
}

/** The SSRCs a PLI or FIR asks keyframes of; null for any other RTCP packet. */
function keyframeRequestSsrcs(packet: RtcpPacket): number[] | null {
  if (packet.type !== RTCP_PSFB) return null;
  const feedback = (packet as { feedback?: { count?: number; mediaSsrc?: number; fir?: { ssrc: number }[] } })
    .feedback;
  if (feedback?.count === FMT_PLI) return [feedback.mediaSsrc ?? 0];
  if (feedback?.count === FMT_FIR) return (feedback.fir ?? []).map((f) => f.ssrc);
  return null;
}
