/**
 * Strict parsers for the request bodies of the Realtime (Calls) API subset that partytracks 0.0.54
 * sends (`dist/client/index.js`: `sessions/new`, `tracks/new` for push and pull, `renegotiate`,
 * `tracks/close`, `tracks/update`). Every parser takes the decoded JSON value and either returns a
 * typed request or throws `SfuError("invalid_request")`, so no input can reach the WebRTC stack
 * malformed. Unknown keys are ignored, as a client such as partytracks passes through the track
 * objects it got back (pull requests carry the pushed track's metadata unchanged).
 */
import { SfuError } from "./errors.ts";

/** Bounds on caller-chosen strings (the hosted API documents none; these keep state small). */
export const MAX_NAME_LENGTH = 256;
export const MAX_SDP_LENGTH = 256 * 1024;
/** The hosted API accepts up to 64 tracks per call (Realtime "Limits"). */
export const MAX_TRACKS_PER_CALL = 64;

export interface SessionDescription {
  type: "offer" | "answer";
  sdp: string;
}
export interface LocalTrackRequest {
  location: "local";
  trackName: string;
  mid: string;
}
export interface RemoteTrackRequest {
  location: "remote";
  trackName: string;
  sessionId: string;
}
export type NewTracksRequest =
  | { kind: "push"; sessionDescription: SessionDescription & { type: "offer" }; tracks: LocalTrackRequest[] }
  | { kind: "pull"; tracks: RemoteTrackRequest[] };
export interface CloseTracksRequest {
  mids: string[];
  sessionDescription: (SessionDescription & { type: "offer" }) | undefined;
  force: boolean;
}
export interface UpdateTracksRequest {
  mids: string[];
}

function bad(message: string): never {
  throw new SfuError("invalid_request", message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) bad(`${what} must be a JSON object`);
  return value;
}

function name(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_NAME_LENGTH)
    bad(`${what} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  return value;
}

function description<T extends "offer" | "answer">(
  value: unknown,
  type: T,
): SessionDescription & { type: T } {
  const d = record(value, "sessionDescription");
  if (d.type !== type) bad(`sessionDescription.type must be "${type}"`);
  if (typeof d.sdp !== "string" || d.sdp.length === 0 || d.sdp.length > MAX_SDP_LENGTH)
    bad(`sessionDescription.sdp must be a non-empty string of at most ${MAX_SDP_LENGTH} characters`);
  if (!d.sdp.startsWith("v=0")) bad("sessionDescription.sdp is not an SDP document (must start with v=0)");
  return { type, sdp: d.sdp };
}

function trackList(value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0) bad("tracks must be a non-empty array");
  if (value.length > MAX_TRACKS_PER_CALL) bad(`at most ${MAX_TRACKS_PER_CALL} tracks per call`);
  return value;
}

/** `POST sessions/new`: an empty body, or an initial offer. */
export function parseNewSession(body: unknown): { sessionDescription: SessionDescription | undefined } {
  if (body === undefined) return { sessionDescription: undefined };
  const b = record(body, "body");
  if (b.sessionDescription === undefined) return { sessionDescription: undefined };
  return { sessionDescription: description(b.sessionDescription, "offer") };
}

/**
 * `POST sessions/{id}/tracks/new`: either a push (client offer, `location: "local"` tracks naming
 * their mid in that offer) or a pull (`location: "remote"` tracks naming the publishing session and
 * track, no offer: the SFU answers with its own offer). A call mixing both is rejected: partytracks
 * never sends one, and it would need the client's offer and an SFU offer in one exchange.
 */
export function parseNewTracks(body: unknown): NewTracksRequest {
  const b = record(body, "body");
  if (b.autoDiscover !== undefined) bad("autoDiscover is not supported by the local SFU; name each track");
  const tracks = trackList(b.tracks).map((t, i) => record(t, `tracks[${i}]`));
  const locations = new Set(tracks.map((t) => t.location));
  if (locations.size !== 1) bad('all tracks of one call must share one location ("local" or "remote")');
  if (locations.has("local")) {
    if (b.sessionDescription === undefined) bad("pushing local tracks needs the client's offer");
    const parsed = tracks.map((t, i) => ({
      location: "local" as const,
      trackName: name(t.trackName, `tracks[${i}].trackName`),
      mid: name(t.mid, `tracks[${i}].mid`),
    }));
    if (new Set(parsed.map((t) => t.trackName)).size !== parsed.length)
      bad("duplicate trackName in one call");
    if (new Set(parsed.map((t) => t.mid)).size !== parsed.length) bad("duplicate mid in one call");
    return { kind: "push", sessionDescription: description(b.sessionDescription, "offer"), tracks: parsed };
  }
  if (locations.has("remote")) {
    if (b.sessionDescription !== undefined)
      bad(
        "pulling remote tracks takes no client offer: the SFU sends its own (requiresImmediateRenegotiation)",
      );
    return {
      kind: "pull",
      tracks: tracks.map((t, i) => ({
        location: "remote" as const,
        trackName: name(t.trackName, `tracks[${i}].trackName`),
        sessionId: name(t.sessionId, `tracks[${i}].sessionId`),
      })),
    };
  }
  bad('tracks[].location must be "local" or "remote"');
}

/** `PUT sessions/{id}/renegotiate`: the client's answer to the SFU's last offer. */
export function parseRenegotiate(body: unknown): SessionDescription & { type: "answer" } {
  return description(record(body, "body").sessionDescription, "answer");
}

/**
 * `PUT sessions/{id}/tracks/close`: `tracks: [{mid}]`, the client's offer with those transceivers
 * stopped, and `force` (close without an offer: the SFU then offers, `requiresImmediateRenegotiation`).
 */
export function parseCloseTracks(body: unknown): CloseTracksRequest {
  const b = record(body, "body");
  const mids = trackList(b.tracks).map((t, i) => name(record(t, `tracks[${i}]`).mid, `tracks[${i}].mid`));
  if (b.force !== undefined && typeof b.force !== "boolean") bad("force must be a boolean");
  const force = b.force === true;
  const sessionDescription =
    b.sessionDescription === undefined ? undefined : description(b.sessionDescription, "offer");
  if (!sessionDescription && !force) bad("closing tracks needs the client's offer, or force: true");
  return { mids, sessionDescription, force };
}

/** `PUT sessions/{id}/tracks/update` (simulcast `preferredRid` and the like): the mids it names. */
export function parseUpdateTracks(body: unknown): UpdateTracksRequest {
  const b = record(body, "body");
  return { mids: trackList(b.tracks).map((t, i) => name(record(t, `tracks[${i}]`).mid, `tracks[${i}].mid`)) };
}
