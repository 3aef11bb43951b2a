/**
 * Property: no request body, however malformed, gets a 5xx from the JSON endpoints; every failure
 * is JSON `{errorCode, errorDescription}` with a 4xx status. Bodies range from random JSON and
 * strings to schema-shaped objects carrying SDP-like text (lines a real parser must survive).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalSfu, startLocalSfu } from "../src/index.ts";
import { api, Peer } from "./client.ts";

let sfu: LocalSfu;
beforeAll(async () => {
  sfu = await startLocalSfu({ port: 0 });
});
afterAll(async () => {
  await sfu.close();
});

const sdpLine = fc.oneof(
  fc.constantFrom(
    "m=video 9 UDP/TLS/RTP/SAVPF 96",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "a=mid:0",
    "a=sendonly",
    "a=recvonly",
    "a=rtpmap:96 VP8/90000",
    "a=rtpmap:111 opus/48000/2",
    "a=group:BUNDLE 0 1",
    "a=ice-ufrag:abcd",
    "a=ice-pwd:0123456789abcdef012345",
    "a=fingerprint:sha-256 00:11",
    "a=setup:actpass",
    "a=ssrc:1 cname:x",
    "a=candidate:1 1 udp 1 127.0.0.1 9 typ host",
    "c=IN IP4 0.0.0.0",
  ),
  fc.string({ maxLength: 40 }),
);
const sdp = fc.array(sdpLine, { maxLength: 20 }).map((lines) => ["v=0", ...lines].join("\r\n"));
const description = fc.record({
  type: fc.constantFrom("offer", "answer", "pranswer", 7),
  sdp: fc.oneof(sdp, fc.string()),
});
const track = fc.record(
  {
    location: fc.constantFrom("local", "remote", "x"),
    trackName: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
    mid: fc.oneof(fc.constantFrom("0", "1"), fc.string({ maxLength: 4 })),
    sessionId: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);
const shaped = fc.record(
  {
    sessionDescription: fc.oneof(description, fc.jsonValue()),
    tracks: fc.oneof(fc.array(track, { maxLength: 3 }), fc.jsonValue()),
    force: fc.oneof(fc.boolean(), fc.jsonValue()),
    autoDiscover: fc.boolean(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  shaped.map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 64 }),
);
const route = fc.constantFrom(
  ["POST", "new"],
  ["POST", "tracks/new"],
  ["PUT", "renegotiate"],
  ["PUT", "tracks/close"],
  ["PUT", "tracks/update"],
);

describe("fuzzed JSON endpoints", () => {
  it("never answer 5xx and always answer errors in the API's shape", async () => {
    const { json } = await api(sfu, "POST", "/sessions/new");
    const sessionId = json.sessionId as string;
    await fc.assert(
      fc.asyncProperty(route, body, async ([method, path], text) => {
        const url = path === "new" ? "/sessions/new" : `/sessions/${sessionId}/${path}`;
        const r = await api(sfu, method as string, url, text);
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) {
          expect(r.json.errorCode).toEqual(expect.any(String));
          expect(r.json.errorDescription).toEqual(expect.any(String));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("never answer 5xx to a push whose real offer is mutated line by line", async () => {
    const client = new Peer(sfu);
    client.pc.addTransceiver("video", { direction: "sendonly" });
    client.pc.addTransceiver("audio", { direction: "sendonly" });
    await client.pc.setLocalDescription(await client.pc.createOffer());
    const lines = (client.pc.localDescription?.sdp ?? "").split("\r\n");
    await client.close();
    const mutation = fc.array(
      fc.record({
        at: fc.nat({ max: lines.length - 1 }),
        op: fc.constantFrom("drop", "dup", "garble"),
        text: fc.string({ maxLength: 30 }),
      }),
      { minLength: 1, maxLength: 4 },
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (ops) => {
        const out = [...lines];
        for (const { at, op, text } of ops) {
          const i = Math.min(at, out.length - 1);
          if (i <= 0) continue; // keep "v=0" so the body passes the schema and reaches the WebRTC stack
          if (op === "drop") out.splice(i, 1);
          else if (op === "dup") out.splice(i, 0, out[i] as string);
          else out[i] = `${(out[i] as string).slice(0, 2)}${text}`;
        }
        const { json } = await api(sfu, "POST", "/sessions/new");
        const r = await api(sfu, "POST", `/sessions/${json.sessionId as string}/tracks/new`, {
          sessionDescription: { type: "offer", sdp: out.join("\r\n") },
          tracks: [{ location: "local", trackName: "cam", mid: "0" }],
        });
        expect(r.status).toBeLessThan(500);
        if (r.status === 200) answered++;
        else expect(r.json.errorCode).toEqual(expect.any(String));
      }),
      { numRuns: 40 },
    );
    // The property did reach the WebRTC stack: some mutated offers are still answerable.
    expect(answered).toBeGreaterThan(0);
  });
});
