/**
 * One Durable Object per room. It accepts the members' WebSockets with the hibernation API
 * (`ctx.acceptWebSocket`), so an idle room costs nothing while sockets stay open, and relays every
 * message to the other members. The room never sees keys: MLS and frame encryption happen in the
 * browsers; the committer issue adds event sequencing on top of this relay.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env.ts";

/** Largest message relayed; MLS commits with Welcomes for large groups stay well under this. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export class Room extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Number of members currently connected. */
  async memberCount(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const size =
      typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      ws.close(1009, `message of ${size} bytes exceeds ${MAX_MESSAGE_BYTES}`);
      return;
    }
    for (const peer of this.ctx.getWebSockets()) {
      if (peer === ws) continue;
      try {
        peer.send(message);
      } catch {
        // A peer whose socket is already closing is dropped by the runtime; the others still get it.
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}
