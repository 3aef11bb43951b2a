/** The room Worker's HTTP surface: sub-apps composed here, every error mapped to a response in one place. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Env } from "./env.ts";
import { RoomError, statusOf } from "./errors.ts";
import { health } from "./routes/health.ts";
import { media } from "./routes/media.ts";
import { rooms } from "./routes/rooms.ts";
import { waict } from "./routes/waict.ts";

// `waict` last: it ends in the catch-all that serves the static assets (with the WAICT header on HTML).
export const app = new Hono<{ Bindings: Env }>()
  .route("/", health)
  .route("/", rooms)
  .route("/", media)
  .route("/", waict);

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof RoomError) return c.json({ error: err.message, code: err.code }, statusOf(err.code));
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
