/** Cron trigger: restarts any poll loop that is not running (e.g. after a deploy or config change). */
import type { Env } from "./env.ts";
import { startAll } from "./services.ts";

export async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  await startAll(env, true);
}
