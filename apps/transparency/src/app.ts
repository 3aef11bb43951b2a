/** HTTP routes of the transparency Worker (Hono). Errors map to responses in one place: `app.onError`. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import pkg from "../package.json" with { type: "json" };
import type { Env } from "./env.ts";

export const app = new Hono<{ Bindings: Env }>();

app.get("/healthz", async (c) => {
  const schema = await c.env.LOG.getByName("log").schemaVersion();
  return c.json({
    name: pkg.name,
    version: pkg.version,
    ...(c.env.SEALROOM_COMMIT ? { commit: c.env.SEALROOM_COMMIT } : {}),
    schema,
  });
});

app.notFound((c) => c.json({ error: "not found" }, 404));

app.onError((err, c) => {
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
