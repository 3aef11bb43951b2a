/** Bindings of the witness Worker, as declared in wrangler.jsonc. */
import type { WitnessState } from "./witness-state.ts";

export interface Env {
  WITNESS_STATE: DurableObjectNamespace<WitnessState>;
  SEALROOM_COMMIT: string;
}
