/**
 * The call engine the UI drives: joins a room's WebSocket, runs MLS in a dedicated worker and frame
 * encryption in another, and keeps a WebRTC peer mesh to every other member. The page (this module)
 * never holds key material: it relays opaque room frames to the MLS worker and receives public facts
 * (member ids, epoch, safety number) back.
 *
 * Events: `connection` (connecting/open/reconnecting/closed), `participants` (present members, roster),
 * `epoch` (epoch number, suite, safety number), `track` (a remote member's decrypted track), `error`.
 *
 * Reconnect: on an unexpected close the engine waits with exponential backoff (0.5 s doubling to 8 s,
 * jittered), tells the MLS worker to start over (the room assigns a new member id, the committer
 * removes the old one and adds the new one), closes every peer connection and reconnects; the snapshot
 * the room sends on connect rebuilds the view. Pings every 2 s let the room notice a dead socket.
 */

import { Peer, type PeerSignal } from "./peer.ts";
import type { EpochSummary, MlsWorkerIn, MlsWorkerOut } from "./protocol.ts";
import { MEDIA_KEY_PORT } from "./protocol.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface CallEvents {
  connection: { state: ConnectionState };
  participants: { me: string | null; present: string[]; inSync: boolean; isCommitter: boolean };
  epoch: EpochSummary;
  track: { member: string; track: MediaStreamTrack };
  "peer-closed": { member: string };
  error: { code: string; detail: string };
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
}

export interface RemoteMediaStats {
  member: string;
  connection: RTCPeerConnectionState;
  framesDecoded: number;
  frameWidth: number;
  audioPacketsReceived: number;
  audioSamplesReceived: number;
}

const PING_MS = 2_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 8_000;

type Listener<K extends keyof CallEvents> = (e: CallEvents[K]) => void;

export class Call {
  readonly room: string;
  readonly suite: number;
  me: string | null = null;
  present: string[] = [];
  epoch: EpochSummary | null = null;
  connection: ConnectionState = "connecting";
  readonly peers = new Map<string, Peer>();
  local: MediaStream | null = null;
  private readonly origin: string;
  private readonly video: MediaTrackConstraints;
  private listeners: { [K in keyof CallEvents]?: Listener<K>[] } = {};
  private ws: WebSocket | null = null;
  private mls: Worker | null = null;
  private media: Worker | null = null;
  private iceServers: RTCIceServer[] = [];
  private ping: ReturnType<typeof setInterval> | undefined;
  private attempt = 0;
  private holdUntil = 0;
  private stopped = false;
  /** Signals that arrived before the room told us who we are. */
  private early: { from: string; payload: PeerSignal }[] = [];

  constructor(opts: CallOptions) {
    this.room = opts.room;
    this.suite = opts.suite ?? 1;
    this.origin = opts.origin ?? location.origin;
    if (opts.media) this.local = opts.media;
    this.video = opts.video ?? { width: 640, height: 360, frameRate: 24 };
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

  async join(): Promise<void> {
    const config = (await (await fetch(`${this.origin}/media/config`)).json()) as {
      mode: "sfu" | "mesh";
      iceServers: RTCIceServer[];
    };
    // The SFU data plane (partytracks push/pull) is not wired into the engine yet: both modes use the mesh.
    this.iceServers = config.iceServers;
    this.local ??= await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: this.video,
    });
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
    this.toMls({ type: "start", suite: this.suite });
    this.connect();
  }

  /** Leaves the room: closes the socket (the room announces the leave), peers and workers. */
  leave(): void {
    this.stopped = true;
    clearInterval(this.ping);
    this.ws?.close(1000, "left");
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    for (const t of this.local?.getTracks() ?? []) t.stop();
    this.mls?.terminate();
    this.media?.terminate();
    this.setConnection("closed");
  }

  /** Drops the room socket as a network failure would, and stays away for `ms` before reconnecting. */
  disconnectFor(ms: number): void {
    this.holdUntil = Date.now() + ms;
    this.ws?.close(4999, "network drop");
  }

  /** Per remote member: what the browser decoded (after decryption) so far. */
  async mediaStats(): Promise<RemoteMediaStats[]> {
    const out: RemoteMediaStats[] = [];
    for (const [member, peer] of this.peers) {
      const s: RemoteMediaStats = {
        member,
        connection: peer.pc.connectionState,
        framesDecoded: 0,
        frameWidth: 0,
        audioPacketsReceived: 0,
        audioSamplesReceived: 0,
      };
      (await peer.pc.getStats()).forEach((r) => {
        if (r.type !== "inbound-rtp") return;
        if (r.kind === "video") {
          s.framesDecoded += r.framesDecoded ?? 0;
          s.frameWidth = Math.max(s.frameWidth, r.frameWidth ?? 0);
        } else if (r.kind === "audio") {
          s.audioPacketsReceived += r.packetsReceived ?? 0;
          s.audioSamplesReceived += r.totalSamplesReceived ?? 0;
        }
      });
      out.push(s);
    }
    return out;
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

  // --- socket ------------------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const url = `${this.origin.replace(/^http/, "ws")}/rooms/${encodeURIComponent(this.room)}/ws`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.setConnection(this.attempt === 0 ? "connecting" : "reconnecting");
    ws.onopen = () => {
      this.attempt = 0;
      this.setConnection("open");
      clearInterval(this.ping);
      this.ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_MS);
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") {
        if (e.data !== "pong") this.onText(e.data);
        return;
      }
      const bytes = new Uint8Array(e.data as ArrayBuffer);
      this.toMls({ type: "frame", bytes }, [bytes.buffer]);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      clearInterval(this.ping);
      if (this.stopped) return;
      if (e.code >= 4001 && e.code <= 4003)
        this.emit("error", { code: `room-closed-${e.code}`, detail: e.reason });
      this.restart();
    };
  }

  private restart(): void {
    // A new socket is a new member: forget the group and every peer of the old identity.
    this.toMls({ type: "reset" });
    for (const [m, p] of this.peers) {
      p.close();
      this.emit("peer-closed", { member: m });
    }
    this.peers.clear();
    this.me = null;
    this.epoch = null;
    this.early = [];
    this.setConnection("reconnecting");
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt += 1;
    const wait = Math.max(backoff, this.holdUntil - Date.now());
    setTimeout(() => this.connect(), wait);
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
    switch (m.type) {
      case "send":
        if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(m.bytes);
        break;
      case "view":
        this.me = m.me;
        this.present = m.present;
        this.emit("participants", m);
        this.syncPeers();
        break;
      case "epoch":
        this.epoch = m.summary;
        this.emit("epoch", m.summary);
        break;
      case "left-group":
        this.epoch = null;
        break;
      case "error":
        this.emit("error", { code: m.code, detail: m.detail });
        break;
    }
  }

  // --- mesh --------------------------------------------------------------------------------------

  private syncPeers(): void {
    if (this.me === null) return;
    for (const s of this.early.splice(0)) void this.peer(s.from).receive(s.payload);
    const present = new Set(this.present);
    for (const m of present) if (m !== this.me) this.peer(m);
    for (const [m, p] of this.peers) {
      if (!present.has(m)) {
        p.close();
        this.peers.delete(m);
        this.emit("peer-closed", { member: m });
      }
    }
  }

  private peer(member: string): Peer {
    let p = this.peers.get(member);
    if (p) return p;
    p = new Peer({
      me: this.me!,
      remote: member,
      iceServers: this.iceServers,
      mediaWorker: this.media!,
      local: this.local!,
      signal: (payload) => this.ws?.send(JSON.stringify({ type: "signal", to: member, payload })),
      onTrack: (track) => this.emit("track", { member, track }),
      onState: () => undefined,
    });
    this.peers.set(member, p);
    return p;
  }

  private onText(text: string): void {
    let msg: { type?: string; from?: string; payload?: PeerSignal };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type !== "signal" || typeof msg.from !== "string") return;
    if (this.me === null) this.early.push({ from: msg.from, payload: msg.payload ?? {} });
    else void this.peer(msg.from).receive(msg.payload ?? {});
  }
}
