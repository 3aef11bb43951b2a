/**
 * `POST /notify`: a transparency service's hint that it sealed a batch. The body is ignored except
 * an optional `?tree_domain=` narrowing which followed service to wake; nothing in it is trusted.
 */
import { Hono } from "hono";
import type { Env } from "../env.ts";
import { followedServices, startAll, stubFor } from "../services.ts";

export const notify = new Hono<{ Bindings: Env }>().post("/notify", async (c) => {
  await c.req.arrayBuffer().catch(() => undefined);
  const only = c.req.query("tree_domain");
  await startAll(c.env, true);
  const services = followedServices(c.env).filter((s) => only === undefined || s.tree_domain === only);
  await Promise.all(services.map((s) => stubFor(c.env, s.tree_domain).notify()));
  return c.json({ woken: services.length }, 202);
});
