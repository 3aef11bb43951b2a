/**
 * Reading refused pulls from partytracks' API history (`src/engine/pull-failures.ts`): the request and
 * answer shapes are the Realtime API's (`tracks/new` with `location: "remote"` tracks, `renegotiate`).
 */
import fc from "fast-check";
import type { ApiHistoryEntry } from "partytracks/client";
import { describe, expect, it } from "vitest";
import { type PulledTrack, PullFailures } from "../src/engine/pull-failures.ts";

const PREFIX = "http://127.0.0.1:8787/partytracks";
const t = (sessionId: string, trackName: string): PulledTrack => ({ sessionId, trackName });
const pullRequest = (session: string, tracks: PulledTrack[]): ApiHistoryEntry => ({
  type: "request",
  method: "POST",
  endpoint: `${PREFIX}/sessions/${session}/tracks/new?`,
  body: { tracks: tracks.map((x) => ({ location: "remote", ...x })) },
});
const answer = (session: string, path: string, body: unknown): ApiHistoryEntry => ({
  type: "response",
  endpoint: `${PREFIX}/sessions/${session}/${path}?`,
  body,
});
const granted = (tracks: PulledTrack[], extra: Record<string, unknown> = {}) => ({
  tracks: tracks.map((x, i) => ({ ...x, mid: String(i + 2) })),
  ...extra,
});

describe("PullFailures", () => {
  const a = t("s-a", "audio-a");
  const v = t("s-a", "video-a");

  it("an answer with an errorCode or without tracks refuses every pull of its request", () => {
    const f = new PullFailures();
    expect(f.read(pullRequest("me", [a, v]))).toEqual([]);
    expect(f.read(answer("me", "tracks/new", { errorCode: "x", errorDescription: "y" }))).toEqual([a, v]);
    f.read(pullRequest("me", [a]));
    expect(f.read(answer("me", "tracks/new", {}))).toEqual([a]);
    f.read(pullRequest("me", [a]));
    expect(f.read(answer("me", "tracks/new", "not an object"))).toEqual([a]);
  });

  it("per track: a missing entry, an errorCode or no mid refuses that pull only", () => {
    const f = new PullFailures();
    const w = t("s-b", "video-b");
    const x = t("s-c", "video-c");
    f.read(pullRequest("me", [a, v, w, x]));
    const body = {
      tracks: [
        { ...a, mid: "2" },
        { ...v, errorCode: "not_found", mid: "3" },
        { ...w, mid: "" },
      ],
    };
    expect(f.read(answer("me", "tracks/new", body))).toEqual([v, w, x]);
  });

  it("a granted pull is refused only if the renegotiation it required fails", () => {
    const f = new PullFailures();
    f.read(pullRequest("me", [a, v]));
    expect(
      f.read(answer("me", "tracks/new", granted([a, v], { requiresImmediateRenegotiation: true }))),
    ).toEqual([]);
    expect(f.read(answer("me", "renegotiate", { errorCode: "bad_sdp" }))).toEqual([a, v]);
    // Renegotiation that succeeds refuses nothing; a second answer finds nothing waiting.
    f.read(pullRequest("me", [a]));
    f.read(answer("me", "tracks/new", granted([a], { requiresImmediateRenegotiation: true })));
    expect(f.read(answer("me", "renegotiate", {}))).toEqual([]);
    expect(f.read(answer("me", "renegotiate", { errorCode: "late" }))).toEqual([]);
    // Without a required renegotiation, a later renegotiate failure is not about these pulls.
    f.read(pullRequest("me", [a]));
    f.read(answer("me", "tracks/new", granted([a])));
    expect(f.read(answer("me", "renegotiate", { errorCode: "other" }))).toEqual([]);
  });

  it("pushes, other endpoints and answers without a request refuse nothing", () => {
    const f = new PullFailures();
    expect(f.read(answer("me", "tracks/new", { errorCode: "x" }))).toEqual([]);
    const push: ApiHistoryEntry = {
      type: "request",
      method: "POST",
      endpoint: `${PREFIX}/sessions/me/tracks/new?`,
      body: { sessionDescription: {}, tracks: [{ location: "local", mid: "0", trackName: "mine" }] },
    };
    f.read(push);
    expect(f.read(answer("me", "tracks/new", { errorCode: "x" }))).toEqual([]);
    f.read(pullRequest("me", [a]));
    expect(f.read(answer("me", "tracks/close", { errorCode: "x" }))).toEqual([]);
    expect(f.read(answer("me", "tracks/new", granted([a])))).toEqual([]);
  });

  it("each session's answer belongs to its own request", () => {
    const f = new PullFailures();
    f.read(pullRequest("one", [a]));
    f.read(pullRequest("two", [v]));
    expect(f.read(answer("two", "tracks/new", { errorCode: "x" }))).toEqual([v]);
    expect(f.read(answer("one", "tracks/new", granted([a])))).toEqual([]);
  });

  it("whatever the history holds, only pulls that were asked for are refused, each at most once per request", () => {
    const track = fc.record({
      sessionId: fc.constantFrom("s1", "s2"),
      trackName: fc.constantFrom("a", "b", "c"),
    });
    const entry: fc.Arbitrary<ApiHistoryEntry> = fc.oneof(
      fc
        .record({ session: fc.constantFrom("me", "other"), tracks: fc.array(track, { maxLength: 3 }) })
        .map(({ session, tracks }) => pullRequest(session, tracks)),
      fc
        .record({
          session: fc.constantFrom("me", "other"),
          path: fc.constantFrom("tracks/new", "renegotiate", "tracks/close"),
          body: fc.oneof(
            fc.anything(),
            fc.record({ errorCode: fc.string() }),
            fc.record({
              tracks: fc.array(
                fc.record({ sessionId: fc.string(), trackName: fc.string(), mid: fc.string() }),
              ),
              requiresImmediateRenegotiation: fc.boolean(),
            }),
          ),
        })
        .map(({ session, path, body }) => answer(session, path, body)),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const f = new PullFailures();
        const asked = new Set<string>();
        for (const e of entries) {
          if (e.type === "request")
            for (const x of (e.body as { tracks: PulledTrack[] }).tracks)
              asked.add(`${x.sessionId}/${x.trackName}`);
          const refused = f.read(e);
          for (const x of refused) expect(asked.has(`${x.sessionId}/${x.trackName}`)).toBe(true);
          if (e.type === "request") expect(refused).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
