/**
 * The call engine the UI drives: runs MLS and the room's WebSocket in a dedicated worker and frame
 * encryption in another, and carries media on one of two data planes, chosen by the room's
 * `/media/config`: a WebRTC peer mesh to every other member (`mesh`, `peer.ts`), or one connection to the
 * Realtime SFU (`sfu`, `sfu.ts`, loaded only then) whose track locations the members tell each other in
 * end-to-end encrypted application messages. Encryption is the same on both. `prepare()` (from the lobby)
 * does all of it but announcing and connecting peers; `join()` does the rest (see the README, "Joining"). The page (this module)
 * never holds key material and never sees a room frame: the MLS worker owns the socket and posts public
 * facts (member ids, epoch, safety number) and media signals; the page posts signals to send.
 *
 * Events: `connection` (connecting/open/reconnecting/closed), `participants` (present members, roster),
 * `epoch` (epoch number, suite, safety number), `track` (a remote member's decrypted track), `error`.
 *
 * Reconnect (in the MLS worker, `room-socket.ts`): on an unexpected close the worker starts over (the room
 * assigns a new member id, the committer removes the old one and adds the new one) and reconnects with
 * exponential backoff (0.5 s doubling to 8 s, jittered); it tells the page (`reset`), which closes every
 * peer connection; the snapshot the room sends on connect rebuilds the view. Pings every 2 s (from the
 * worker) let the room notice a dead socket.
 */

import type { AppMessage, ChatBody, PresenceBody, TrackRef } from "./app-message.ts";
import { emptyMemberStats, foldReport, type MemberStats } from "./member-stats.ts";
import { Peer, type PeerSignal } from "./peer.ts";
import type { EpochSummary, MlsWorkerIn, MlsWorkerOut } from "./protocol.ts";
import { MEDIA_KEY_PORT } from "./protocol.ts";
import type { WireLogEntry } from "./room-socket.ts";
import type { SfuPlane, SfuPullState } from "./sfu.ts";
import { routeSignal } from "./signal-route.ts";
import { watchdogVerdict } from "./watchdog.ts";

export type DataPlane = "mesh" | "sfu";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface CallEvents {
  connection: { state: ConnectionState };
  /** `prepare()` is done: workers up, media config read, member id known and its key package made. */
  prepared: { me: string };
  participants: { me: string | null; present: string[]; inSync: boolean; isCommitter: boolean };
  epoch: EpochSummary;
  /** `stream` is the sender's MediaStream id; a member's presence names its screen-share stream. */
  track: { member: string; track: MediaStreamTrack; stream: string };
  "peer-closed": { member: string };
  error: { code: string; detail: string };
  /** A chat line (MLS application message), in the room's order; `own` for ours coming back. */
  chat: { seq: string; sender: string; own: boolean } & ChatBody;
  /** A member's presence (name, muted, camera, hand, screen stream), end-to-end encrypted. */
  presence: { member: string } & PresenceBody;
  /** A sequenced application message this member cannot read (sent before it joined, …). */
  unreadable: { seq: string; sender: string; reason: string };
  /** A chat line we could not send (not in sync yet, or too long). */
  "chat-failed": { text: string; reason: string };
}

/** What this member tells the others about itself (sent encrypted; see app-message.ts). */
export interface LocalPresence {
  name: string;
  muted: boolean;
  camera: boolean;
  hand: boolean;
}

export interface CallOptions {
  room: string;
  /** MLS cipher suite from the invite link: 1 (default) or 83 (X-Wing). */
  suite?: number;
  /** Origin of the room Worker; default the page's. */
  origin?: string;
  /** Local media; default camera + microphone with `video` constraints. */
  media?: MediaStream;
  video?: MediaTrackConstraints;
  /** Display name and initial mute/camera state, told to the others encrypted. */
  presence?: Partial<LocalPresence>;
  /** Forces a data plane (tests, diagnostics); default what `/media/config` says. */
  dataPlane?: DataPlane;
}

/** Per remote member: decode counters and connection quality (`member-stats.ts`), on either plane. */
export type RemoteMediaStats = MemberStats;

const PEER_WATCHDOG_MS = 6_000;
/** How long the earlier of two members waits for the later one's offer before offering itself. */
const OFFER_WAIT_MS = 2_000;
/** SFU plane: checked this often; rebuilt once down for `SFU_DOWN_MS` (doubling per rebuild, to 4×). */
const SFU_CHECK_MS = 2_000;
const SFU_DOWN_MS = 12_000;

type Listener<K extends keyof CallEvents> = (e: CallEvents[K]) => void;

export class Call {
  readonly room: string;
  readonly suite: number;
  me: string | null = null;
  present: string[] = [];
  /** Each present member's announcement sequence number (the room's order; decides who offers first). */
  private seqs: Record<string, string> = {};
  epoch: EpochSummary | null = null;
  connection: ConnectionState = "connecting";
  /** Mesh only: one peer connection per other member. */
  readonly peers = new Map<string, Peer>();
  /** The data plane in use, known once `/media/config` was read. */
  dataPlane: DataPlane = "mesh";
  local: MediaStream | null = null;
  /** Our screen share while it runs. */
  screen: MediaStream | null = null;
  /** Our presence as the others will see it. */
  readonly presence: LocalPresence;
  /** Other members' presence by member id (from their encrypted messages). */
  readonly others = new Map<string, PresenceBody>();
  private readonly origin: string;
  private readonly video: MediaTrackConstraints;
  private readonly forcedPlane: DataPlane | undefined;
  /** SFU only: the plane's module (loaded in `prepare()`), the plane while joined, our pushed tracks. */
  private sfuModule: typeof import("./sfu.ts") | null = null;
  private sfu: SfuPlane | null = null;
  private localTracks: TrackRef[] = [];
  /** SFU only: the others' latest track announcements (a rebuilt plane pulls them again). */
  private readonly sfuAnnounced = new Map<string, TrackRef[]>();
  private sfuWatch: ReturnType<typeof setInterval> | undefined;
  /** When the plane was last seen up (or built), and how many rebuilds since it was last up. */
  private sfuUpAt = 0;
  private sfuRebuilds = 0;
  private listeners: { [K in keyof CallEvents]?: Listener<K>[] } = {};
  private mls: Worker | null = null;
  private media: Worker | null = null;
  private iceServers: RTCIceServer[] = [];
  /** This page's DTLS certificate, made in the lobby and shared by every peer connection. */
  private certificate: RTCCertificate | undefined;
  private stopped = false;
  /** The MLS worker's socket count (it names the socket our signals are meant for). */
  private session = 0;
  /** Members present in the last view: a peer closes only when its member leaves. */
  private lastPresent = new Set<string>();
  /** Signals that arrived before the room told us who we are, or while in the lobby. */
  private early: { from: string; payload: PeerSignal }[] = [];
  private appId = 0;
  /** Chat lines waiting for an answer from the MLS worker (for `chat-failed`). */
  private readonly outbox = new Map<number, AppMessage>();
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Watchdog restarts per member since its connection was last up (backs the watchdog off). */
  private readonly restarts = new Map<string, number>();
  /** Members whose offer we wait for (`awaitOffer`). */
  private readonly awaiting = new Set<string>();
  /** The lobby's media (`setLobbyMedia`), and the signals of the connections made for it, held until Join. */
  private lobbyMedia: MediaStream | null = null;
  private lobbySignals: { to: string; payload: PeerSignal }[] = [];
  /** Per member: remote peer generations that were replaced (their late signals are dropped). */
  private readonly deadGens = new Map<string, Set<number>>();
  private prepared: Promise<void> | null = null;
  /** Join pressed: present in the room (announced), with peers. Before that the socket is a lobby one. */
  private joined = false;
  private configured = false;
  /** `prepared` was emitted (once: a reconnect in the lobby does not repeat it). */
  isPrepared = false;

  constructor(opts: CallOptions) {
    this.room = opts.room;
    this.suite = opts.suite ?? 1;
    this.origin = opts.origin ?? location.origin;
    if (opts.media) this.local = opts.media;
    this.video = opts.video ?? { width: 640, height: 360, frameRate: 24 };
    this.presence = { name: "", muted: false, camera: true, hand: false, ...opts.presence };
    this.forcedPlane = opts.dataPlane;
  }

  on<K extends keyof CallEvents>(type: K, fn: Listener<K>): () => void {
    const list = (this.listeners[type] ?? []) as Listener<K>[];
    this.listeners[type] = list as never;
    list.push(fn);
    return () => list.splice(list.indexOf(fn) >>> 0, 1);
  }

  private emit<K extends keyof CallEvents>(type: K, e: CallEvents[K]): void {
    for (const fn of (this.listeners[type] ?? []) as Listener<K>[]) fn(e);
  }

  /**
   * Everything that does not need the person to have pressed Join, started from the lobby: the MLS
   * worker (ts-mls loaded, engine made) and the media worker, the media config, and the room socket. On
   * that socket this member is in the room's lobby: it has a member id, follows the room's events and
   * holds a key package made for that id, but it is not present (nobody adds it, nobody connects to it)
   * until `join()` sends the key package. Idempotent; `join()` calls it if the lobby did not.
   */
  prepare(): Promise<void> {
    this.prepared ??= this.start();
    return this.prepared;
  }

  private async start(): Promise<void> {
    // Workers first: their scripts (ts-mls is most of the bytes) load while the config request runs.
    this.mls = new Worker(new URL("./mls-worker.ts", import.meta.url), {
      type: "module",
      name: "sealroom-mls",
    });
    this.media = new Worker(new URL("./media-worker.ts", import.meta.url), {
      type: "module",
      name: "sealroom-media",
    });
    const keys = new MessageChannel();
    this.toMls({ type: "key-port", port: keys.port1 }, [keys.port1]);
    this.media.postMessage({ type: MEDIA_KEY_PORT, port: keys.port2 }, [keys.port2]);
    this.mls.onmessage = (e: MessageEvent<MlsWorkerOut>) => this.fromMls(e.data);
    this.media.addEventListener("message", (e) => {
      if (e.data?.type === "sealroom-frames/error")
        this.emit("error", { code: "media-worker", detail: e.data.message });
    });
    this.mls.onerror = (e) => this.emit("error", { code: "mls-worker", detail: e.message });
    this.media.onerror = (e) => this.emit("error", { code: "media-worker", detail: e.message });
    const url = `${this.origin.replace(/^http/, "ws")}/rooms/${encodeURIComponent(this.room)}/ws`;
    this.toMls({ type: "start", suite: this.suite, lobby: !this.joined, url });
    // The DTLS certificate is made now, not by each RTCPeerConnection at Join (ECDSA P-256, as Chromium's
    // default); a failure leaves it to the connection.
    const certificate = RTCPeerConnection.generateCertificate({
      name: "ECDSA",
      namedCurve: "P-256",
    } as EcKeyGenParams).catch(() => undefined);
    const config = (await (await fetch(`${this.origin}/media/config`)).json()) as {
      mode: "sfu" | "mesh";
      iceServers: RTCIceServer[];
    };
    this.certificate = await certificate;
    this.dataPlane = this.forcedPlane ?? (config.mode === "sfu" ? "sfu" : "mesh");
    if (this.dataPlane === "sfu") this.sfuModule = await import("./sfu.ts");
    this.iceServers = config.iceServers;
    this.configured = true;
    this.prewarm();
    this.checkPrepared();
  }

  private checkPrepared(): void {
    if (this.isPrepared || !this.configured || this.me === null) return;
    this.isPrepared = true;
    this.emit("prepared", { me: this.me });
  }

  /**
   * Joins: announces this member (the key package prepared in the lobby goes out; the committer adds us)
   * and at the same moment opens a peer connection to every member present, so ICE and DTLS run while the
   * commit and Welcome travel. Frames that arrive before our keys are dropped by the media worker, which
   * asks for a keyframe once the epoch is installed. `media` is the lobby's camera and microphone.
   */
  async join(media?: MediaStream): Promise<void> {
    if (media) this.local = media;
    // Prepared in the lobby (the usual case): the key package goes to the worker before this returns, so
    // whatever the caller does next (mounting the call view) does not delay it.
    if (!this.isPrepared || !this.local) {
      const ready = this.prepare();
      this.local ??= await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: this.video,
      });
      await ready;
    }
    if (this.stopped || this.joined) return;
    for (const t of this.local.getAudioTracks()) t.enabled = !this.presence.muted;
    for (const t of this.local.getVideoTracks()) t.enabled = this.presence.camera;
    // Connections made in the lobby were for the lobby's media; other media (another device, or none)
    // starts them over.
    if (this.local !== this.lobbyMedia) this.dropLobbyPeers();
    this.joined = true;
    this.toMls({ type: "announce" });
    // The offers made in the lobby follow the key package at once (the worker holds them until it went out).
    for (const s of this.lobbySignals.splice(0)) this.sendSignal(s.to, s.payload);
    for (const [m, p] of this.peers) this.watch(m, p);
    this.syncPeers();
  }

  /**
   * The lobby's camera and microphone (the lobby calls this whenever it opens them; null when closed).
   * On the mesh the engine then makes its connection to every member present and its offer, ICE
   * candidates included, and holds them: nothing is sent before Join (the room would not relay it to a
   * member that is not present anyway), and Join sends them right behind the key package. A member that
   * leaves meanwhile has its connection closed and its held signals dropped.
   */
  setLobbyMedia(media: MediaStream | null): void {
    if (this.joined || media === this.lobbyMedia) return;
    this.dropLobbyPeers();
    this.lobbyMedia = media;
    try {
      this.prewarm();
    } catch (err) {
      // Only a head start: Join makes whatever connection is missing.
      this.dropLobbyPeers();
      this.emit("error", { code: "lobby-peers", detail: err instanceof Error ? err.message : String(err) });
    }
  }

  private prewarm(): void {
    if (this.joined || this.stopped || !this.lobbyMedia || this.me === null) return;
    if (!this.configured || this.dataPlane !== "mesh") return;
    const present = new Set(this.present);
    for (const [m, p] of this.peers) {
      if (present.has(m)) continue;
      p.close();
      this.peers.delete(m);
      this.lobbySignals = this.lobbySignals.filter((s) => s.to !== m);
    }
    for (const m of present) if (m !== this.me) this.peer(m);
  }

  private dropLobbyPeers(): void {
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    this.lobbySignals = [];
  }

  /** Leaves the room: closes the socket (the room announces the leave), peers and workers. */
  leave(): void {
    this.stopped = true;
    // The worker closes the socket normally (the room announces the leave) and then itself.
    const mls = this.mls;
    this.toMls({ type: "leave" });
    setTimeout(() => mls?.terminate(), 3_000);
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    clearInterval(this.sfuWatch);
    this.sfu?.close();
    this.sfu = null;
    for (const t of this.local?.getTracks() ?? []) t.stop();
    for (const t of this.screen?.getTracks() ?? []) t.stop();
    clearTimeout(this.presenceTimer);
    this.media?.terminate();
    this.setConnection("closed");
  }

  /** Drops the room socket as a network failure would, and stays away for `ms` before reconnecting. */
  disconnectFor(ms: number): void {
    this.toMls({ type: "drop", ms });
  }

  /** Sends a chat line to every member (an MLS application message; the room sees only ciphertext). */
  sendChat(text: string): void {
    this.sendApp({ kind: "chat", text, at: Date.now() });
  }

  /** Changes what we tell the others (name, muted, camera, hand) and applies mute/camera to the tracks. */
  setPresence(change: Partial<LocalPresence>): void {
    Object.assign(this.presence, change);
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = !this.presence.muted;
    for (const t of this.local?.getVideoTracks() ?? []) t.enabled = this.presence.camera;
    this.announce();
  }

  /** Starts sending a screen share (from `getDisplayMedia`) as a stream of its own to every peer. */
  shareScreen(screen: MediaStream | null): void {
    for (const t of this.screen?.getTracks() ?? []) t.stop();
    this.screen = screen;
    const track = screen?.getVideoTracks()[0];
    if (track) track.addEventListener("ended", () => this.screen === screen && this.shareScreen(null));
    for (const p of this.peers.values()) p.setScreen(screen);
    this.sfu?.setScreen(screen);
    this.announce();
  }

  /** Switches camera or microphone (settings dialog): the new track replaces the old on every peer. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const kind = track.kind as "audio" | "video";
    const local = this.local;
    if (!local) return;
    for (const old of kind === "audio" ? local.getAudioTracks() : local.getVideoTracks()) {
      local.removeTrack(old);
      old.stop();
    }
    track.enabled = kind === "audio" ? !this.presence.muted : this.presence.camera;
    local.addTrack(track);
    this.sfu?.replaceTrack(kind, track);
    await Promise.all([...this.peers.values()].map((p) => p.replaceTrack(kind, track)));
  }

  /**
   * Tells the others our presence and, on the SFU plane, where our tracks are (debounced; again on every
   * new epoch, for members who just joined and cannot read what was said before).
   */
  private announce(): void {
    clearTimeout(this.presenceTimer);
    this.presenceTimer = setTimeout(() => {
      if (!this.epoch) return;
      this.sendApp({ kind: "presence", ...this.presence, screen: this.screen?.id ?? null, at: Date.now() });
      if (this.sfu) this.sendApp({ kind: "tracks", tracks: this.localTracks, at: Date.now() });
    }, 50);
  }

  private sendApp(message: AppMessage): void {
    const id = ++this.appId;
    if (message.kind === "chat") this.outbox.set(id, message);
    this.toMls({ type: "app", id, message });
  }

  /**
   * Per remote member, on either data plane: what the browser decoded (after decryption) so far and the
   * connection's quality (round trip, loss, audio level, ICE state). The UI's tiles and the tests read
   * this one source.
   */
  async mediaStats(): Promise<MemberStats[]> {
    if (this.dataPlane === "sfu") {
      const sfu = this.sfu;
      const pc = sfu?.pc;
      if (!sfu || !pc) return [];
      const owner = sfu.trackMembers();
      const byMember = new Map([...sfu.members()].map((m) => [m, emptyMemberStats(m, pc)] as const));
      foldReport(await pc.getStats(), byMember, (track) => owner.get(track));
      return [...byMember.values()];
    }
    return Promise.all(
      [...this.peers].map(async ([member, peer]) => {
        const byMember = new Map([[member, emptyMemberStats(member, peer.pc)]]);
        foldReport(await peer.pc.getStats(), byMember, () => member);
        return byMember.get(member)!;
      }),
    );
  }

  /** SFU plane: every open pull (member, slot, SFU session and track name, track state). */
  sfuPulls(): SfuPullState[] {
    return this.sfu?.pullStates() ?? [];
  }

  /** SFU plane: our tracks as we announce them, and the connection to the SFU (diagnostics, tests). */
  sfuLocal(): { tracks: TrackRef[]; connection: RTCPeerConnection | null } {
    return { tracks: [...this.localTracks], connection: this.sfu?.pc ?? null };
  }

  /** The media worker's counters (frames encrypted, decrypted, dropped by reason). */
  frameStats(): Promise<Record<string, number>> {
    const media = this.media;
    if (!media) return Promise.resolve({});
    return new Promise((resolve) => {
      const onMessage = (e: MessageEvent) => {
        if (e.data?.type !== "sealroom-frames/stats") return;
        media.removeEventListener("message", onMessage);
        resolve(e.data.stats);
      };
      media.addEventListener("message", onMessage);
      media.postMessage({ type: "sealroom-frames/stats" });
    });
  }

  /** The room socket's frame headers with wall-clock times (the join benchmark's breakdown). */
  wireLog(): Promise<WireLogEntry[]> {
    const mls = this.mls;
    if (!mls) return Promise.resolve([]);
    return new Promise((resolve) => {
      const onMessage = (e: MessageEvent<MlsWorkerOut>) => {
        if (e.data?.type !== "wire-log") return;
        mls.removeEventListener("message", onMessage);
        resolve(e.data.entries);
      };
      mls.addEventListener("message", onMessage);
      this.toMls({ type: "wire-log" });
    });
  }

  // --- socket (in the MLS worker) ----------------------------------------------------------------

  /** The worker lost the socket: a new socket is a new member, so every peer of the old identity goes. */
  private reset(session: number): void {
    this.session = session;
    this.lastPresent = new Set();
    for (const [m, p] of this.peers) {
      p.close();
      this.emit("peer-closed", { member: m });
    }
    this.peers.clear();
    // The SFU plane starts over too: our pushes and pulls belonged to the old member id.
    this.closeSfu();
    for (const m of this.sfuAnnounced.keys()) this.emit("peer-closed", { member: m });
    this.sfuAnnounced.clear();
    this.me = null;
    this.epoch = null;
    this.early = [];
    this.lobbySignals = [];
    this.deadGens.clear();
    this.others.clear();
  }

  private setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    this.emit("connection", { state });
  }

  // --- MLS worker --------------------------------------------------------------------------------

  private toMls(m: MlsWorkerIn, transfer: Transferable[] = []): void {
    this.mls?.postMessage(m, transfer);
  }

  private fromMls(m: MlsWorkerOut): void {
    if (this.stopped) return;
    switch (m.type) {
      case "connection":
        this.setConnection(m.state);
        break;
      case "reset":
        this.reset(m.session);
        break;
      case "signal":
        this.onSignal(m.from, m.payload);
        break;
      case "view":
        this.me = m.me;
        this.present = m.present;
        this.seqs = m.seqs;
        this.emit("participants", {
          me: m.me,
          present: m.present,
          inSync: m.inSync,
          isCommitter: m.isCommitter,
        });
        this.syncPeers();
        this.prewarm();
        this.checkPrepared();
        break;
      case "epoch":
        this.epoch = m.summary;
        this.outbox.clear();
        this.emit("epoch", m.summary);
        // Members who just joined cannot read what we said before: say it again in this epoch.
        this.announce();
        break;
      case "app":
        this.onApp(m.sender, m.seq, m.own, m.message);
        break;
      case "app-unreadable":
        this.emit("unreadable", { seq: m.seq, sender: m.sender, reason: m.reason });
        break;
      case "app-failed": {
        const sent = this.outbox.get(m.id);
        this.outbox.delete(m.id);
        if (sent?.kind === "chat") this.emit("chat-failed", { text: sent.text, reason: m.reason });
        break;
      }
      case "left-group":
        this.epoch = null;
        break;
      case "error":
        this.emit("error", { code: m.code, detail: m.detail });
        break;
    }
  }

  private onApp(sender: string, seq: string, own: boolean, message: AppMessage): void {
    if (message.kind === "chat") {
      this.emit("chat", { seq, sender, own, ...message });
      return;
    }
    if (own) return;
    if (message.kind === "tracks") {
      // Only a joined SFU plane pulls; a member that announces before we joined announces again in the
      // epoch that adds us.
      if (!this.sfu) return;
      this.sfuAnnounced.set(sender, message.tracks);
      this.sfu.announce(sender, message.tracks);
      return;
    }
    this.others.set(sender, message);
    this.emit("presence", { member: sender, ...message });
  }

  // --- mesh --------------------------------------------------------------------------------------

  private syncPeers(): void {
    // In the lobby nobody is connected to: present members do not know we are here.
    if (this.me === null || !this.joined) return;
    if (this.dataPlane === "sfu") {
      this.syncSfu();
      return;
    }
    for (const s of this.early.splice(0)) this.deliver(s.from, s.payload);
    const present = new Set(this.present);
    for (const m of present) {
      if (m === this.me || this.peers.has(m)) continue;
      if (this.offersTo(m)) this.peer(m);
      else this.awaitOffer(m);
    }
    // A signal can arrive before the event announcing its sender: only a member that was present and
    // is not any more has left.
    for (const m of this.lastPresent) {
      const p = this.peers.get(m);
      if (!present.has(m) && p) {
        p.close();
        this.peers.delete(m);
        this.emit("peer-closed", { member: m });
      }
      if (!present.has(m)) this.others.delete(m);
    }
    this.lastPresent = present;
  }

  /**
   * Who opens a mesh connection: the member that arrived later (greater announcement sequence number;
   * ours is unknown until the room sequenced it, and then we are later than everyone we see). It offers
   * at once; the earlier member makes its peer when that offer arrives, so the two do not both offer and
   * collide (perfect negotiation resolves a collision, but the polite side's offer is then wasted, and
   * the connection waits for whichever offer the impolite side made, which could be the one behind the
   * commit's MLS work). Both sides read the room's one order, so they agree.
   */
  private offersTo(member: string): boolean {
    const mine = this.me === null ? undefined : this.seqs[this.me];
    const theirs = this.seqs[member];
    if (mine === undefined) return true;
    if (theirs === undefined) return false;
    return BigInt(mine) > BigInt(theirs);
  }

  /** The later member's offer did not come (lost, or it runs an older client): connect anyway. */
  private awaitOffer(member: string): void {
    if (this.awaiting.has(member)) return;
    this.awaiting.add(member);
    setTimeout(() => {
      this.awaiting.delete(member);
      if (this.joined && !this.stopped && this.lastPresent.has(member) && !this.peers.has(member))
        this.peer(member);
    }, OFFER_WAIT_MS);
  }

  // --- SFU ---------------------------------------------------------------------------------------

  /**
   * Starts the SFU plane on Join (pushes begin at once, in parallel with the commit and Welcome) and
   * keeps its pulls to the present members: a member that left has every pull closed.
   */
  private syncSfu(): void {
    const present = new Set(this.present.filter((m) => m !== this.me));
    for (const m of this.lastPresent) if (!present.has(m)) this.others.delete(m);
    for (const m of [...this.sfuAnnounced.keys()]) {
      if (present.has(m)) continue;
      this.sfuAnnounced.delete(m);
      this.emit("peer-closed", { member: m });
    }
    this.lastPresent = present;
    if (!this.sfu) this.openSfu();
    this.sfu?.setPresent([...present]);
  }

  /** A new plane: pushes start at once; what the others announced is pulled again. */
  private openSfu(): void {
    if (this.sfu || !this.sfuModule || !this.local) return;
    const sfu = new this.sfuModule.SfuPlane({
      origin: this.origin,
      iceServers: this.iceServers,
      mediaWorker: this.media!,
      onLocalTracks: (tracks) => {
        if (this.sfu !== sfu) return;
        this.localTracks = tracks;
        this.announce();
      },
      onTrack: (member, track, stream) => {
        if (this.sfu === sfu) this.emit("track", { member, track, stream });
      },
      onError: (detail) => this.emit("error", { code: "sfu", detail }),
    });
    this.sfu = sfu;
    sfu.setLocal(this.local);
    if (this.screen) sfu.setScreen(this.screen);
    sfu.setPresent([...this.lastPresent]);
    for (const [m, tracks] of this.sfuAnnounced) sfu.announce(m, tracks);
    this.sfuUpAt = Date.now();
    clearInterval(this.sfuWatch);
    this.sfuWatch = setInterval(() => this.checkSfu(), SFU_CHECK_MS);
  }

  /**
   * The SFU watchdog: a plane down (not connected, or a push not acknowledged) for 12 s is rebuilt on a
   * new SFU session; each rebuild before the plane is up again doubles the wait (to 4×), so a slow SFU is
   * given time rather than restarted for ever.
   */
  private checkSfu(): void {
    const sfu = this.sfu;
    if (!sfu) return;
    if (sfu.isUp()) {
      this.sfuUpAt = Date.now();
      this.sfuRebuilds = 0;
      void sfu.repairStalled().catch(() => undefined);
      return;
    }
    if (Date.now() - this.sfuUpAt < SFU_DOWN_MS * 2 ** this.sfuRebuilds) return;
    this.sfuRebuilds = Math.min(this.sfuRebuilds + 1, 2);
    this.emit("error", {
      code: "sfu-rebuilt",
      detail: `SFU connection ${sfu.pc?.connectionState ?? "none"}`,
    });
    this.closeSfu();
    this.openSfu();
  }

  private closeSfu(): void {
    clearInterval(this.sfuWatch);
    this.sfu?.close();
    this.sfu = null;
    this.localTracks = [];
  }

  // --- mesh (continued) --------------------------------------------------------------------------

  private peer(member: string): Peer {
    let p = this.peers.get(member);
    if (p) return p;
    p = new Peer({
      me: this.me!,
      remote: member,
      iceServers: this.iceServers,
      certificate: this.certificate,
      mediaWorker: this.media!,
      local: (this.local ?? this.lobbyMedia)!,
      screen: this.screen,
      signal: (payload) => this.sendSignal(member, payload),
      onTrack: (track, stream) => this.emit("track", { member, track, stream }),
      onState: (state) => {
        if (state === "connected") this.restarts.delete(member);
        // A failed connection starts over with a new generation; the other side follows (see deliver).
        if (state === "failed" && this.peers.get(member) === p) {
          this.retire(member, p!);
          this.peers.delete(member);
          this.peer(member);
        }
      },
      onNegotiationError: (detail) => {
        this.emit("error", { code: "peer-negotiation", detail: `${member}: ${detail}` });
        // Start over at once (a new generation: the other side follows), counted with the watchdog's
        // restarts; past three in a row the watchdog, backing off, takes it from here.
        const n = this.restarts.get(member) ?? 0;
        if (this.peers.get(member) !== p || n >= 3) return;
        this.restarts.set(member, n + 1);
        this.retire(member, p!);
        this.peers.delete(member);
        if (this.lastPresent.has(member)) this.peer(member);
      },
    });
    this.peers.set(member, p);
    if (this.joined) this.watch(member, p);
    return p;
  }

  private watch(member: string, peer: Peer): void {
    // Watchdog (`watchdog.ts`, README "Watchdog"): a connection still not up and quiet (no remote signal,
    // no state change) for the whole wait starts over with a new generation, which makes the other side
    // start over too; one still making progress is left to finish. Every restart makes the next wait for
    // that member twice as long (to 8x, back to 1x once connected). A signal that was really lost is
    // still retried at the base wait the first time. (A connection made in the lobby is watched from
    // Join: until then its offer is held.)
    const n = this.restarts.get(member) ?? 0;
    const wait = (PEER_WATCHDOG_MS + Math.random() * PEER_WATCHDOG_MS) * 2 ** n;
    peer.touch();
    const check = () => {
      if (this.peers.get(member) !== peer) return;
      const v = watchdogVerdict(
        { state: peer.pc.connectionState, lastProgress: peer.lastProgress },
        performance.now(),
        wait,
      );
      if (v.kind === "recheck") setTimeout(check, v.ms);
      if (v.kind !== "restart") return;
      this.retire(member, peer);
      this.peers.delete(member);
      this.restarts.set(member, Math.min(n + 1, 3));
      if (this.lastPresent.has(member)) this.peer(member);
    };
    setTimeout(check, wait);
  }

  /**
   * The room protocol's `signal` message (committer codec, relayed point to point by the room, never
   * sequenced or stored) carrying the peer's signal as UTF-8 JSON. Signals of a socket that is gone are
   * moot: a new socket means new peers on both sides.
   */
  private sendSignal(to: string, payload: PeerSignal): void {
    if (!this.joined) {
      this.lobbySignals.push({ to, payload });
      return;
    }
    this.toMls({ type: "signal", session: this.session, to, payload: JSON.stringify(payload) });
  }

  private onSignal(from: string, json: string): void {
    let payload: PeerSignal;
    try {
      payload = JSON.parse(json) as PeerSignal;
    } catch {
      return; // not ours to repair: a malformed signal is dropped
    }
    if (typeof payload !== "object" || payload === null) return;
    if (this.dataPlane === "sfu") return; // no mesh on the SFU plane
    if (this.me === null || !this.joined) this.early.push({ from, payload });
    else this.deliver(from, payload);
  }

  /**
   * Each peer connection has a random generation carried in its signals. A signal from a new generation
   * means the other side started over (its connection failed or was replaced): start over too.
   */
  private deliver(from: string, payload: PeerSignal): void {
    // A signal of a remote connection already replaced (still in flight, or held while we were busy) must
    // not be taken for the current one: adopting it would make us restart again when the new one speaks,
    // the other side would follow, and the two would replace each other for ever.
    // A signal answering a connection of ours that was replaced is dropped too (`signal-route.ts`).
    const current = this.peers.get(from);
    const route = routeSignal(current, this.deadGens.get(from), {
      gen: payload.gen,
      to: payload.to,
      offer: payload.description?.type === "offer",
    });
    if (route.restart && current) {
      this.retire(from, current);
      this.peers.delete(from);
      if (!route.deliver) {
        this.peer(from); // starts over: its offer makes the sender follow
        return;
      }
    }
    if (!route.deliver) return;
    const p = this.peer(from);
    p.remoteGen ??= payload.gen ?? null;
    void p.receive(payload);
  }

  /**
   * Closes a peer connection that is being replaced. The remote generation it talked to is over either
   * way: the remote replaced it (a newer generation spoke) or will replace it (our new generation tells it
   * to), so later signals of that generation are dropped.
   */
  private retire(member: string, p: Peer): void {
    p.close();
    if (p.remoteGen === null) return;
    const dead = this.deadGens.get(member) ?? new Set<number>();
    dead.add(p.remoteGen);
    this.deadGens.set(member, dead);
  }
}
