/**
 * The room's limits, with defaults that fit a video call and optional overrides from Worker vars
 * (tests shorten the heartbeat timeout; an operator may lower the member cap).
 */
import { MAX_CLIENT_FRAME_BYTES } from "@sealroom/committer";
import type { Env } from "./env.ts";

export interface RoomLimits {
  /** Members connected at once (the lobby counts: every socket is a member). */
  maxMembers: number;
  /**
   * Largest WebSocket message: by default the room protocol's own frame cap, so every frame the
   * committer may send (an X-Wing commit bundle with a Welcome for 50 members is far larger than a
   * suite-1 one, ≈ 30 KB) gets through; an operator may lower it.
   */
  maxMessageBytes: number;
  /** Token bucket per connection over all messages (pings answered by the runtime do not count). */
  messagesPerSecond: number;
  messageBurst: number;
  /** Token bucket per connection over `key-package` and `resync`: each forces a commit for the whole room. */
  keyPackagesPerMinute: number;
  keyPackageBurst: number;
  /** A socket with no ping and no message for this long is closed and its member leaves. */
  heartbeatTimeoutMs: number;
}

export const DEFAULT_LIMITS: RoomLimits = {
  maxMembers: 50,
  maxMessageBytes: MAX_CLIENT_FRAME_BYTES,
  messagesPerSecond: 50,
  messageBurst: 200,
  keyPackagesPerMinute: 6,
  keyPackageBurst: 4,
  heartbeatTimeoutMs: 6_000,
};

/** Clients ping this often; the server checks twice as often as the timeout allows to miss. */
export const PING_INTERVAL_MS = 2_000;
/** The text the client sends as a ping and the runtime answers without waking the Durable Object. */
export const PING = "ping";
export const PONG = "pong";

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function limitsFrom(env: Partial<Env>): RoomLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxMembers: positive(env.ROOM_MAX_MEMBERS, d.maxMembers),
    maxMessageBytes: positive(env.ROOM_MAX_MESSAGE_BYTES, d.maxMessageBytes),
    messagesPerSecond: positive(env.ROOM_MESSAGES_PER_SECOND, d.messagesPerSecond),
    messageBurst: positive(env.ROOM_MESSAGE_BURST, d.messageBurst),
    keyPackagesPerMinute: positive(env.ROOM_KEY_PACKAGES_PER_MINUTE, d.keyPackagesPerMinute),
    keyPackageBurst: positive(env.ROOM_KEY_PACKAGE_BURST, d.keyPackageBurst),
    heartbeatTimeoutMs: positive(env.ROOM_HEARTBEAT_TIMEOUT_MS, d.heartbeatTimeoutMs),
  };
}
