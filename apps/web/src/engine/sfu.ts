/**
 * The SFU data plane: one `RTCPeerConnection` to the Cloudflare Realtime SFU (or anything speaking the
 * same API subset) through the room Worker's `/partytracks/*` proxy, driven by `partytracks`' client:
 * `push()` for each of our streams (microphone, camera, screen share), `pull()` for each track another
 * member announced (`pull-book.ts` decides which). Loaded only when `/media/config` says `sfu`.
 *
 * Encryption is the mesh's: every transceiver partytracks adds is announced on its `transceiver$` before
 * anything can flow on it, and gets the media worker's transform there (`transforms.ts`). A pushed
 * transceiver is announced right after `addTransceiver`, before the offer is made; a pulled one right
 * after the SFU's offer created it (its `track` event) and before our answer is applied, i.e. before the
 * SFU can send on it. So the SFU forwards SFrame ciphertext only, and learns session ids and track names
 * (random UUIDs made by partytracks) but no member id, name, key or room.
 *
 * Keyframes: after an epoch switch the media worker asks every sending transform for a keyframe
 * (`generateKeyFrame`) and receive transforms that lacked a key send a keyframe request, as on the mesh;
 * the SFU forwards the request (RTCP PLI) to the publisher. A pull that starts mid-stream gets its first
 * keyframe the same way: the receiver's decoder asks for one.
 */
import { PartyTracks, type TrackMetadata } from "partytracks/client";
import { BehaviorSubject, Subscription } from "rxjs";
import type { TrackRef, TrackSlot } from "./app-message.ts";
import { SFU_STREAM } from "./protocol.ts";
import { PullBook, type PullChange } from "./pull-book.ts";
import { type PulledTrack, PullFailures } from "./pull-failures.ts";
import { FrameTransforms, preferVp8, useScriptTransform } from "./transforms.ts";

export interface SfuPlaneOptions {
  /** Origin of the room Worker; its `/partytracks` prefix proxies the Realtime API. */
  origin: string;
  iceServers: RTCIceServer[];
  mediaWorker: Worker;
  /** Our pushed tracks changed (the complete set): tell the others, end-to-end encrypted. */
  onLocalTracks(tracks: TrackRef[]): void;
  /** A pulled (decrypted) remote track; `stream` is the sender's MediaStream id it announced. */
  onTrack(member: string, track: MediaStreamTrack, stream: string): void;
  onError(detail: string): void;
}

interface Push {
  track$: BehaviorSubject<MediaStreamTrack>;
  stream: string;
  sub: Subscription;
  ref: TrackRef | null;
}

interface Pull {
  member: string;
  slot: TrackSlot;
  ref$: BehaviorSubject<TrackMetadata>;
  stream: string;
  sub: Subscription;
  track: MediaStreamTrack | null;
  /** When the track arrived or last decoded a new frame (ms), and the frames decoded then. */
  since: number;
  frames: number;
  /** When this track was (last) requested (ms), and how often it was requested again without a track. */
  requested: number;
  retries: number;
  /** The SFU refused this request (`pull-failures.ts`). */
  refused: boolean;
}

/** A pulled video track that receives packets but decodes no new frame for this long is pulled again. */
const STALLED_PULL_MS = 8_000;
/**
 * A pull is requested again when the SFU refused it (`pull-failures.ts`: partytracks never retries such a
 * pull, it neither emits nor errors) `REFUSED_PULL_MS` after the request, or when it has given no track
 * `UNANSWERED_PULL_MS` after the request (its request got no answer at all). Each wait doubles per retry,
 * to the maximum. The unanswered wait is long so that a pull merely slow on a loaded machine (partytracks'
 * own transceiver timeout is 5 s, retried) is not requested twice.
 */
const REFUSED_PULL_MS = 1_000;
const REFUSED_PULL_MAX_MS = 32_000;
const UNANSWERED_PULL_MS = 20_000;
const UNANSWERED_PULL_MAX_MS = 80_000;

/** One pull (diagnostics and tests). */
export interface SfuPullState {
  member: string;
  slot: TrackSlot;
  session: string;
  name: string;
  /** The pulled track's id and state; null while the pull is being set up. */
  trackId: string | null;
  readyState: MediaStreamTrackState | null;
}

const pullKey = (member: string, slot: TrackSlot) => `${member}\n${slot}`;

export class SfuPlane {
  /** The connection to the SFU (replaced by partytracks if it fails). */
  pc: RTCPeerConnection | null = null;
  private readonly party: PartyTracks;
  private readonly transforms: FrameTransforms;
  private readonly book = new PullBook();
  private readonly pushes = new Map<TrackSlot, Push>();
  private readonly pulls = new Map<string, Pull>();
  private readonly subs = new Subscription();
  private closed = false;
  private readonly opts: SfuPlaneOptions;

  constructor(opts: SfuPlaneOptions) {
    this.opts = opts;
    if (!useScriptTransform()) encodedStreamsConnections();
    this.transforms = new FrameTransforms(opts.mediaWorker);
    this.party = new PartyTracks({ prefix: `${opts.origin}/partytracks`, iceServers: opts.iceServers });
    // Subscribed before any push or pull, so every transceiver is seen synchronously as it is made.
    this.subs.add(this.party.transceiver$.subscribe((t) => this.attach(t)));
    const failures = new PullFailures();
    const history = this.party.history;
    const read = () => {
      const entry = history.entries.at(-1);
      if (entry) for (const t of failures.read(entry)) this.refused(t);
    };
    history.addEventListener("logentry", read);
    this.subs.add(() => history.removeEventListener("logentry", read));
    this.subs.add(
      this.party.peerConnection$.subscribe({
        next: (pc) => {
          this.pc = pc;
        },
        error: (err) => opts.onError(`SFU session: ${String(err)}`),
      }),
    );
  }

  /** Starts pushing the microphone and camera of `local`. */
  setLocal(local: MediaStream): void {
    for (const track of local.getTracks()) this.push(track.kind as "audio" | "video", track, local.id);
  }

  /** Starts (a stream) or stops (`null`) pushing a screen share. */
  setScreen(screen: MediaStream | null): void {
    this.unpush("screen");
    const track = screen?.getVideoTracks()[0];
    if (screen && track) this.push("screen", track, screen.id);
    this.announceLocal();
  }

  /** Device change: the new track goes out on the same transceiver, whose transform stays. */
  replaceTrack(kind: "audio" | "video", track: MediaStreamTrack): void {
    this.pushes.get(kind)?.track$.next(track);
  }

  /** Another member's announcement of its pushed tracks. */
  announce(member: string, tracks: TrackRef[]): void {
    this.apply(this.book.announce(member, tracks));
  }

  /** The room's present members other than us: pulls of members who left are closed. */
  setPresent(members: string[]): void {
    this.apply(this.book.setPresent(members));
  }

  /**
   * Up: the connection to the SFU is connected and every push has been acknowledged (its metadata is
   * known). partytracks rebuilds a connection that fails, but not one that never gets anywhere (an SFU
   * session lost before it connected leaves it `new` with every request retried against a session that is
   * gone): the engine's watchdog rebuilds the plane when it stays down.
   */
  isUp(): boolean {
    return this.pc?.connectionState === "connected" && [...this.pushes.values()].every((p) => p.ref !== null);
  }

  /**
   * Pulls again, while the SFU connection is up:
   * - each pull the SFU refused, or that gave no track long after it was requested (see
   *   `REFUSED_PULL_MS`): partytracks will not retry it. Only the track the member announces now is
   *   pulled (a pull closed or re-pointed meanwhile is no longer in the table, or was requested anew),
   *   and retrying never stops while the member announces it.
   * - each pulled video track that receives packets but decodes no new frame for 8 s: it waits for a
   *   keyframe (the first one was missed, or the stream broke after a renegotiation) and the SFU did not
   *   pass its keyframe requests on (both seen with the local SFU); a new subscription makes the SFU ask
   *   the sender for a keyframe.
   * The old pull closes after the new one is requested.
   */
  async repairStalled(): Promise<void> {
    const pc = this.pc;
    if (!pc || pc.connectionState !== "connected") return;
    this.retryWaiting(Date.now());
    const decoded = new Map<string, { packets: number; frames: number }>();
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video" && r.trackIdentifier)
        decoded.set(r.trackIdentifier, { packets: r.packetsReceived ?? 0, frames: r.framesDecoded ?? 0 });
    });
    const now = Date.now();
    for (const [key, p] of [...this.pulls]) {
      const d = p.track ? decoded.get(p.track.id) : undefined;
      if (!d || d.packets === 0) continue;
      if (d.frames > p.frames) {
        p.frames = d.frames;
        p.since = now;
        continue;
      }
      if (now - p.since < STALLED_PULL_MS || p.track?.readyState !== "live") continue;
      if (this.pulls.get(key) !== p) continue;
      this.repull(key, p);
    }
    this.drainClosing();
  }

  /** Requests pull `p` (table key `key`) again as a new pull; the old one closes after it, in turn. */
  private repull(key: string, p: Pull): Pull {
    this.pulls.delete(key);
    this.closing.push(() => {
      p.sub.unsubscribe();
      p.ref$.complete();
    });
    return this.pull(p.member, p.slot, key, { ...p.ref$.value }, p.stream);
  }

  private refused(t: PulledTrack): void {
    for (const p of this.pulls.values()) {
      const ref = p.ref$.value;
      if (p.track === null && ref.sessionId === t.sessionId && ref.trackName === t.trackName)
        p.refused = true;
    }
  }

  private retryWaiting(now: number): void {
    for (const [key, p] of [...this.pulls]) {
      if (p.track !== null) continue;
      const wait = p.refused
        ? Math.min(REFUSED_PULL_MS * 2 ** p.retries, REFUSED_PULL_MAX_MS)
        : Math.min(UNANSWERED_PULL_MS * 2 ** p.retries, UNANSWERED_PULL_MAX_MS);
      if (now - p.requested < wait) continue;
      const again = this.repull(key, p);
      again.retries = p.retries + 1;
      this.opts.onError(
        `pull ${p.slot} of ${p.member}: ${p.refused ? "refused by the SFU" : `no track ${Math.round(wait / 1000)} s after the request`}, pulled again (retry ${again.retries})`,
      );
    }
    this.drainClosing();
  }

  /** Members whose tracks we pull now. */
  members(): Set<string> {
    return new Set(this.book.open().map((p) => p.member));
  }

  pullStates(): SfuPullState[] {
    return this.book.open().map(({ member, track }) => ({
      member,
      slot: track.slot,
      session: track.session,
      name: track.name,
      trackId: this.pulls.get(pullKey(member, track.slot))?.track?.id ?? null,
      readyState: this.pulls.get(pullKey(member, track.slot))?.track?.readyState ?? null,
    }));
  }

  /** Pulled track id -> member (to read per-member figures from the connection's stats). */
  trackMembers(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [key, p] of this.pulls) if (p.track) out.set(p.track.id, key.split("\n")[0]!);
    return out;
  }

  /** Closes every pull and push and the SFU connection. */
  close(): void {
    this.closed = true;
    this.apply(this.book.reset());
    clearTimeout(this.closingTimer);
    this.closingTimer = undefined;
    for (const close of this.closing.splice(0)) close();
    for (const slot of [...this.pushes.keys()]) this.unpush(slot);
    this.subs.unsubscribe();
    this.pc?.close();
    this.pc = null;
  }

  // --- pushes ------------------------------------------------------------------------------------

  private push(slot: TrackSlot, track: MediaStreamTrack, stream: string): void {
    this.unpush(slot);
    const track$ = new BehaviorSubject(track);
    const entry: Push = { track$, stream, sub: new Subscription(), ref: null };
    this.pushes.set(slot, entry);
    // Emits once the SFU has the track and bytes went out, and again after partytracks re-pushed it on
    // a new session (the SFU connection failed and was rebuilt): the others re-pull.
    entry.sub.add(
      this.party.push(track$).subscribe({
        next: (m) => {
          if (!m.sessionId || !m.trackName) return;
          entry.ref = { slot, session: m.sessionId, name: m.trackName, stream };
          this.announceLocal();
        },
        error: (err) => this.opts.onError(`push ${slot}: ${String(err)}`),
      }),
    );
  }

  private unpush(slot: TrackSlot): void {
    const p = this.pushes.get(slot);
    if (!p) return;
    this.pushes.delete(slot);
    p.sub.unsubscribe(); // partytracks closes the pushed track on the SFU
    p.track$.complete();
  }

  private announceLocal(): void {
    if (this.closed) return;
    const tracks = [...this.pushes.values()].flatMap((p) => (p.ref ? [p.ref] : []));
    this.opts.onLocalTracks(tracks);
  }

  // --- pulls -------------------------------------------------------------------------------------

  /**
   * Changes that close a pulled track (close, switch) go one per task: partytracks batches the closes
   * requested in one task into one `tracks/close` but stops only the first one's transceiver locally
   * (0.0.54), which left the others half-closed and, with the local SFU, stalled the video still pulled
   * on the same connection. Opens go at once (pulls batch correctly).
   */
  private readonly closing: (() => void)[] = [];
  private closingTimer: ReturnType<typeof setTimeout> | undefined;

  private apply(changes: PullChange[]): void {
    for (const c of changes) {
      const key = pullKey(c.member, c.track.slot);
      if (c.op === "close") {
        // Gone from the table at once (a new pull of the same slot may follow); unsubscribed in turn.
        const p = this.pulls.get(key);
        this.pulls.delete(key);
        if (p)
          this.closing.push(() => {
            p.sub.unsubscribe(); // partytracks closes the pulled track on the SFU, stops its transceiver
            p.ref$.complete();
          });
        continue;
      }
      const meta: TrackMetadata = { location: "remote", sessionId: c.track.session, trackName: c.track.name };
      const existing = c.op === "switch" ? this.pulls.get(key) : undefined;
      if (existing) {
        existing.stream = c.track.stream;
        this.closing.push(() => {
          // partytracks pulls the new one and closes the old; until it arrives the pull waits for a track.
          existing.track = null;
          existing.requested = Date.now();
          existing.retries = 0;
          existing.refused = false;
          existing.ref$.next(meta);
        });
        continue;
      }
      this.pull(c.member, c.track.slot, key, meta, c.track.stream);
    }
    this.drainClosing();
  }

  private drainClosing(): void {
    if (this.closingTimer !== undefined) return;
    const next = this.closing.shift();
    if (!next) return;
    next();
    this.closingTimer = setTimeout(() => {
      this.closingTimer = undefined;
      this.drainClosing();
    }, 0);
  }

  private pull(member: string, slot: TrackSlot, key: string, meta: TrackMetadata, stream: string): Pull {
    const ref$ = new BehaviorSubject(meta);
    const entry: Pull = {
      member,
      slot,
      ref$,
      stream,
      sub: new Subscription(),
      track: null,
      since: 0,
      frames: 0,
      requested: Date.now(),
      retries: 0,
      refused: false,
    };
    this.pulls.set(key, entry);
    entry.sub.add(
      this.party.pull(ref$).subscribe({
        next: (track) => {
          entry.track = track;
          entry.since = Date.now();
          this.opts.onTrack(member, track, entry.stream);
        },
        error: (err) => this.opts.onError(`pull ${slot} of ${member}: ${String(err)}`),
      }),
    );
    return entry;
  }

  // --- transforms --------------------------------------------------------------------------------

  /**
   * partytracks adds pushed transceivers `sendonly`; pulled ones come from the SFU's offer (`recvonly`).
   * A pushed transceiver's slot is the push whose current track it carries (the KID context tells the
   * receivers camera from screen); failing that its kind, so that nothing is ever sent untransformed.
   */
  private attach(t: RTCRtpTransceiver): void {
    if (t.direction === "sendonly" || t.direction === "sendrecv") {
      const track = t.sender.track;
      let slot: TrackSlot | undefined;
      for (const [s, p] of this.pushes) if (p.track$.value === track) slot = s;
      slot ??= track?.kind === "audio" ? "audio" : "video";
      this.transforms.sender(t.sender, slot, `${SFU_STREAM}${slot}`);
      preferVp8(t); // before partytracks makes the offer
      if (t.direction === "sendonly") return;
    }
    this.transforms.receiver(t.receiver, `${SFU_STREAM}${t.receiver.track.kind}`);
  }
}

/**
 * On browsers without `RTCRtpScriptTransform`, `createEncodedStreams()` only works on a connection made
 * with `encodedInsertableStreams: true`, and partytracks makes its connection itself: from then on every
 * `RTCPeerConnection` of this page is made with the flag (the mesh's connections set it anyway).
 */
function encodedStreamsConnections(): void {
  const g = globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection };
  const Base = g.RTCPeerConnection;
  if ((Base as unknown as { sealroomEncodedStreams?: boolean }).sealroomEncodedStreams) return;
  const Patched = class extends Base {
    static sealroomEncodedStreams = true;
    constructor(config?: RTCConfiguration) {
      super({ ...config, encodedInsertableStreams: true } as RTCConfiguration);
    }
  };
  g.RTCPeerConnection = Patched;
}
