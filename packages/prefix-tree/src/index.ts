/**
 * @sealroom/prefix-tree: the WAICT Merkle-Patricia prefix tree (waict-transparency-spec
 * merkle-patricia-tree.md, waict-apis.md, waict-proofs.md, PR #31), its pages, proofs, tree
 * event batches and Sealroom's compact batch proofs. Re-exports only. Signed notes, witness
 * cosignatures and quorum counting are `@sealroom/prefix-tree/note` (src/note.ts).
 */
export { applyBatch } from "./apply-batch.ts";
export {
  BATCH_PROOF_MAGIC,
  BATCH_PROOF_VERSION,
  BatchProofTag,
  proveBatch,
  verifyBatch,
} from "./batch-proof.ts";
export {
  type BatchProofBundle,
  BUNDLE_MAX_BATCH_BYTES,
  decodeBatchProofBundle,
  encodeBatchProofBundle,
} from "./batch-proof-bundle.ts";
export { computeRoot } from "./compute-root.ts";
export {
  DOMAIN_MAX_LENGTH,
  isNormalizedDomain,
  KEY_TAG,
  keyForDomain,
  keyForNormalizedDomain,
  normalizeDomain,
  treeValueForHead,
} from "./domain-key.ts";
export { BatchError, DecodeError, DomainError, PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
export { defaultSha256, emptyRoot, type Sha256, type Sha256Into } from "./hash.ts";
export { type ChainHeadStore, MemoryChainHeadStore } from "./head-store.ts";
export { decodePageRow, PAGE_VERSION, type PageRow, ROW_BITS, ROW_VERSION } from "./page.ts";
export { MemoryPageStore, type PageStore, type PageWrite } from "./page-store.ts";
export { type Leaves32, PrefixTree, type PrefixTreeOptions, type TreeStats } from "./prefix-tree.ts";
export { PROOF_MAGIC, ProofVersion, verifyInclusion, verifyNonInclusion } from "./proof.ts";
export { type ReplayResult, replayBatch } from "./replay.ts";
export { fastSha256, sha256Into } from "./sha256-into.ts";
export {
  joinShardProof,
  MAX_SHARDS,
  planShardBatch,
  proveShardBatch,
  type ShardEvents,
  ShardTop,
  shardBits,
  shardOf,
  shardRoot,
} from "./shard.ts";
export { MAX_IDS_PER_QUERY, PAGES_TABLE_SQL, type SqlExec, SqlPageStore } from "./sql-page-store.ts";
export {
  BATCH_MAX_BYTES,
  BATCH_MAX_EVENTS,
  decodeTreeEvent,
  decodeTreeEventBatch,
  encodeTreeEvent,
  encodeTreeEventBatch,
  NewAssetHostsTag,
  type TreeEvent,
  type TreeEventBatch,
} from "./tree-event.ts";
