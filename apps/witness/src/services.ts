/**
 * The Worker's side of the per-service Durable Objects: one object per tree domain, configured
 * from `SERVICES` and started (its alarm loop set) on requests, the cron trigger and `/notify`.
 */
import { parseServices, type ServiceConfig } from "./config.ts";
import type { Env } from "./env.ts";

export const stubFor = (env: Env, treeDomain: string) => env.WITNESS_STATE.getByName(treeDomain);

export function followedServices(env: Env): ServiceConfig[] {
  return parseServices(env.SERVICES);
}

let startedAt = 0;
/** Re-checks the loops at most this often from request traffic (the cron covers the rest). */
const RESTART_CHECK_MS = 60_000;

/** Configures every followed service's object (idempotent) so that its alarm loop runs. */
export async function startAll(env: Env, force = false): Promise<void> {
  const now = Date.now();
  if (!force && now - startedAt < RESTART_CHECK_MS) return;
  startedAt = now;
  await Promise.all(followedServices(env).map((s) => stubFor(env, s.tree_domain).configure(s)));
}
