/**
 * One Durable Object per room: it runs `@sealroom/committer`'s sequencer over the members' WebSockets
 * (hibernation API, so an idle room costs nothing while sockets stay open), which also relays the peer
 * mesh's media signalling (the protocol's binary `signal` message). It holds no keys: MLS and frame encryption happen in the browsers.
 *
 * Durability order, for every socket event: compute the sequencer's next state, write it (and the member
 * counter) to SQLite in one `transactionSync`, and only then send anything. A restart between any two
 * steps therefore never loses an event a member has seen, and the member ids already handed out are
 * never reused. When the object starts (first use, after eviction, after a crash) it reconciles the
 * stored connections with the sockets the runtime still holds: members whose socket is gone leave.
 *
 * Liveness: clients send "ping" every 2 s, answered by the runtime (`setWebSocketAutoResponse`) without
 * waking the object; an alarm checks the last ping or message of every socket and closes the ones silent
 * for longer than the heartbeat timeout, so a half-open socket leaves within timeout + check interval.
 */

import { DurableObject } from "cloudflare:workers";
import {
  ClientTag,
  CommitterError,
  type ConnectionId,
  connectionMember,
  createSequencer,
  DecodeError,
  decodeSequencerState,
  encodeSequencerState,
  type MemberId,
  type Outgoing,
  type SequencerResult,
  type SequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "@sealroom/committer";
import type { Env } from "./env.ts";
import { CloseCode } from "./errors.ts";
import { limitsFrom, PING, PONG, type RoomLimits } from "./limits.ts";
import { type Bucket, fullBucket, takeToken } from "./token-bucket.ts";

/** What each socket carries across hibernation (`serializeAttachment`). */
interface Attachment {
  member: MemberId;
  /** The sequencer's connection id (decimal; a u64). */
  connection: string;
  lastSeen: number;
  messages: Bucket;
  keyPackages: Bucket;
}

/** A snapshot of the room for tests and the lobby (no keys exist here to leak). */
export interface RoomInfo {
  roomId: string | null;
  /** Members present (announced). Sockets still in the lobby (connected, not announced) do not count. */
  members: number;
  /** Sockets open, lobby ones included (what the members-per-room limit counts). */
  sockets: number;
  nextSeq: bigint;
  epoch: bigint | null;
  state: Uint8Array | null;
}

export class Room extends DurableObject<Env> {
  private readonly limits: RoomLimits;
  private seq: SequencerState | null = null;
  private nextMember = 1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.limits = limitsFrom(env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS sequencer (id INTEGER PRIMARY KEY CHECK (id = 0), state BLOB NOT NULL, next_member INTEGER NOT NULL)",
    );
    const row = ctx.storage.sql.exec<{ state: ArrayBuffer; next_member: number }>(
      "SELECT state, next_member FROM sequencer WHERE id = 0",
    );
    for (const r of row) {
      this.seq = decodeSequencerState(new Uint8Array(r.state));
      this.nextMember = r.next_member;
    }
    // The runtime answers pings itself, so a hibernated room stays asleep while its members are alive.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.reconcile();
  }

  /** Connections whose socket did not survive a restart close (their close event will never arrive). */
  private reconcile(): void {
    if (this.seq === null) return;
    const live = new Set(this.ctx.getWebSockets().map((ws) => this.attachment(ws)?.connection));
    for (const c of [...this.seq.connections.values()].sort((a, b) => (a < b ? -1 : 1))) {
      if (!live.has(c.toString())) this.apply(sequencerDisconnect(this.seq, c));
    }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: "expected a WebSocket upgrade" }, { status: 426 });
    }
    const roomId = new URL(request.url).pathname.split("/")[2] ?? "";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (this.ctx.getWebSockets().length >= this.limits.maxMembers) {
      // Accept and close, so the browser sees the reason (a refused upgrade shows only "error").
      server.accept();
      server.close(CloseCode.roomFull, `room is full (${this.limits.maxMembers} members)`);
      return new Response(null, { status: 101, webSocket: client });
    }
    const member = `m${this.nextMember}`;
    const now = Date.now();
    const result = sequencerConnect(this.seq ?? createSequencer(roomId), member);
    const attachment: Attachment = {
      member,
      connection: result.connection.toString(),
      lastSeen: now,
      messages: fullBucket(this.limits.messageBurst, now),
      keyPackages: fullBucket(this.limits.keyPackageBurst, now),
    };
    this.ctx.acceptWebSocket(server, [member, connectionTag(result.connection)]);
    server.serializeAttachment(attachment);
    this.nextMember += 1;
    this.apply(result);
    await this.ensureAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Room facts for the lobby and for tests (RPC). */
  async info(): Promise<RoomInfo> {
    return {
      roomId: this.seq?.roomId ?? null,
      members: this.seq?.view.present.size ?? 0,
      sockets: this.ctx.getWebSockets().length,
      nextSeq: this.seq?.view.nextSeq ?? 0n,
      epoch: this.seq?.view.group?.epoch ?? null,
      state: this.seq ? encodeSequencerState(this.seq) : null,
    };
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const a = this.attachment(ws);
    if (
      a === undefined ||
      this.seq === null ||
      connectionMember(this.seq, BigInt(a.connection)) === undefined
    )
      return;
    const now = Date.now();
    const size = typeof message === "string" ? utf8Length(message) : message.byteLength;
    if (size > this.limits.maxMessageBytes) {
      return this.drop(
        ws,
        a,
        CloseCode.tooBig,
        `message of ${size} bytes exceeds ${this.limits.maxMessageBytes}`,
      );
    }
    const messages = takeToken(
      a.messages,
      this.limits.messageBurst,
      this.limits.messagesPerSecond / 1000,
      now,
    );
    if (messages === null) {
      return this.drop(
        ws,
        a,
        CloseCode.rateLimited,
        `more than ${this.limits.messagesPerSecond} messages per second`,
      );
    }
    let next: Attachment = { ...a, lastSeen: now, messages };

    if (typeof message === "string") {
      // "ping" never gets here (the runtime answers it); the room protocol, signalling included, is binary.
      return this.drop(ws, a, CloseCode.malformed, "text frames other than ping are not room protocol");
    }

    const bytes = new Uint8Array(message);
    if (bytes[1] === ClientTag.KeyPackage || bytes[1] === ClientTag.Resync) {
      const kp = takeToken(
        a.keyPackages,
        this.limits.keyPackageBurst,
        this.limits.keyPackagesPerMinute / 60_000,
        now,
      );
      if (kp === null) {
        return this.drop(
          ws,
          a,
          CloseCode.keyPackageFlood,
          `more than ${this.limits.keyPackagesPerMinute} key packages per minute`,
        );
      }
      next = { ...next, keyPackages: kp };
    }
    let result: SequencerResult;
    try {
      result = sequencerReceive(this.seq, BigInt(a.connection), bytes);
    } catch (err) {
      if (err instanceof DecodeError)
        return this.drop(ws, a, CloseCode.malformed, `malformed frame: ${err.message}`);
      if (err instanceof CommitterError) return this.drop(ws, a, CloseCode.normal, "connection replaced");
      throw err;
    }
    ws.serializeAttachment(next);
    this.apply(result);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    const a = this.attachment(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? CloseCode.normal : code, reason.slice(0, 120));
    } catch {
      // Already closed.
    }
    if (a !== undefined) this.leave(BigInt(a.connection));
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    const a = this.attachment(ws);
    if (a !== undefined) this.leave(BigInt(a.connection));
  }

  /** Heartbeat: members silent for longer than the timeout leave; re-armed while sockets remain. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const a = this.attachment(ws);
      if (a === undefined) continue;
      const ping = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      const lastSeen = Math.max(a.lastSeen, ping);
      if (now - lastSeen > this.limits.heartbeatTimeoutMs) {
        this.drop(ws, a, CloseCode.heartbeatTimeout, `no ping for ${this.limits.heartbeatTimeoutMs} ms`);
      }
    }
    await this.ensureAlarm(true);
  }

  // --- internals ---------------------------------------------------------------------------------

  private attachment(ws: WebSocket): Attachment | undefined {
    return (ws.deserializeAttachment() as Attachment | null) ?? undefined;
  }

  private async ensureAlarm(rearm = false): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) return;
    if (!rearm && (await this.ctx.storage.getAlarm()) !== null) return;
    await this.ctx.storage.setAlarm(
      Date.now() + Math.max(250, Math.floor(this.limits.heartbeatTimeoutMs / 3)),
    );
  }

  /** Closes a socket for a reason and lets its member leave at once (no close event is awaited). */
  private drop(ws: WebSocket, a: Attachment, code: CloseCode, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // Already closing.
    }
    this.leave(BigInt(a.connection));
  }

  private leave(connection: ConnectionId): void {
    if (this.seq === null || connectionMember(this.seq, connection) === undefined) return;
    this.apply(sequencerDisconnect(this.seq, connection));
  }

  /**
   * Stage, persist, then publish: the new state and member counter are stored before any frame leaves. A
   * step that leaves the state as it was (a relayed `signal`) writes nothing.
   */
  private apply(result: SequencerResult): void {
    if (result.state === this.seq) {
      for (const o of result.out) this.publish(result.state, o);
      return;
    }
    const state = encodeSequencerState(result.state);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "INSERT INTO sequencer (id, state, next_member) VALUES (0, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, next_member = excluded.next_member",
        state,
        this.nextMember,
      );
    });
    this.seq = result.state;
    for (const o of result.out) this.publish(result.state, o);
  }

  private publish(state: SequencerState, o: Outgoing): void {
    const targets = o.to === null ? [...state.connections.values()] : [o.to];
    for (const c of targets) for (const ws of this.ctx.getWebSockets(connectionTag(c))) safeSend(ws, o.bytes);
  }
}

/** Sockets are tagged with their member id and their connection id (`c<n>`). */
function connectionTag(c: ConnectionId): string {
  return `c${c}`;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).byteLength;
}

function safeSend(ws: WebSocket, data: string | Uint8Array): void {
  try {
    ws.send(data);
  } catch {
    // A socket already closing is dropped by the runtime; its close event makes the member leave.
  }
}
