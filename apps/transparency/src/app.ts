/**
 * HTTP routes of the transparency Worker (Hono): sub-apps from `src/routes/`, errors mapped to
 * responses once (`app.onError`, statuses in errors.ts). README "API" lists every endpoint.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import pkg from "../package.json" with { type: "json" };
import { ServiceError, statusOf } from "./errors.ts";
import { assets } from "./routes/assets.ts";
import type { AppEnv } from "./routes/common.ts";
import { explorer } from "./routes/explorer.ts";
import { read } from "./routes/read.ts";
import { tree } from "./routes/tree.ts";
import { write } from "./routes/write.ts";

export const app = new Hono<AppEnv>();

app.get("/healthz", async (c) => {
  const schema = await c.env.LOG.getByName("log").schemaVersion();
  return c.json({
    name: pkg.name,
    version: pkg.version,
    ...(c.env.SEALROOM_COMMIT ? { commit: c.env.SEALROOM_COMMIT } : {}),
    schema,
  });
});

app.route("/", write);
app.route("/", read);
app.route("/", tree);
app.route("/", assets);
app.route("/", explorer);

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof ServiceError) {
    const status = statusOf(err.kind);
    const headers: Record<string, string> = status === 503 ? { "retry-after": "2" } : {};
    return c.json({ error: err.kind, message: err.message, ...err.extra }, status, headers);
  }
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
