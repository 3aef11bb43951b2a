/**
 * @sealroom/manifest: WAICT integrity manifests (waict-integrity v2), the Integrity-Policy-WAICT-v1
 * header, manifest responses, `ChainHeadWithProof`, the client transparency verifier, the per-fetch
 * integrity check and the dev-ids extension. Runtime-neutral; `./node` adds `buildManifest(dir)`,
 * `./browser` is the small verifier entry. Re-exports only.
 */
export {
  APPEND_AUTH_HEADER,
  type AppendAuthInput,
  appendMessage,
  appendVerifierKey,
  DOMAIN_HEADER,
  decodePositionHeader,
  decodeSignatureHeader,
  generateAppendKey,
  POSITION_HEADER,
  parseAppendSignerKey,
  SIGNATURE_HEADER,
  signAppend,
  signUpload,
  UPLOAD_AUTH_HEADER,
  type UploadAuthInput,
  uploadMessage,
  verifyAppend,
  verifyUpload,
} from "./append-auth.ts";
export {
  type BuildFile,
  type BuildManifestOptions,
  type BuildManifestResult,
  buildManifestFromFiles,
} from "./build-manifest.ts";
export { canonicalKey, PLACEHOLDER_ORIGIN, requestKey } from "./canonical-url.ts";
export {
  CHAIN_NODE_BYTES,
  type ChainHeadWithProof,
  decodeChainHeadWithProof,
  encodeChainHeadWithProof,
  MAX_INC_PROOF,
  MAX_SIGNED_PREFIX_ROOT,
} from "./chain-head-with-proof.ts";
export {
  ACTIVE_DESTINATIONS,
  type CheckIntegrityOptions,
  checkIntegrity,
  checkWasm,
  type IntegrityMatch,
  type IntegrityResult,
  PASSIVE_DESTINATIONS,
} from "./check-integrity.ts";
export type { CosignedRoot, WitnessKeyInput } from "./cosigned-root.ts";
export {
  derivePreloadEntries,
  PRELOAD_COOLDOWN,
  type PreloadSite,
} from "./derive-preload-list.ts";
export {
  checkDevIds,
  checkDevIdsEvidence,
  DEV_IDS_COOLDOWN,
  DEV_IDS_KEY,
  type DevIds,
  type DevIdsPolicy,
  type DevIdsResult,
  readDevIds,
  withDevIds,
} from "./dev-ids.ts";
export {
  type Failure,
  FailureReason,
  failure,
  InvalidManifestError,
  ManifestError,
  PreloadListDecodeError,
  ProofDecodeError,
} from "./errors.ts";
export {
  buildIntegrityPolicy,
  type HeaderParseResult,
  INTEGRITY_POLICY_HEADER,
  type IntegrityPolicy,
  MAX_HEADER_LENGTH,
  parseIntegrityPolicy,
  WaictMode,
} from "./integrity-policy-header.ts";
export {
  isSha256B64u,
  isTombstoneManifest,
  MAX_MANIFEST_BYTES,
  type Manifest,
  type ParseManifestOptions,
  parseManifest,
  serializeManifest,
} from "./manifest.ts";
export {
  decodeManifestResponse,
  decodeProofLine,
  encodeManifestResponse,
  MANIFEST_MEDIA_TYPE,
  MAX_RESPONSE_BYTES,
  type ManifestResponse,
} from "./manifest-response.ts";
export {
  type HeadSource,
  ManifestServer,
  type ManifestServerOptions,
  type ServedManifestResponse,
} from "./manifest-server.ts";
export {
  LOGGED_MANIFESTS_TABLE_SQL,
  type LoggedManifest,
  type ManifestSqlExec,
  type ManifestStore,
  SqlManifestStore,
} from "./manifest-store.ts";
export {
  MAX_ASSET_HOST_LENGTH,
  MAX_ASSET_HOSTS,
  MAX_NEW_ENTRY_DATA_BYTES,
  type NewEntryData,
  NewEntryDataError,
  type ParseNewEntryDataOptions,
  parseAppendKey,
  parseNewEntryData,
  serializeNewEntryData,
} from "./new-entry-data.ts";
export {
  decodePreloadList,
  encodePreloadList,
  findPreloadEntry,
  MAX_PRELOAD_DOMAINS,
  MAX_PRELOAD_LIST_BYTES,
  makePreloadList,
  PRELOAD_LIST_FORMAT,
  PRELOAD_LIST_HEADER_BYTES,
  PRELOAD_LIST_MAGIC,
  type PreloadEntry,
  type PreloadList,
  PreloadListKind,
  preloadChainDomain,
  preloadListHash,
} from "./preload-list.ts";
export {
  decodePreloadListResponse,
  encodePreloadListResponse,
  MAX_PRELOAD_LIST_RESPONSE_BYTES,
  type PreloadListResponse,
} from "./preload-list-response.ts";
export {
  type PreloadPolicy,
  type PreloadPolicyInput,
  preloadPolicy,
  type TransparencyNotEnrolled,
  UNENROLMENT_COOLDOWN,
} from "./preload-policy.ts";
export { resourceHashOf } from "./resource-hash.ts";
export { sha256B64u } from "./sha256.ts";
export { addSri, type SriResult, sriFor } from "./sri.ts";
export {
  type PreloadListResult,
  type VerifiedPreloadList,
  type VerifyPreloadListOptions,
  verifyPreloadList,
} from "./verify-preload-list.ts";
export {
  type Cosigner,
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  type TransparencyOk,
  type TransparencyResult,
  type TransparencyStatus,
  type VerifyTransparencyOptions,
  verifyTransparency,
} from "./verify-transparency.ts";
