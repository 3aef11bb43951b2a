/** Bindings of the witness Worker, as declared in wrangler.jsonc (vars) plus its secrets. */
import type { WitnessState } from "./witness-state.ts";

export interface Env {
  WITNESS_STATE: DurableObjectNamespace<WitnessState>;
  SEALROOM_COMMIT: string;
  /** JSON `[{"url", "tree_domain", "mode": "replay" | "compact"}]` (a string, or the parsed array). */
  SERVICES: string | unknown[];
  /** Milliseconds between polls of each service's `/checkpoint`. */
  POLL_MS: string;
  /** Milliseconds after which an unchanged root is cosigned again (freshness). */
  RECOSIGN_MS: string;
  /** Secret: the signed-note signer key text (`PRIVATE+KEY+<name>+<id>+...`, type 0x06). */
  WITNESS_SKEY?: string;
  /** Secret: bearer token of the admin routes (reset after a refusal); unset disables them. */
  ADMIN_TOKEN?: string;
}
