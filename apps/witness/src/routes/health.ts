/** `GET /healthz`: name, version and commit of this build. */
import { Hono } from "hono";
import pkg from "../../package.json" with { type: "json" };
import type { Env } from "../env.ts";

export const health = new Hono<{ Bindings: Env }>().get("/healthz", (c) =>
  c.json({
    name: pkg.name,
    version: pkg.version,
    ...(c.env.SEALROOM_COMMIT ? { commit: c.env.SEALROOM_COMMIT } : {}),
  }),
);
