/** Bindings of the transparency Worker, as declared in wrangler.jsonc. */
import type { TransparencyLog } from "./transparency-log.ts";

export interface Env {
  LOG: DurableObjectNamespace<TransparencyLog>;
  ASSET_STORE: R2Bucket;
  SEALROOM_COMMIT: string;
}
