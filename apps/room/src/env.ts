/** Bindings of the room Worker, as declared in wrangler.jsonc. */
import type { Room } from "./room.ts";

export interface Env {
  ROOMS: DurableObjectNamespace<Room>;
  ASSETS: Fetcher;
  /** Set at deploy time (`--var SEALROOM_COMMIT:<sha>`); empty in local development. */
  SEALROOM_COMMIT: string;
}
