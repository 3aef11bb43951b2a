/** @sealroom/committer: designated committer over ts-mls (re-exports only). */

export type { EpochKeys } from "@sealroom/mls-frames/epoch-keys";
export {
  ClientTag,
  COMMIT_DIGEST_LENGTH,
  commitDigest,
  decodeClientMessage,
  decodeServerMessage,
  EventTag,
  encodeClientMessage,
  encodeServerMessage,
  MAX_APPLICATION_MESSAGE,
  MAX_CLIENT_FRAME_BYTES,
  MAX_MEMBERS,
  MAX_MLS_MESSAGE,
  MAX_SIGNAL_PAYLOAD,
  PROTOCOL_VERSION,
  ServerTag,
} from "./codec.ts";
export {
  type ChatUnreadableReason,
  Committer,
  type CommitterAction,
  type CommitterOptions,
  type EpochInfo,
  type LeftGroupReason,
  MAX_CHAT_BYTES,
} from "./committer.ts";
export { CommitterError, DecodeError, DecodeErrorCode } from "./errors.ts";
export {
  CLOCK_SKEW_SECONDS,
  isLifetimeSane,
  issueLifetime,
  KEY_PACKAGE_LIFETIME_SECONDS,
  type Lifetime,
  MAX_KEY_PACKAGE_LIFETIME_SECONDS,
} from "./key-package-policy.ts";
export { assertMemberId, isMemberId, type MemberId } from "./member-id.ts";
export type { CommitOutput, MlsEngine } from "./mls-engine.ts";
export {
  type CommitFraming,
  MlsWireFormat,
  readApplicationFraming,
  readCommitFraming,
  readWireFormat,
} from "./mls-framing.ts";
export {
  DEFAULT_MLS_SUITE,
  isMlsSuite,
  MLS_SUITE_NAMES,
  MlsSuite,
  parseMlsSuite,
} from "./mls-suite.ts";
export {
  type BundleAdd,
  type ClientMessage,
  type CommitBundle,
  RejectReason,
  type RoomEvent,
  type ServerMessage,
} from "./protocol.ts";
export {
  applyEvent,
  emptyRoomView,
  type GroupView,
  isLive,
  liveMembers,
  type PresentMember,
  pendingWork,
  type RoomView,
} from "./room-view.ts";
export { safetyNumber, safetyNumberGroups } from "./safety-number.ts";
export {
  type ConnectionId,
  type ConnectResult,
  connectionMember,
  createSequencer,
  decodeSequencerState,
  deriveGroupId,
  encodeSequencerState,
  type Outgoing,
  type SequencerResult,
  type SequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "./sequencer.ts";
export { SUITE_NAME, TsMlsEngine, type TsMlsEngineOptions } from "./ts-mls-engine.ts";
