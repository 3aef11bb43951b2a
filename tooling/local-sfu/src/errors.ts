/**
 * Failures of the local SFU's HTTPS API, declared together and mapped to statuses once.
 *
 * The hosted Cloudflare Realtime API answers failures as JSON `{errorCode, errorDescription}` (the
 * shape partytracks 0.0.54 reads: it checks `errorCode` and throws `errorDescription`). The codes
 * below are this stand-in's own names; the hosted service's exact code strings are not published
 * for every case, so clients must branch on the presence of `errorCode`, never on its value.
 */
export const SfuErrorCode = {
  /** Missing or wrong `Authorization: Bearer <app secret>`. */
  unauthorized: "unauthorized",
  /** The app id in the path is not this SFU's app. */
  unknownApp: "app_not_found",
  /** No such session. */
  unknownSession: "session_not_found",
  /** A pulled track (sessionId + trackName) or a mid that the session does not hold. */
  unknownTrack: "track_not_found",
  /** Malformed JSON or a body that does not match the endpoint's schema. */
  badRequest: "invalid_request",
  /** The SDP was rejected by the WebRTC stack (unparsable, wrong type for the signaling state). */
  badSdp: "invalid_session_description",
  /** A push names a trackName the session already publishes. */
  trackExists: "track_name_conflict",
  /** No such route or method. */
  notFound: "not_found",
  /** The body exceeds the size cap. */
  tooLarge: "payload_too_large",
  /** An unexpected failure inside the SFU (a bug): never caused by input. */
  internal: "internal_error",
} as const;
export type SfuErrorCode = (typeof SfuErrorCode)[keyof typeof SfuErrorCode];

const STATUS: Record<SfuErrorCode, number> = {
  unauthorized: 401,
  app_not_found: 404,
  session_not_found: 404,
  track_not_found: 404,
  invalid_request: 400,
  invalid_session_description: 400,
  track_name_conflict: 409,
  not_found: 404,
  payload_too_large: 413,
  internal_error: 500,
};

export class SfuError extends Error {
  override readonly name = "SfuError";
  readonly code: SfuErrorCode;
  constructor(code: SfuErrorCode, message: string) {
    super(message);
    this.code = code;
  }
  get status(): number {
    return STATUS[this.code];
  }
  toJSON(): { errorCode: SfuErrorCode; errorDescription: string } {
    return { errorCode: this.code, errorDescription: this.message };
  }
}
