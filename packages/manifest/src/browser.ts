/**
 * Browser entry of @sealroom/manifest: only what a page needs to verify itself (the transparency
 * verifier, the per-fetch integrity check and the failure reasons). No Node modules and no
 * build-time code are reachable from here; bench/ measures its bundle (min+gzip). The header parser
 * is left out on purpose: a page cannot read the headers of its own navigation response, so it
 * learns the manifest URL from its own markup or a re-fetch, and the parser (structured-headers)
 * would cost about 3 KB.
 * Re-exports only.
 */
export { checkIntegrity, checkWasm, type IntegrityResult } from "./check-integrity.ts";
export { type Failure, FailureReason, ManifestError } from "./errors.ts";
export type { Manifest } from "./manifest.ts";
export {
  DEFAULT_MAX_AGE,
  type TransparencyResult,
  type VerifyTransparencyOptions,
  verifyTransparency,
} from "./verify-transparency.ts";
