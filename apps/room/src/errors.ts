/**
 * Every expected failure of the room Worker, declared once. HTTP failures are `RoomError`s mapped to a
 * status in one `switch` (`statusOf`, used by `app.onError`); WebSocket failures close the socket with a
 * code from `CloseCode` and a reason a person can read. Codes 4000–4999 are application codes
 * (RFC 6455 §7.4.2); the standard ones are used where they fit.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type RoomErrorCode =
  | "malformed-room-id"
  | "not-websocket"
  | "not-found"
  | "sfu-not-configured"
  | "sfu-unreachable"
  | "turn-unavailable"
  | "bad-request"
  | "transparency-off"
  | "transparency-misconfigured"
  | "manifest-unavailable";

export class RoomError extends Error {
  readonly code: RoomErrorCode;
  constructor(code: RoomErrorCode, message: string) {
    super(message);
    this.name = "RoomError";
    this.code = code;
  }
}

export function statusOf(code: RoomErrorCode): ContentfulStatusCode {
  switch (code) {
    case "malformed-room-id":
    case "bad-request":
      return 400;
    case "not-found":
    case "transparency-off":
      return 404;
    case "not-websocket":
      return 426;
    case "sfu-unreachable":
    case "turn-unavailable":
      return 502;
    case "sfu-not-configured":
    case "manifest-unavailable":
      return 503;
    case "transparency-misconfigured":
      return 500;
  }
}

/** Close codes the room sends; each close also carries a reason naming the limit. */
export const CloseCode = {
  /** RFC 6455: the client closed normally or the room shut the socket down cleanly. */
  normal: 1000,
  /** RFC 6455 §7.4.1: a frame that does not decode (room protocol or signalling JSON). */
  malformed: 1007,
  /** RFC 6455 §7.4.1: a message above the size limit. */
  tooBig: 1009,
  /** The room already holds its maximum number of members. */
  roomFull: 4001,
  /** More messages per second than a connection may send. */
  rateLimited: 4002,
  /** Too many key packages / resync requests (each forces a commit for the whole room). */
  keyPackageFlood: 4003,
  /** No ping or message within the heartbeat timeout: the socket is treated as gone. */
  heartbeatTimeout: 4004,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
