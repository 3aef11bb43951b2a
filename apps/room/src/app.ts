/** HTTP routes of the room Worker (Hono). Errors map to responses in one place: `app.onError`. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import pkg from "../package.json" with { type: "json" };
import type { Env } from "./env.ts";
import { isRoomName } from "./room-name.ts";

export const app = new Hono<{ Bindings: Env }>();

app.get("/healthz", (c) =>
  c.json({
    name: pkg.name,
    version: pkg.version,
    ...(c.env.SEALROOM_COMMIT ? { commit: c.env.SEALROOM_COMMIT } : {}),
  }),
);

app.get("/rooms/:room/ws", async (c) => {
  const room = c.req.param("room");
  if (!isRoomName(room)) {
    throw new HTTPException(400, { message: "room name must match [a-z0-9][a-z0-9-]{0,62}" });
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new HTTPException(426, { message: "expected a WebSocket upgrade" });
  }
  const stub = c.env.ROOMS.getByName(room);
  return stub.fetch(c.req.raw);
});

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
