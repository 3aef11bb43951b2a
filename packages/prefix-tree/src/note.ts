/**
 * @sealroom/prefix-tree/note: C2SP signed notes (https://c2sp.org/signed-note), WAICT witness
 * cosignatures and C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the signed prefix root
 * clients receive, quorum counting (`tallyWitnesses`) and the one Ed25519 verification rule they use.
 * A concept of its own, as Go keeps `sumdb/note` apart from any log. Re-exports only.
 *
 * Parsing, formats, key IDs and counting (`signed-note.ts`, `cosignature.ts`) import only SHA-256;
 * everything that signs or verifies with @noble/ed25519 (`note-ed25519.ts`,
 * `cosignature-ed25519.ts`) is in modules of its own, so a bundler (the package is
 * `sideEffects: false`) leaves noble and SHA-512 out of a verifier that brings its own Ed25519.
 */

export {
  COSIGNATURE_V1_HEADER,
  COSIGNATURE_V1_TYPE,
  type CosignatureTimeOptions,
  type CosignerKey,
  cosignatureTime,
  cosignatureV1Message,
  cosignerVerifierKey,
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  formatPrefixTreeCheckpoint,
  formatSignedPrefixRoot,
  MAX_COSIGNATURE_TIME,
  PREFIX_TREE_ORIGIN_SUFFIX,
  type PrefixTreeCheckpoint,
  parsePrefixTreeCheckpoint,
  parseSignedPrefixRoot,
  type SignedPrefixRoot,
  TIMESTAMPED_SIGNATURE_SIZE,
  type TimestampedSignature,
  tallyWitnesses,
  type VerifiedCosignature,
  WAICT_COSIGNATURE_HEADER,
  WAICT_COSIGNATURE_TYPE,
  type WitnessTally,
  waictCosignatureKeyId,
  waictCosignatureMessage,
  waictCosignatureMessageForText,
} from "./cosignature.ts";
export {
  cosignerKeyFromSignerKey,
  cosignersOf,
  generateCosignerKey,
  signCosignature,
  signCosignatureV1,
  verifyCosignature,
  verifyCosignatureV1,
  verifySignedPrefixRoot,
} from "./cosignature-ed25519.ts";
export {
  type Ed25519Arithmetic,
  verifyEd25519With,
} from "./ed25519.ts";
export { ed25519Precheck } from "./ed25519-precheck.ts";
export {
  ed25519,
  generateEd25519KeyPair,
  generateNoteKey,
  noteVerifiers,
  parseSignerKey,
  type SignatureVerifier,
  signNote,
  signNoteText,
  verifyEd25519,
  verifyNote,
  verifyNoteSignature,
} from "./note-ed25519.ts";
export {
  formatNote,
  formatSignatureLine,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  type Note,
  type NoteSignature,
  NoteSignatureType,
  noteKeyId,
  type ParseNoteOptions,
  parseNote,
  parseSignatureLines,
  parseVerifierKey,
  type SignerKey,
  type VerifierKey,
} from "./signed-note.ts";
