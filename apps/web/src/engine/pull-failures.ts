/**
 * Which pulls the SFU refused, read from partytracks' API history (`PartyTracks.history`: every request
 * it sends and every JSON answer it reads, in order). partytracks 0.0.54 never retries a pull whose
 * `tracks/new` or `renegotiate` request fails: the failure rejects a promise nobody handles, so the pull
 * neither emits a track nor errors. `sfu.ts` pulls those again.
 *
 * A pull is refused when the `tracks/new` answer for its session (Realtime API: `POST
 * /sessions/{id}/tracks/new` with `location: "remote"` tracks) carries an `errorCode`, has no `tracks`, or
 * has no `mid` (or an `errorCode`) for that track; or when the `renegotiate` that answer required fails. A
 * request that gets no JSON answer at all (network error, non-JSON 5xx) leaves no trace here: `sfu.ts`
 * also retries a pull that stays unanswered. partytracks runs its requests one at a time (a FIFO task
 * queue), so an answer belongs to the last request to the same endpoint.
 */
import type { ApiHistoryEntry } from "partytracks/client";

/** A remote track as partytracks pulls it. */
export interface PulledTrack {
  sessionId: string;
  trackName: string;
}

const NEW_TRACKS = /\/sessions\/([^/?]+)\/tracks\/new(?:\?|$)/;
const RENEGOTIATE = /\/sessions\/([^/?]+)\/renegotiate(?:\?|$)/;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

/** The `location: "remote"` tracks a `tracks/new` request body asks for (none for a push). */
function remoteTracks(body: unknown): PulledTrack[] {
  if (!isObject(body) || !Array.isArray(body.tracks)) return [];
  return body.tracks.flatMap((t: unknown) =>
    isObject(t) &&
    t.location === "remote" &&
    typeof t.sessionId === "string" &&
    typeof t.trackName === "string"
      ? [{ sessionId: t.sessionId, trackName: t.trackName }]
      : [],
  );
}

export class PullFailures {
  /** Session -> the pull request waiting for its answer. */
  private readonly asked = new Map<string, PulledTrack[]>();
  /** Session -> pulls whose answer required a renegotiation, waiting for its answer. */
  private readonly renegotiating = new Map<string, PulledTrack[]>();

  /** Reads one history entry; returns the pulls it shows refused. */
  read(entry: ApiHistoryEntry): PulledTrack[] {
    const added = NEW_TRACKS.exec(entry.endpoint)?.[1];
    const renegotiated = RENEGOTIATE.exec(entry.endpoint)?.[1];
    if (entry.type === "request") {
      if (added !== undefined) {
        const tracks = remoteTracks(entry.body);
        if (tracks.length > 0) this.asked.set(added, tracks);
        else this.asked.delete(added);
      }
      return [];
    }
    if (added !== undefined) return this.answered(added, entry.body);
    if (renegotiated !== undefined) {
      const waiting = this.renegotiating.get(renegotiated) ?? [];
      this.renegotiating.delete(renegotiated);
      return isObject(entry.body) && entry.body.errorCode === undefined ? [] : waiting;
    }
    return [];
  }

  private answered(session: string, body: unknown): PulledTrack[] {
    const tracks = this.asked.get(session);
    this.asked.delete(session);
    if (!tracks) return [];
    if (!isObject(body) || body.errorCode !== undefined || !Array.isArray(body.tracks)) return tracks;
    const answers = body.tracks.filter(isObject);
    const refused = tracks.filter((t) => {
      const a = answers.find((x) => x.sessionId === t.sessionId && x.trackName === t.trackName);
      return a === undefined || a.errorCode !== undefined || typeof a.mid !== "string" || a.mid === "";
    });
    const taken = tracks.filter((t) => !refused.includes(t));
    if (body.requiresImmediateRenegotiation === true && taken.length > 0)
      this.renegotiating.set(session, taken);
    return refused;
  }
}
