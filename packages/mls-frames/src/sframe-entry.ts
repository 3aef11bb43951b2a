/**
 * @sealroom/mls-frames/sframe: the RFC 9605 layer alone (https://www.rfc-editor.org/rfc/rfc9605), for
 * a caller that keys SFrame itself: header codec (§4.3), key and salt derivation (§4.4.2), seal/open
 * (§4.4.3-4.4.4), the per-key counter (`SFrameContext`, §9.1) and replay window (§7.1). Re-exports only.
 */
export { deriveKeySalt, sframeLabel } from "./key-derivation.ts";
export { ReplayWindow } from "./replay-window.ts";
export { createSFrameKey, openSFrame, type SFrameKey, sealSFrame, sframeNonce } from "./sframe.ts";
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
