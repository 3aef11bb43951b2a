/**
 * HTTP routes of the witness Worker (Hono sub-apps in routes/). Errors map to responses in one
 * place (`app.onError` via `statusOf`). Any request also makes sure the per-service poll loops run
 * (at most once a minute; the cron trigger does the same in deployment).
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Env } from "./env.ts";
import { statusOf, WitnessError } from "./errors.ts";
import { admin } from "./routes/admin.ts";
import { health } from "./routes/health.ts";
import { notify } from "./routes/notify.ts";
import { status } from "./routes/status.ts";
import { vkey } from "./routes/vkey.ts";
import { startAll } from "./services.ts";

export const app = new Hono<{ Bindings: Env }>();

app.use(async (c, next) => {
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined; // app.request() in tests has no execution context
  }
  ctx?.waitUntil(startAll(c.env).catch((e) => console.error(`starting poll loops: ${(e as Error).message}`)));
  await next();
});

app.route("/", health);
app.route("/", vkey);
app.route("/", status);
app.route("/", notify);
app.route("/", admin);

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof WitnessError) return c.json({ error: err.message }, statusOf(err.kind));
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
