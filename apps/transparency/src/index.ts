/** Worker entry: the Hono app and the Durable Object classes wrangler binds (coordinator, shards). */
import { app } from "./app.ts";

export { TransparencyLog } from "./transparency-log.ts";
export { TreeShard } from "./tree-shard.ts";
export default app;
