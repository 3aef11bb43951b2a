/**
 * Real media through the local SFU between werift peers on loopback: a pushed VP8 track's RTP
 * reaches every puller with the payload byte for byte and the puller's own SSRC and payload type,
 * and a puller's PLI reaches the pusher.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RtcpPacketConverter } from "werift";
import { type LocalSfu, startLocalSfu } from "../src/index.ts";
import { api, feed, onRtp, Peer, until, vp8PayloadTypeOf } from "./client.ts";

let sfu: LocalSfu;
beforeAll(async () => {
  sfu = await startLocalSfu({ port: 0 });
});
afterAll(async () => {
  await sfu.close();
});

describe("media forwarding", () => {
  it("forwards a pushed track's RTP to two pullers and their PLIs to the pusher", async () => {
    const alice = new Peer(sfu, 120);
    const bob = new Peer(sfu);
    const carol = new Peer(sfu);
    try {
      await Promise.all([alice.open(), bob.open(), carol.open()]);
      const { source, transceiver: pushed } = await alice.push("video", "camera");
      const pushedPt = pushed.sender.codec?.payloadType;
      expect(pushedPt).toBeTypeOf("number");
      const feeder = feed(source, pushedPt as number);
      try {
        const got: { bob: Buffer[]; carol: Buffer[] } = { bob: [], carol: [] };
        const headers: { ssrc: number; pt: number }[] = [];
        for (const [peer, key] of [
          [bob, "bob"],
          [carol, "carol"],
        ] as const) {
          const t = await peer.pull(alice.sessionId, "camera");
          onRtp(t, (rtp) => {
            got[key].push(rtp.payload);
            if (key === "bob") headers.push({ ssrc: rtp.header.ssrc, pt: rtp.header.payloadType });
          });
        }
        await until(
          () => got.bob.length >= 20 && got.carol.length >= 20,
          15_000,
          "RTP at both pullers",
        ).catch((err) => {
          const diag = JSON.stringify({
            bob: got.bob.length,
            carol: got.carol.length,
            alice: sfu.sfu.stats(alice.sessionId),
            bobSfu: sfu.sfu.stats(bob.sessionId),
            carolSfu: sfu.sfu.stats(carol.sessionId),
            states: [alice.pc.connectionState, bob.pc.connectionState, carol.pc.connectionState],
          });
          throw new Error(`${String(err)} ${diag}`);
        });
        // Verbatim payloads: every received payload is one the pusher sent.
        const sent = new Set(feeder.sent.map((b) => b.toString("hex")));
        for (const p of [...got.bob, ...got.carol]) expect(sent.has(p.toString("hex"))).toBe(true);
        const bobReceiver = bob.pc.getTransceivers().find((t) => t.receiver.tracks.length > 0);
        // Alice numbers VP8 120; Bob's m-line (offered by the SFU) numbers it otherwise.
        expect(pushedPt).toBe(120);
        const bobPt = vp8PayloadTypeOf(bob.pc.remoteDescription?.sdp);
        expect(bobPt).not.toBe(120);
        expect(headers.at(-1)?.pt).toBe(bobPt);
        expect(headers.at(-1)?.ssrc).not.toBe(pushed.sender.ssrc);

        // A PLI from Bob reaches Alice's sender.
        let plis = 0;
        pushed.sender.onPictureLossIndication.subscribe(() => plis++);
        const before = plis;
        const track = bobReceiver?.receiver.tracks[0];
        await bobReceiver?.receiver.sendRtcpPLI(track?.ssrc as number);
        await until(() => plis > before, 5_000, "PLI at the pusher");
        // So does a FIR (RFC 5104 §4.3.1), as a PLI, after the rate limit's interval at the latest.
        const afterPli = plis;
        const ssrc = track?.ssrc as number;
        // PSFB header (V=2, FMT=4, PT=206, length 4 words), sender SSRC, media SSRC, FCI {SSRC, seq, 0}.
        const fir = Buffer.alloc(20);
        fir.writeUInt8(0x84, 0);
        fir.writeUInt8(206, 1);
        fir.writeUInt16BE(4, 2);
        fir.writeUInt32BE(1, 4);
        fir.writeUInt32BE(ssrc, 8);
        fir.writeUInt32BE(ssrc, 12);
        fir.writeUInt8(1, 16);
        await bobReceiver?.receiver.dtlsTransport.sendRtcp(RtcpPacketConverter.deSerialize(fir));
        await until(() => plis > afterPli, 5_000, "FIR at the pusher as a PLI");

        const state = await api(sfu, "GET", `/sessions/${bob.sessionId}`);
        expect(state.status).toBe(200);
        expect(state.json.tracks).toEqual([
          expect.objectContaining({
            location: "remote",
            trackName: "camera",
            sessionId: alice.sessionId,
            status: "active",
          }),
        ]);
      } finally {
        feeder.stop();
      }
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });

  it("relays a PLI whose sender SSRC is one the puller pushes itself (as Chromium sends them)", async () => {
    // Chromium's receive streams report with the SSRC of the connection's own sending stream of that
    // kind; in an SFU session that pushes and pulls, that SSRC is one the SFU receives on. The PLI must
    // still go to the pusher named by its media SSRC (RFC 4585 §6.1), not to that receiver.
    const alice = new Peer(sfu);
    const bob = new Peer(sfu);
    try {
      await Promise.all([alice.open(), bob.open()]);
      const a = await alice.push("video", "camera");
      const b = await bob.push("video", "camera");
      const feeders = [
        feed(a.source, a.transceiver.sender.codec?.payloadType as number),
        feed(b.source, b.transceiver.sender.codec?.payloadType as number),
      ];
      try {
        const pulled = await bob.pull(alice.sessionId, "camera");
        let packets = 0;
        onRtp(pulled, () => packets++);
        await until(() => packets >= 5 && sfu.sfu.stats(bob.sessionId) !== undefined, 15_000, "RTP at bob");
        let plis = 0;
        a.transceiver.sender.onPictureLossIndication.subscribe(() => plis++);
        await new Promise((r) => setTimeout(r, 300)); // past the SFU's own request's interval
        const before = plis;
        const mediaSsrc = pulled.receiver.tracks[0]?.ssrc as number;
        // PSFB header (V=2, FMT=1, PT=206, length 2 words), sender SSRC = bob's pushed track, media SSRC.
        const pli = Buffer.alloc(12);
        pli.writeUInt8(0x81, 0);
        pli.writeUInt8(206, 1);
        pli.writeUInt16BE(2, 2);
        pli.writeUInt32BE(b.transceiver.sender.ssrc, 4);
        pli.writeUInt32BE(mediaSsrc, 8);
        await pulled.receiver.dtlsTransport.sendRtcp(RtcpPacketConverter.deSerialize(pli));
        await until(() => plis > before, 5_000, "PLI at the pusher");
      } finally {
        for (const f of feeders) f.stop();
      }
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
