/**
 * The HTTP API's contract: authentication, the app id, error shapes and statuses for bad input,
 * session state, track close and update, with werift peers where a call needs real SDP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalSfu, startLocalSfu } from "../src/index.ts";
import { api, feed, onRtp, Peer, until } from "./client.ts";

let sfu: LocalSfu;
beforeAll(async () => {
  sfu = await startLocalSfu({ port: 0, appId: "test-app", appSecret: "s3cret" });
});
afterAll(async () => {
  await sfu.close();
});

function expectError(
  r: { status: number; json: Record<string, unknown> },
  status: number,
  errorCode: string,
): void {
  expect(r.status).toBe(status);
  expect(r.json.errorCode).toBe(errorCode);
  expect(r.json.errorDescription).toEqual(expect.any(String));
}

describe("startLocalSfu", () => {
  it("listens on 127.0.0.1 and gives the API base for CALLS_API_BASE", () => {
    expect(sfu.url).toBe(`http://127.0.0.1:${sfu.port}/v1`);
    expect(sfu.port).toBeGreaterThan(0);
    expect(sfu.appId).toBe("test-app");
  });

  it("rejects a bad port or app id", async () => {
    await expect(startLocalSfu({ port: 70000 })).rejects.toThrow(RangeError);
    await expect(startLocalSfu({ appId: "a/b" })).rejects.toThrow(TypeError);
  });
});

describe("authentication and routing", () => {
  it("answers 401 for a wrong or missing secret", async () => {
    expectError(await api(sfu, "POST", "/sessions/new", undefined, "wrong"), 401, "unauthorized");
    const res = await fetch(`${sfu.url}/apps/test-app/sessions/new`, { method: "POST" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe("unauthorized");
  });

  it("answers 404 for another app id and unknown routes", async () => {
    const res = await fetch(`${sfu.url}/apps/other-app/sessions/new`, {
      method: "POST",
      headers: { authorization: "Bearer s3cret" },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe("app_not_found");
    const r2 = await fetch(`http://127.0.0.1:${sfu.port}/v2/whatever`);
    expect(r2.status).toBe(404);
    expectError(await api(sfu, "DELETE", "/sessions/new"), 404, "not_found");
  });

  it("answers 404 for an unknown session on every session route", async () => {
    const id = "0".repeat(32);
    expectError(await api(sfu, "GET", `/sessions/${id}`), 404, "session_not_found");
    expectError(
      await api(sfu, "POST", `/sessions/${id}/tracks/new`, {
        tracks: [{ location: "remote", sessionId: id, trackName: "x" }],
      }),
      404,
      "session_not_found",
    );
    expectError(
      await api(sfu, "PUT", `/sessions/${id}/renegotiate`, {
        sessionDescription: { type: "answer", sdp: "v=0\r\n" },
      }),
      404,
      "session_not_found",
    );
    expectError(
      await api(sfu, "PUT", `/sessions/${id}/tracks/close`, { tracks: [{ mid: "0" }], force: true }),
      404,
      "session_not_found",
    );
    expectError(
      await api(sfu, "PUT", `/sessions/${id}/tracks/update`, { tracks: [{ mid: "0" }] }),
      404,
      "session_not_found",
    );
  });
});

describe("bad input", () => {
  it("answers 400 for malformed JSON and schema violations", async () => {
    const { json } = await api(sfu, "POST", "/sessions/new");
    const s = json.sessionId as string;
    expect(s).toMatch(/^[0-9a-f]{32}$/);
    expectError(await api(sfu, "POST", `/sessions/${s}/tracks/new`, "{not json"), 400, "invalid_request");
    expectError(await api(sfu, "POST", "/sessions/new", "[1,"), 400, "invalid_request");
    expectError(await api(sfu, "POST", `/sessions/${s}/tracks/new`, { tracks: [] }), 400, "invalid_request");
    expectError(
      await api(sfu, "POST", `/sessions/${s}/tracks/new`, {
        tracks: [{ location: "local", trackName: "a", mid: "0" }],
      }),
      400,
      "invalid_request",
    );
    expectError(
      await api(sfu, "POST", `/sessions/${s}/tracks/new`, {
        tracks: [{ location: "local", trackName: "a", mid: "0" }],
        sessionDescription: { type: "answer", sdp: "v=0\r\n" },
      }),
      400,
      "invalid_request",
    );
    expectError(
      await api(sfu, "POST", `/sessions/${s}/tracks/new`, { tracks: [{ location: "elsewhere" }] }),
      400,
      "invalid_request",
    );
    expectError(
      await api(sfu, "POST", `/sessions/${s}/tracks/new`, {
        autoDiscover: true,
        tracks: [{ location: "local" }],
      }),
      400,
      "invalid_request",
    );
    expectError(await api(sfu, "PUT", `/sessions/${s}/renegotiate`, {}), 400, "invalid_request");
    expectError(
      await api(sfu, "PUT", `/sessions/${s}/tracks/close`, { tracks: [{ mid: "0" }] }),
      400,
      "invalid_request",
    );
  });

  it("answers 400 when an offer lacks the named mid, and for an answer with no pending offer", async () => {
    const peer = new Peer(sfu);
    try {
      await peer.open();
      peer.pc.addTransceiver("video", { direction: "sendonly" });
      await peer.pc.setLocalDescription(await peer.pc.createOffer());
      const sdp = peer.pc.localDescription?.sdp;
      expectError(
        await api(sfu, "POST", `/sessions/${peer.sessionId}/tracks/new`, {
          sessionDescription: { type: "offer", sdp },
          tracks: [{ location: "local", trackName: "cam", mid: "7" }],
        }),
        400,
        "invalid_request",
      );
      expectError(
        await api(sfu, "PUT", `/sessions/${peer.sessionId}/renegotiate`, {
          sessionDescription: { type: "answer", sdp },
        }),
        400,
        "invalid_request",
      );
      // The session is unharmed: the same offer with the right mid is answered.
      const ok = await api(sfu, "POST", `/sessions/${peer.sessionId}/tracks/new`, {
        sessionDescription: { type: "offer", sdp },
        tracks: [{ location: "local", trackName: "cam", mid: "0" }],
      });
      expect(ok.status).toBe(200);
      expect(ok.json).toMatchObject({
        requiresImmediateRenegotiation: false,
        tracks: [{ trackName: "cam", mid: "0" }],
      });
      expect((ok.json.sessionDescription as { type: string }).type).toBe("answer");
    } finally {
      await peer.close();
    }
  });

  it("answers 404 for pulling an unknown track and for mids the session does not hold", async () => {
    const peer = new Peer(sfu);
    try {
      await peer.open();
      const r = await api(sfu, "POST", `/sessions/${peer.sessionId}/tracks/new`, {
        tracks: [{ location: "remote", sessionId: peer.sessionId, trackName: "nothing" }],
      });
      expectError(r, 404, "track_not_found");
      expectError(
        await api(sfu, "PUT", `/sessions/${peer.sessionId}/tracks/close`, {
          tracks: [{ mid: "9" }],
          force: true,
        }),
        404,
        "track_not_found",
      );
      expectError(
        await api(sfu, "PUT", `/sessions/${peer.sessionId}/tracks/update`, { tracks: [{ mid: "9" }] }),
        404,
        "track_not_found",
      );
    } finally {
      await peer.close();
    }
  });

  it("answers 413 for an oversized body", async () => {
    const r = await api(sfu, "POST", "/sessions/new", "x".repeat(1024 * 1024 + 1));
    expectError(r, 413, "payload_too_large");
  });
});

describe("session lifecycle with werift peers", () => {
  it("reports state, closes a pulled track (client offer) and a pushed one (force), and stops forwarding", async () => {
    const alice = new Peer(sfu);
    const bob = new Peer(sfu);
    try {
      await Promise.all([alice.open(), bob.open()]);
      const { source, transceiver } = await alice.push("audio", "mic");
      const feeder = feed(source, transceiver.sender.codec?.payloadType as number);
      try {
        const pulled = await bob.pull(alice.sessionId, "mic");
        let received = 0;
        onRtp(pulled, () => received++);
        await until(() => received > 10, 10_000, "Opus RTP at the puller");
        const aliceState = await api(sfu, "GET", `/sessions/${alice.sessionId}`);
        expect(aliceState.json).toEqual({
          tracks: [{ location: "local", mid: "0", trackName: "mic", status: "active" }],
        });

        const update = await api(sfu, "PUT", `/sessions/${bob.sessionId}/tracks/update`, {
          tracks: [{ mid: pulled.mid }],
        });
        expect(update.status).toBe(200);
        expect(update.json).toEqual({ requiresImmediateRenegotiation: false, tracks: [{ mid: pulled.mid }] });

        // Bob closes his pulled track as partytracks does: stop, offer, tracks/close.
        pulled.stop();
        await bob.pc.setLocalDescription(await bob.pc.createOffer());
        const closed = await api(sfu, "PUT", `/sessions/${bob.sessionId}/tracks/close`, {
          tracks: [{ mid: pulled.mid }],
          sessionDescription: { type: "offer", sdp: bob.pc.localDescription?.sdp },
          force: false,
        });
        expect(closed.status).toBe(200);
        expect(closed.json.requiresImmediateRenegotiation).toBe(false);
        await bob.pc.setRemoteDescription(closed.json.sessionDescription as { type: "answer"; sdp: string });
        expect((await api(sfu, "GET", `/sessions/${bob.sessionId}`)).json).toEqual({ tracks: [] });

        // Alice's track can be pulled again, then force-closed by Alice: Bob's copy goes silent.
        const again = await bob.pull(alice.sessionId, "mic");
        let receivedAgain = 0;
        onRtp(again, () => receivedAgain++);
        await until(() => receivedAgain > 5, 10_000, "RTP after re-pull");
        const forced = await api(sfu, "PUT", `/sessions/${alice.sessionId}/tracks/close`, {
          tracks: [{ mid: "0" }],
          force: true,
        });
        expect(forced.status).toBe(200);
        expect(forced.json.requiresImmediateRenegotiation).toBe(true);
        expect((forced.json.sessionDescription as { type: string }).type).toBe("offer");
        const stopped = receivedAgain;
        await new Promise((r) => setTimeout(r, 300));
        expect(receivedAgain - stopped).toBeLessThanOrEqual(2);
        const bobState = await api(sfu, "GET", `/sessions/${bob.sessionId}`);
        expect(bobState.json.tracks).toEqual([
          expect.objectContaining({ trackName: "mic", status: "inactive" }),
        ]);
        // A closed track cannot be pulled any more.
        const gone = await api(sfu, "POST", `/sessions/${bob.sessionId}/tracks/new`, {
          tracks: [{ location: "remote", sessionId: alice.sessionId, trackName: "mic" }],
        });
        expectError(gone, 404, "track_not_found");
      } finally {
        feeder.stop();
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});

describe("inactivity timeout", () => {
  it("closes a silent pushed track and drops its silent session, keeping a live puller", async () => {
    const idle = await startLocalSfu({ port: 0, idleTimeoutMs: 2500 });
    const alice = new Peer(idle);
    const bob = new Peer(idle);
    try {
      await Promise.all([alice.open(), bob.open()]);
      const { source, transceiver } = await alice.push("video", "cam");
      const feeder = feed(source, transceiver.sender.codec?.payloadType as number);
      const pulled = await bob.pull(alice.sessionId, "cam");
      let received = 0;
      onRtp(pulled, () => received++);
      await until(() => received > 10, 10_000, "RTP at the puller");
      // While media flows (and the puller's receiver reports come back), nothing times out.
      await new Promise((r) => setTimeout(r, 3000));
      expect((await api(idle, "GET", `/sessions/${alice.sessionId}`)).status).toBe(200);
      feeder.stop();
      expect(idle.sfu.sessionCount).toBe(2);
      await until(() => idle.sfu.sessionCount === 1, 15_000, "the silent session dropped");
      expectError(await api(idle, "GET", `/sessions/${alice.sessionId}`), 404, "session_not_found");
      const state = await api(idle, "GET", `/sessions/${bob.sessionId}`);
      expect(state.json.tracks).toEqual([expect.objectContaining({ trackName: "cam", status: "inactive" })]);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await idle.close();
    }
  });

  it("rejects a non-positive timeout", async () => {
    await expect(startLocalSfu({ idleTimeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});
