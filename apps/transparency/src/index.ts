/** Worker entry: the Hono app and the Durable Object class wrangler binds. */
import { app } from "./app.ts";

export { TransparencyLog } from "./transparency-log.ts";
export default app;
