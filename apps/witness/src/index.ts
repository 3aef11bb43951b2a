/** Worker entry: the Hono app and the Durable Object class wrangler binds. */
import { app } from "./app.ts";

export { WitnessState } from "./witness-state.ts";
export default app;
