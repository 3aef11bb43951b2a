/**
 * The room WebSocket (`/rooms/<room>/ws`), owned by the MLS worker: binary frames of the committer's room
 * protocol, a `ping` every 2 s (answered by the runtime's auto-response, so the room keeps hibernating and
 * notices a dead socket), and reconnection with backoff on an unexpected close (0.5 s doubling to 8 s,
 * ±25 % jitter; at least until a `drop(ms)` hold ends). Frames go straight from the socket to the owner's
 * handler, in arrival order, with no main-thread hop: the page is busy with the UI and peer connections
 * exactly when a join's key package, commit and Welcome travel.
 *
 * It also keeps a small log of frame headers (protocol tag, event tag, direction, wall-clock time; never
 * a payload) for the join benchmark.
 */

export type SocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface RoomSocketHandlers {
  /** A binary frame from the room (a copy the handler owns). */
  frame(bytes: Uint8Array): void;
  /** An unexpected close: the handler forgets the old member before the next `open`. */
  lost(code: number, reason: string): void;
  state(state: SocketState): void;
}

export interface WireLogEntry {
  /** `performance.timeOrigin + performance.now()`: comparable across the tabs of one machine. */
  t: number;
  /** `keys`: not a frame; the MLS worker handed an epoch's keys to the media worker (`noteKeys`). */
  dir: "send" | "recv" | "keys";
  /** Byte 1: the message tag (committer codec). */
  tag: number;
  /** Byte 10: an event's tag (after version, tag and the u64 sequence number). */
  ev: number;
}

const PING_MS = 2_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 8_000;
const WIRE_LOG_MAX = 2_000;

export class RoomSocket {
  private readonly url: string;
  private readonly on: RoomSocketHandlers;
  private ws: WebSocket | null = null;
  private ping: ReturnType<typeof setInterval> | undefined;
  private attempt = 0;
  private holdUntil = 0;
  private stopped = false;
  readonly wire: WireLogEntry[] = [];

  constructor(url: string, handlers: RoomSocketHandlers) {
    this.url = url;
    this.on = handlers;
    this.connect();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open (frames of a socket that is gone are moot: a new member). */
  send(bytes: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.note("send", bytes);
    this.ws!.send(bytes);
    return true;
  }

  /** Drops the socket as a network failure would and stays away for `ms` (tests, diagnostics). */
  drop(ms: number): void {
    this.holdUntil = Date.now() + ms;
    this.ws?.close(4999, "network drop");
  }

  /** Leaves: a normal close (the room announces the leave); resolves once closed (at most 1 s). */
  close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ping);
    const ws = this.ws;
    this.on.state("closed");
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((done) => {
      ws.addEventListener("close", () => done());
      setTimeout(done, 1_000);
      ws.close(1000, "left");
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.on.state(this.attempt === 0 ? "connecting" : "reconnecting");
    ws.onopen = () => {
      this.attempt = 0;
      this.on.state("open");
      clearInterval(this.ping);
      this.ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_MS);
    };
    ws.onmessage = (e) => {
      if (this.ws !== ws || typeof e.data === "string") return; // "pong"
      const bytes = new Uint8Array(e.data as ArrayBuffer);
      this.note("recv", bytes);
      this.on.frame(bytes);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      clearInterval(this.ping);
      if (this.stopped) return;
      this.on.state("reconnecting");
      this.on.lost(e.code, e.reason);
      const backoff =
        Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      setTimeout(() => this.connect(), Math.max(backoff, this.holdUntil - Date.now()));
    };
  }

  /** Logs that epoch keys were installed (the join benchmark's end of the Welcome). */
  noteKeys(): void {
    this.note("keys", new Uint8Array(0));
  }

  private note(dir: WireLogEntry["dir"], b: Uint8Array): void {
    if (this.wire.length >= WIRE_LOG_MAX) this.wire.splice(0, WIRE_LOG_MAX / 2);
    this.wire.push({ t: performance.timeOrigin + performance.now(), dir, tag: b[1] ?? 0, ev: b[10] ?? 0 });
  }
}
