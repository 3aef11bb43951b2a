/** Worker entry: the Hono app and the Durable Object class wrangler binds. */
import { app } from "./app.ts";

export { Room } from "./room.ts";
export { SiteManifests } from "./site-manifests.ts";
export default app;
