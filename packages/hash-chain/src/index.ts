/**
 * @sealroom/hash-chain: a WAICT site's append-only hash chain (waict-transparency-spec
 * waict-apis.md; proofs from the WAICT blog post's "Hash Chain"). Re-exports only.
 */
export {
  ASSET_HOST_URL_MAX,
  ASSET_HOSTS_MAX_BYTES,
  assetHostsHash,
  decodeAssetHosts,
  encodeAssetHosts,
  readAssetHosts,
} from "./asset-hosts.ts";
export { U64_MAX } from "./bytes.ts";
export {
  CHAIN_NODE_SIZE,
  type ChainNode,
  decodeChainNode,
  encodeChainNode,
  nextChainHash,
} from "./chain-node.ts";
export { type ChainCheckpoint, checkpointOf, emptyCheckpoint, verifyEntries } from "./checkpoint.ts";
export {
  type ChainConsistencyProof,
  decodeChainConsistencyProof,
  encodeChainConsistencyProof,
  verifyChainConsistency,
} from "./consistency-proof.ts";
export {
  decodeEntriesTile,
  encodeEntriesTile,
  FULL_TILE_SIZE,
  type TileSpec,
  tileIndexOf,
  tilesForSize,
} from "./entries-tile.ts";
export { decodeEntry, ENTRY_SIZE, type Entry, encodeEntry, entriesEqual, isTombstone } from "./entry.ts";
export { MAX_PROOF_ENTRIES } from "./entry-vector.ts";
export {
  DecodeError,
  type DecodeFailure,
  HashChainError,
  HashChainErrorCode,
  isDecodeFailure,
  shiftDecodeFailure,
} from "./errors.ts";
export { HASH_SIZE, type Sha256, sha256, Tag, taggedHash, ZERO_HASH } from "./hash.ts";
export {
  type ChainInclusionProof,
  decodeChainInclusionProof,
  encodeChainInclusionProof,
  verifyChainInclusion,
} from "./inclusion-proof.ts";
export { nextChainNode } from "./next-chain-node.ts";
export { isTombstoneHash, resourceHash, tombstoneResourceHash } from "./resource-hash.ts";
export { type Sha256WithInto, sha256Small, sha256SmallInto } from "./sha256-small.ts";
export { type AppendInput, SiteChain, type SiteChainOptions } from "./site-chain.ts";
export {
  CHAIN_HASH_INDEX_LIMIT,
  chainHashPath,
  ENTRIES_TILE_INDEX_LIMIT,
  type EntriesTileRef,
  entriesTilePath,
  formatTileIndex,
  parseEntriesTilePath,
  parseTileIndex,
  TILE_WIDTH,
  TREE_EVENT_BATCH_INDEX_LIMIT,
} from "./tile-path.ts";
