export { SfuError, SfuErrorCode } from "./errors.ts";
export { KEYFRAME_INTERVAL_MS } from "./forwarding.ts";
export { MAX_BODY_BYTES } from "./http-api.ts";
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  Sfu,
  type SfuOptions,
  type TrackResult,
  type TracksResponse,
} from "./sfu.ts";
export {
  DEFAULT_APP_ID,
  DEFAULT_APP_SECRET,
  type LocalSfu,
  type LocalSfuOptions,
  startLocalSfu,
} from "./start.ts";
