/** Worker entry: the Hono app, the cron handler and the Durable Object class wrangler binds. */
import { app } from "./app.ts";
import type { Env } from "./env.ts";
import { scheduled } from "./scheduled.ts";

export { WitnessState } from "./witness-state.ts";
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
