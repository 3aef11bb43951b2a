/**
 * A minimal Realtime API client over a werift peer, for the tests: what partytracks does in a
 * browser (sessions/new, push with an offer, pull then renegotiate, close), driven from Node.
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  RtpHeader,
  RtpPacket,
  usePLI,
} from "werift";
import type { LocalSfu } from "../src/index.ts";
import { sfuPeerConfig } from "../src/peer-config.ts";

export async function api(
  sfu: LocalSfu,
  method: string,
  path: string,
  body?: unknown,
  secret = sfu.appSecret,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sfu.url}/apps/${sfu.appId}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}` },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export class Peer {
  readonly pc: RTCPeerConnection;
  sessionId = "";
  readonly sfu: LocalSfu;

  /** `vp8PayloadType` numbers VP8 differently from the SFU's default, to see the SFU rewrite it. */
  constructor(sfu: LocalSfu, vp8PayloadType?: number) {
    this.sfu = sfu;
    const config = sfuPeerConfig();
    if (vp8PayloadType !== undefined)
      config.codecs = {
        ...config.codecs,
        video: [
          new RTCRtpCodecParameters({
            mimeType: "video/VP8",
            clockRate: 90000,
            payloadType: vp8PayloadType,
            rtcpFeedback: [usePLI()],
          }),
        ],
      };
    this.pc = new RTCPeerConnection(config);
  }

  async open(): Promise<void> {
    const r = await api(this.sfu, "POST", "/sessions/new");
    if (r.status !== 200) throw new Error(`sessions/new: ${JSON.stringify(r.json)}`);
    this.sessionId = r.json.sessionId as string;
  }

  /** Pushes a new track fed by the returned source; resolves once the SFU's answer is applied. */
  async push(
    kind: "audio" | "video",
    trackName: string,
  ): Promise<{ source: MediaStreamTrack; transceiver: RTCRtpTransceiver }> {
    const source = new MediaStreamTrack({ kind });
    const transceiver = this.pc.addTransceiver(source, { direction: "sendonly" });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const r = await api(this.sfu, "POST", `/sessions/${this.sessionId}/tracks/new`, {
      sessionDescription: { type: "offer", sdp: this.pc.localDescription?.sdp },
      tracks: [{ location: "local", trackName, mid: transceiver.mid }],
    });
    if (r.status !== 200) throw new Error(`push: ${JSON.stringify(r.json)}`);
    await this.pc.setRemoteDescription(r.json.sessionDescription as { type: "answer"; sdp: string });
    // As partytracks, hand out the track only once the connection is up.
    if (this.pc.connectionState !== "connected")
      await this.pc.connectionStateChange.watch((s) => s === "connected", 10_000);
    return { source, transceiver };
  }

  /** Pulls a track; resolves with the transceiver once the renegotiation is done. */
  async pull(sessionId: string, trackName: string): Promise<RTCRtpTransceiver> {
    const r = await api(this.sfu, "POST", `/sessions/${this.sessionId}/tracks/new`, {
      tracks: [{ location: "remote", sessionId, trackName }],
    });
    if (r.status !== 200)
      throw new Error(`pull: ${JSON.stringify(r.json)} (puller ${this.pc.connectionState})`);
    if (r.json.requiresImmediateRenegotiation !== true) throw new Error("pull without renegotiation");
    const mid = (r.json.tracks as { mid: string }[])[0]?.mid;
    await this.pc.setRemoteDescription(r.json.sessionDescription as { type: "offer"; sdp: string });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    const rr = await api(this.sfu, "PUT", `/sessions/${this.sessionId}/renegotiate`, {
      sessionDescription: { type: "answer", sdp: this.pc.localDescription?.sdp },
    });
    if (rr.status !== 200) throw new Error(`renegotiate: ${JSON.stringify(rr.json)}`);
    const t = this.pc.getTransceivers().find((x) => x.mid === mid);
    if (!t) throw new Error(`no transceiver for mid ${mid}`);
    return t;
  }

  close(): Promise<void> {
    return this.pc.close();
  }
}

/** Writes `count`-numbered VP8-looking RTP packets (payload = marker bytes + index) every `ms`. */
export function feed(
  source: MediaStreamTrack,
  payloadType: number,
  ms = 10,
): { stop(): void; sent: Buffer[] } {
  let seq = 1000;
  let ts = 90000;
  const sent: Buffer[] = [];
  const timer = setInterval(() => {
    const payload = Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a, seq & 0xff, (seq >> 8) & 0xff, 0xee]);
    sent.push(payload);
    source.writeRtp(
      new RtpPacket(
        new RtpHeader({ payloadType, sequenceNumber: seq, timestamp: ts, marker: true }),
        payload,
      ),
    );
    seq = (seq + 1) & 0xffff;
    ts = (ts + 3000) >>> 0;
  }, ms);
  return { stop: () => clearInterval(timer), sent };
}

/** Calls `cb` for every RTP packet the transceiver receives (its track may already exist). */
export function onRtp(transceiver: RTCRtpTransceiver, cb: (rtp: RtpPacket) => void): void {
  const attach = (track: MediaStreamTrack) => track.onReceiveRtp.subscribe((rtp) => cb(rtp));
  const existing = transceiver.receiver.tracks[0];
  if (existing) attach(existing);
  else transceiver.onTrack.once((track) => attach(track));
}

/** The payload type an SDP gives VP8. */
export function vp8PayloadTypeOf(sdp: string | undefined): number | undefined {
  const m = /a=rtpmap:(\d+) VP8\/90000/.exec(sdp ?? "");
  return m ? Number(m[1]) : undefined;
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
