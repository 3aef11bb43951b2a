/**
 * The SFU's state: sessions (one werift `RTCPeerConnection` each, as a Realtime session is one
 * PeerConnection) and the tracks pushed into them, and the operations of the Realtime (Calls) API
 * subset partytracks uses. Each operation on a session runs alone (a per-session queue): the hosted
 * API asks clients to serialize mutations per session, and a WebRTC stack's offer/answer state must
 * never see two exchanges interleaved.
 *
 * Validation happens before any state changes (mids present in the offer, pulled tracks known,
 * names free), so a rejected call leaves the session as it was; only an SDP the WebRTC stack itself
 * refuses can fail half-way, and it is answered 400.
 */
import { randomBytes } from "node:crypto";
import { RTCPeerConnection, RTCRtpHeaderExtensionParameters, type RTCRtpTransceiver } from "werift";
import { SfuError } from "./errors.ts";
import { midExtensionId, SDES_MID } from "./extension-ids.ts";
import { Publication, routeKeyframeRequests, type Subscription } from "./forwarding.ts";
import { sfuPeerConfig } from "./peer-config.ts";
import type {
  CloseTracksRequest,
  LocalTrackRequest,
  RemoteTrackRequest,
  SessionDescription,
  UpdateTracksRequest,
} from "./requests.ts";

/** A track's entry in API responses. Per-track failures carry `errorCode`/`errorDescription`. */
export interface TrackResult {
  location?: "local" | "remote";
  trackName?: string;
  mid?: string;
  sessionId?: string;
  status?: "active" | "inactive" | "waiting";
  errorCode?: string;
  errorDescription?: string;
}
export interface TracksResponse {
  requiresImmediateRenegotiation: boolean;
  sessionDescription?: SessionDescription;
  tracks: TrackResult[];
}

/** Longest wait for ICE gathering before an SDP is returned (loopback gathering takes ~1 ms). */
const GATHER_WAIT_MS = 1000;

/** How long a session whose PeerConnection failed stays addressable. */
const FAILED_SESSION_TTL_MS = 30_000;

class Session {
  readonly pc = new RTCPeerConnection(sfuPeerConfig());
  readonly pushed = new Map<string, Publication>();
  readonly pulled = new Map<string, Subscription>();
  #queue: Promise<unknown> = Promise.resolve();

  readonly id: string;
  /** `Date.now()` of the last API call on this session. */
  lastCallAt = Date.now();

  constructor(id: string) {
    this.id = id;
    routeKeyframeRequests(this.pc, (ssrc) => {
      for (const s of this.pulled.values()) if (s.transceiver.sender.ssrc === ssrc) s.keyframeRequested();
    });
  }

  /** The last sign of life: an API call, RTP on a pushed track, or RTCP from a pulled one. */
  lastActivity(): number {
    let t = this.lastCallAt;
    for (const p of this.pushed.values()) if (!p.closed) t = Math.max(t, p.lastPacketAt);
    for (const s of this.pulled.values()) t = Math.max(t, s.lastRtcpAt);
    return t;
  }

  run<T>(op: () => Promise<T>): Promise<T> {
    this.lastCallAt = Date.now();
    const result = this.#queue.then(op);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Applies a description from the client; WebRTC-stack refusals become 400s. */
  async setRemote(description: SessionDescription): Promise<void> {
    try {
      await this.pc.setRemoteDescription(description);
    } catch (err) {
      throw new SfuError(
        "invalid_session_description",
        `the SFU could not apply the ${description.type}: ${message(err)}`,
      );
    }
  }

  /** Creates and applies the SFU's answer; host candidates are complete by then (loopback only). */
  async answer(): Promise<SessionDescription> {
    try {
      await this.pc.setLocalDescription(await this.pc.createAnswer());
    } catch (err) {
      throw new SfuError(
        "invalid_session_description",
        `the SFU could not answer the offer: ${message(err)}`,
      );
    }
    return this.#local("answer");
  }

  async offer(): Promise<SessionDescription> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.#local("offer");
  }

  async #local(type: "offer" | "answer"): Promise<SessionDescription> {
    // Host-only gathering on loopback completes during setLocalDescription. A description without
    // any live m-line (a client may offer none) starts no transport, so nothing is gathered at all:
    // wait briefly, never fail on it (the client learns the candidates from the SDP it gets).
    if (this.pc.iceGatheringState !== "complete" && /\nm=\w+ [1-9]/.test(this.pc.localDescription?.sdp ?? ""))
      await this.pc.iceGatheringStateChange.watch((s) => s === "complete", GATHER_WAIT_MS).catch(() => {});
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new SfuError("internal_error", "no local description");
    return { type, sdp };
  }

  transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers().find((t) => t.mid === mid);
  }

  publicationByName(trackName: string): Publication | undefined {
    for (const p of this.pushed.values()) if (p.trackName === trackName && !p.closed) return p;
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `a=mid:` values of an SDP's media sections with a direction that sends (RFC 8843 §7.1, RFC 3264 §6.1). */
function sendingMids(sdp: string): Set<string> {
  const mids = new Set<string>();
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const mid = /\r?\na=mid:(\S+)/.exec(`\n${section}`)?.[1];
    const recvOnly = /\r?\na=(recvonly|inactive)\b/.test(`\n${section}`);
    const rejected = /^\w+ 0 /.test(section);
    if (mid && !recvOnly && !rejected) mids.add(mid);
  }
  return mids;
}

export interface SfuOptions {
  /**
   * Inactivity timeout (ms): a pushed track with no RTP for this long is closed, and a session with
   * no sign of life (API call, RTP in, RTCP from its pullers) for this long is dropped. The hosted
   * SFU uses 30 s for both (Realtime "Limits": inactivity timeout). WebRTC stacks like werift do not
   * notice a peer that vanished (a closed tab sends nothing), so this is what ends such sessions.
   */
  idleTimeoutMs?: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export class Sfu {
  readonly #sessions = new Map<string, Session>();
  readonly #idleTimeoutMs: number;
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(options: SfuOptions = {}) {
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (!Number.isFinite(this.#idleTimeoutMs) || this.#idleTimeoutMs <= 0)
      throw new RangeError(`"idleTimeoutMs" must be a positive number, got ${this.#idleTimeoutMs}`);
    this.#sweep = setInterval(() => this.#reap(), Math.min(5000, this.#idleTimeoutMs / 4));
    this.#sweep.unref();
  }

  /** Closes silent pushed tracks and drops silent sessions (see `SfuOptions.idleTimeoutMs`). */
  #reap(): void {
    const cutoff = Date.now() - this.#idleTimeoutMs;
    for (const [id, session] of this.#sessions) {
      if (session.lastActivity() < cutoff) {
        this.#drop(id);
        continue;
      }
      for (const p of session.pushed.values()) if (!p.closed && p.lastPacketAt < cutoff) p.close();
    }
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  #session(id: string): Session {
    const s = this.#sessions.get(id);
    if (!s) throw new SfuError("session_not_found", `no session ${JSON.stringify(id)}`);
    return s;
  }

  /** `POST sessions/new`: a new PeerConnection; with an offer, the SFU's answer too. */
  async newSession(
    offer: SessionDescription | undefined,
  ): Promise<{ sessionId: string; sessionDescription?: SessionDescription }> {
    // 128 random bits, hex: unguessable, as session ids are the only handle on a session.
    const id = randomBytes(16).toString("hex");
    const session = new Session(id);
    this.#sessions.set(id, session);
    session.pc.connectionStateChange.subscribe((state) => {
      // A closed PeerConnection is gone for good; a failed one is kept for the hosted SFU's 30 s
      // reuse window (Realtime "Limits": session/track reuse), then dropped.
      if (state === "closed") this.#drop(id);
      if (state === "failed") setTimeout(() => this.#drop(id), FAILED_SESSION_TTL_MS).unref();
      if (state === "connected")
        for (const sub of session.pulled.values()) sub.publication.requestKeyframe(true);
    });
    if (!offer) return { sessionId: id };
    try {
      return await session.run(async () => {
        await session.setRemote(offer);
        return { sessionId: id, sessionDescription: await session.answer() };
      });
    } catch (err) {
      this.#drop(id);
      throw err;
    }
  }

  /** Push: the client's offer carries new sending m-lines; the SFU answers and publishes them. */
  pushTracks(
    sessionId: string,
    offer: SessionDescription,
    tracks: LocalTrackRequest[],
  ): Promise<TracksResponse> {
    const session = this.#session(sessionId);
    return session.run(async () => {
      const offered = sendingMids(offer.sdp);
      for (const t of tracks) {
        if (!offered.has(t.mid))
          throw new SfuError(
            "invalid_request",
            `mid ${JSON.stringify(t.mid)} is not a sending m-line of the offer`,
          );
        const existing = session.publicationByName(t.trackName);
        if (existing && existing.mid !== t.mid)
          throw new SfuError(
            "track_name_conflict",
            `track ${JSON.stringify(t.trackName)} is already published by this session`,
          );
        if (session.pulled.has(t.mid))
          throw new SfuError("invalid_request", `mid ${JSON.stringify(t.mid)} is a pulled track`);
      }
      await session.setRemote(offer);
      const sessionDescription = await session.answer();
      const results: TrackResult[] = [];
      for (const t of tracks) {
        const transceiver = session.transceiver(t.mid);
        if (!transceiver) {
          results.push({
            trackName: t.trackName,
            mid: t.mid,
            errorCode: "track_not_found",
            errorDescription: "no transceiver for this mid",
          });
          continue;
        }
        const previous = session.pushed.get(t.mid);
        if (!previous || previous.trackName !== t.trackName || previous.closed) {
          previous?.close();
          session.pushed.set(t.mid, new Publication(sessionId, t.trackName, t.mid, transceiver));
        }
        results.push({ trackName: t.trackName, mid: t.mid });
      }
      return { requiresImmediateRenegotiation: false, sessionDescription, tracks: results };
    });
  }

  /**
   * Pull: one new sending transceiver per remote track, and the SFU's offer, which the client must
   * answer through `renegotiate` (`requiresImmediateRenegotiation: true`). Unknown tracks get a
   * per-track error; if every track is unknown the call fails with 404.
   */
  pullTracks(sessionId: string, tracks: RemoteTrackRequest[]): Promise<TracksResponse> {
    const session = this.#session(sessionId);
    return session.run(async () => {
      const results: TrackResult[] = [];
      const found: { req: RemoteTrackRequest; publication: Publication }[] = [];
      for (const req of tracks) {
        const publication = this.#sessions.get(req.sessionId)?.publicationByName(req.trackName);
        if (publication) found.push({ req, publication });
        else
          results.push({
            location: "remote",
            trackName: req.trackName,
            sessionId: req.sessionId,
            errorCode: "track_not_found",
            errorDescription: `session ${JSON.stringify(req.sessionId)} publishes no track ${JSON.stringify(req.trackName)}`,
          });
      }
      if (found.length === 0) {
        throw new SfuError("track_not_found", results.map((r) => r.errorDescription).join("; "));
      }
      const added = found.map(({ req, publication }) => {
        const transceiver = session.pc.addTransceiver(publication.kind, { direction: "sendonly" });
        const id = midExtensionId(session.pc.remoteDescription?.sdp, publication.kind);
        if (id !== undefined)
          transceiver.headerExtensions = [new RTCRtpHeaderExtensionParameters({ uri: SDES_MID, id })];
        return { req, publication, transceiver };
      });
      const sessionDescription = await session.offer();
      for (const { req, publication, transceiver } of added) {
        const mid = transceiver.mid;
        if (mid === null)
          throw new SfuError("internal_error", "the SFU's offer left a transceiver without a mid");
        session.pulled.set(mid, publication.subscribe(sessionId, mid, transceiver));
        results.push({ location: "remote", trackName: req.trackName, sessionId: req.sessionId, mid });
      }
      return { requiresImmediateRenegotiation: true, sessionDescription, tracks: results };
    });
  }

  /** `PUT renegotiate`: the client's answer to the SFU's pending offer. */
  renegotiate(sessionId: string, answer: SessionDescription): Promise<Record<string, never>> {
    const session = this.#session(sessionId);
    return session.run(async () => {
      if (session.pc.signalingState !== "have-local-offer")
        throw new SfuError("invalid_request", "the SFU has no pending offer to answer for this session");
      await session.setRemote(answer);
      // New pullers can only decode from a keyframe: ask their pushers now.
      for (const sub of session.pulled.values()) sub.publication.requestKeyframe(true);
      return {};
    });
  }

  /**
   * `PUT tracks/close`: stops the named transceivers. With the client's offer (its transceivers
   * already stopped) the SFU answers; with `force` and no offer the SFU offers and the client must
   * renegotiate. A closed pushed track stops feeding its pullers.
   */
  closeTracks(sessionId: string, req: CloseTracksRequest): Promise<TracksResponse> {
    const session = this.#session(sessionId);
    return session.run(async () => {
      for (const mid of req.mids)
        if (!session.pushed.has(mid) && !session.pulled.has(mid))
          throw new SfuError("track_not_found", `this session has no track with mid ${JSON.stringify(mid)}`);
      const release = () => {
        for (const mid of req.mids) {
          session.pushed.get(mid)?.close();
          session.pushed.delete(mid);
          session.pulled.get(mid)?.dispose();
          session.pulled.delete(mid);
        }
      };
      if (req.sessionDescription) {
        await session.setRemote(req.sessionDescription);
        for (const mid of req.mids) session.transceiver(mid)?.stop();
        release();
        const sessionDescription = await session.answer();
        return {
          requiresImmediateRenegotiation: false,
          sessionDescription,
          tracks: req.mids.map((mid) => ({ mid })),
        };
      }
      for (const mid of req.mids) session.transceiver(mid)?.stop();
      release();
      const sessionDescription = await session.offer();
      return {
        requiresImmediateRenegotiation: true,
        sessionDescription,
        tracks: req.mids.map((mid) => ({ mid })),
      };
    });
  }

  /**
   * `PUT tracks/update`: the hosted API changes simulcast layer preferences here. The local SFU
   * forwards a single layer, so it checks the mids and changes nothing.
   */
  updateTracks(sessionId: string, req: UpdateTracksRequest): Promise<TracksResponse> {
    const session = this.#session(sessionId);
    return session.run(async () => {
      for (const mid of req.mids)
        if (!session.pulled.has(mid) && !session.pushed.has(mid))
          throw new SfuError("track_not_found", `this session has no track with mid ${JSON.stringify(mid)}`);
      return { requiresImmediateRenegotiation: false, tracks: req.mids.map((mid) => ({ mid })) };
    });
  }

  /** `GET sessions/{id}`: the session's tracks and their status. */
  sessionState(sessionId: string): { tracks: TrackResult[] } {
    const session = this.#session(sessionId);
    const tracks: TrackResult[] = [];
    for (const p of session.pushed.values())
      tracks.push({
        location: "local",
        mid: p.mid,
        trackName: p.trackName,
        status: p.closed ? "inactive" : p.packetsReceived > 0 ? "active" : "waiting",
      });
    for (const sub of session.pulled.values()) {
      const p = sub.publication;
      tracks.push({
        location: "remote",
        mid: sub.mid,
        trackName: p.trackName,
        sessionId: p.sessionId,
        status: p.closed ? "inactive" : sub.packetsForwarded > 0 ? "active" : "waiting",
      });
    }
    return { tracks };
  }

  /** Test hook: counters of one session's tracks by mid. */
  stats(sessionId: string): {
    pushed: Record<string, { received: number; keyframeRequests: number }>;
    pulled: Record<string, { forwarded: number }>;
  } {
    const session = this.#session(sessionId);
    const pushed: Record<string, { received: number; keyframeRequests: number }> = {};
    for (const [mid, p] of session.pushed)
      pushed[mid] = { received: p.packetsReceived, keyframeRequests: p.keyframeRequests };
    const pulled: Record<string, { forwarded: number }> = {};
    for (const [mid, s] of session.pulled) pulled[mid] = { forwarded: s.packetsForwarded };
    return { pushed, pulled };
  }

  #drop(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    for (const p of session.pushed.values()) p.close();
    for (const s of session.pulled.values()) s.dispose();
    session.pc.close().catch(() => {});
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    const ids = [...this.#sessions.keys()];
    for (const id of ids) this.#drop(id);
  }
}
