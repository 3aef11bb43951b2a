/**
 * Rooms: mint an unguessable id, join a room's WebSocket (handed to its Durable Object), and read how
 * many members are present (announced; the lobby shows it). Room ids are checked before any object is touched,
 * so a malformed id never creates one.
 */
import { Hono } from "hono";
import type { Env } from "../env.ts";
import { RoomError } from "../errors.ts";
import { isRoomId, mintRoomId } from "../room-id.ts";

function roomStub(env: Env, room: string) {
  if (!isRoomId(room)) {
    throw new RoomError(
      "malformed-room-id",
      "room id must be 22..64 characters of [A-Za-z0-9_-] (≥ 128 bits)",
    );
  }
  return env.ROOMS.getByName(room);
}

export const rooms = new Hono<{ Bindings: Env }>()
  .post("/rooms", (c) => c.json({ room: mintRoomId() }, 201))
  .get("/rooms/:room/ws", (c) => {
    const stub = roomStub(c.env, c.req.param("room"));
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
      throw new RoomError("not-websocket", "expected a WebSocket upgrade");
    }
    return stub.fetch(c.req.raw);
  })
  .get("/rooms/:room", async (c) => {
    const info = await roomStub(c.env, c.req.param("room")).info();
    return c.json({ members: info.members });
  });
