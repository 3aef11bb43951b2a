/** @sealroom/mls-frames: public API (re-exports only; each module names the spec section it implements). */
export { type AeadKey, type AeadOptions, importAeadKey, SYNC_GCM_MAX_BYTES } from "./aead.ts";
export { attachFrameTransform, type RtpEndpointLike, type WorkerLike } from "./attach.ts";
export {
  CipherSuite,
  type CipherSuiteParams,
  cipherSuiteParams,
  DEFAULT_CIPHER_SUITE,
} from "./cipher-suite.ts";
export {
  Codec,
  clearPrefixLength,
  isVp8Keyframe,
  parseCodec,
  VP8_DELTA_PREFIX,
  VP8_KEYFRAME_PREFIX,
} from "./clear-prefix.ts";
export { DropReason, emptyStats, type FrameResult, type FrameStats } from "./drop-reasons.ts";
export {
  deriveEpochKeys,
  type EpochKeys,
  type EpochSource,
  epochKeysFromClientState,
  memberLeaves,
  SFRAME_EXPORTER_LABEL,
} from "./epoch-keys.ts";
export {
  AuthenticationError,
  DecodeError,
  DecodeErrorCode,
  MlsFramesError,
  UnsupportedCodecError,
} from "./errors.ts";
export { FrameCryptor, type FrameCryptorOptions } from "./frame-cryptor.ts";
export {
  createFrameTransform,
  type EncodedFrameLike,
  type FrameCipher,
  type FrameTransformHooks,
  type FrameTransformOptions,
} from "./frame-transform.ts";
export {
  FrameWorker,
  type FrameWorkerInbound,
  type FrameWorkerOutbound,
  type FrameWorkerScope,
  installFrameWorker,
  MessageType,
  type ScriptTransformerLike,
} from "./frame-worker.ts";
export {
  DEFAULT_EPOCH_BITS,
  decodeMlsKid,
  encodeMlsKid,
  type MlsKidParts,
  senderIndexBits,
} from "./mls-kid.ts";
export { PrivateMessageFrameCipher } from "./private-message-mode.ts";
export { ReplayWindow } from "./replay-window.ts";
export { createSFrameKey, openSFrame, type SFrameKey, sealSFrame } from "./sframe.ts";
export { SFrameContext } from "./sframe-context.ts";
export {
  decodeSFrameHeader,
  encodeSFrameHeader,
  headerLength,
  MAX_HEADER_LENGTH,
  readSFrameHeader,
  type SFrameHeader,
  writeSFrameHeader,
} from "./sframe-header.ts";
export { sframeSuiteForMls } from "./suite-mapping.ts";
