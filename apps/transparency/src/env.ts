/** Bindings and vars of the transparency Worker, as declared in wrangler.jsonc (README "Configuration"). */
import type { TransparencyLog } from "./transparency-log.ts";
import type { TreeShard } from "./tree-shard.ts";

export interface Env {
  /** The coordinator (name `log`): batches, roots, cosignatures, waiting appends. */
  LOG: DurableObjectNamespace<TransparencyLog>;
  /** Tree shards, named `shard-<i>/<TREE_SHARDS>`: chains, staged events and tree pages. */
  SHARD: DurableObjectNamespace<TreeShard>;
  /** Number of tree shards: "1" (default), "16" or "256"; never changed after the first deploy. */
  TREE_SHARDS?: string;
  ASSET_STORE: R2Bucket;
  SEALROOM_COMMIT: string;
  /** Domain of this service, the `<tdomain>` of cosignatures (e.g. transparency.sealroom.localhost). */
  TREE_DOMAIN: string;
  /** Newline-separated signed-note verifier keys of trusted witnesses (type 0x06). May be empty. */
  WITNESS_KEYS?: string;
  /** Distinct witnesses whose cosignatures make a root usable (default: all configured keys, min 1). */
  WITNESS_QUORUM?: string;
  /** Comma-separated witness URLs to POST /notify after each sealed batch. */
  WITNESS_NOTIFY_URLS?: string;
  /** Epoch length in ms (default 1000). */
  EPOCH_MS?: string;
  /** How long /append and /enroll wait for cosignatures before 503 (default 30000). */
  APPEND_TIMEOUT_MS?: string;
  /** Dev only: JSON {"domain": "http://127.0.0.1:port"} for enrolment fetches. */
  DEV_ORIGINS?: string;
}
