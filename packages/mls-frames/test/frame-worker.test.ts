/**
 * The worker glue driven in Node: a fake DedicatedWorker scope, synthetic RTCEncoded*Frame objects and
 * real WHATWG streams, through both the RTCRtpScriptTransform path and the createEncodedStreams fallback.
 */
import { describe, expect, it } from "vitest";
import {
  DropReason,
  type EncodedFrameLike,
  type EpochKeys,
  type FrameWorkerOutbound,
  type FrameWorkerScope,
  installFrameWorker,
  MessageType,
  type ScriptTransformerLike,
} from "../src/index.ts";
import { randomBytes, SyntheticFrame, toHex, vp8Frame } from "./helpers.ts";

class FakeScope implements FrameWorkerScope {
  readonly posted: FrameWorkerOutbound[] = [];
  onmessage: ((event: { data: unknown }) => unknown) | null = null;
  onrtctransform: ((event: { transformer: ScriptTransformerLike }) => unknown) | null = null;
  postMessage(message: FrameWorkerOutbound): void {
    this.posted.push(message);
  }
  async send(data: unknown): Promise<void> {
    await this.onmessage?.({ data });
  }
}

/** A pipe whose writable side we feed and readable side we drain, like the browser's frame streams. */
function channel() {
  const source = new TransformStream<EncodedFrameLike, EncodedFrameLike>();
  const sink = new TransformStream<EncodedFrameLike, EncodedFrameLike>();
  const writer = source.writable.getWriter();
  const reader = sink.readable.getReader();
  return { readable: source.readable, writable: sink.writable, writer, reader };
}

class FakeTransformer implements ScriptTransformerLike {
  readonly readable: ReadableStream<EncodedFrameLike>;
  readonly writable: WritableStream<EncodedFrameLike>;
  readonly options: unknown;
  keyFrames = 0;
  keyFrameRequests = 0;
  constructor(ch: ReturnType<typeof channel>, options: unknown) {
    this.readable = ch.readable;
    this.writable = ch.writable;
    this.options = options;
  }
  async generateKeyFrame(): Promise<void> {
    this.keyFrames++;
  }
  async sendKeyFrameRequest(): Promise<void> {
    this.keyFrameRequests++;
  }
}

const base1 = randomBytes(16);
const base2 = randomBytes(16);
const epoch = (n: bigint, own: number, baseKey: Uint8Array): EpochKeys => ({
  epoch: n,
  suite: 4,
  baseKey,
  ownLeaf: own,
  leaves: [0, 1],
});

async function next(reader: ReadableStreamDefaultReader<EncodedFrameLike>): Promise<EncodedFrameLike> {
  const r = await reader.read();
  if (r.done) throw new Error("stream ended");
  return r.value;
}

describe("FrameWorker", () => {
  it("RTCRtpScriptTransform path: video+audio through sender and receiver workers, key switch mid-stream", async () => {
    const aliceScope = new FakeScope();
    const bobScope = new FakeScope();
    installFrameWorker(aliceScope);
    const bobWorker = installFrameWorker(bobScope);

    const aliceVideo = channel();
    const aliceAudio = channel();
    const bobVideo = channel();
    const bobAudio = channel();
    const tv = new FakeTransformer(aliceVideo, { direction: "send", codec: "video/VP8", context: 1 });
    const ta = new FakeTransformer(aliceAudio, { direction: "send", context: 0 }); // codec from metadata
    const rv = new FakeTransformer(bobVideo, { direction: "receive" });
    const ra = new FakeTransformer(bobAudio, { direction: "receive", codec: "opus" });
    aliceScope.onrtctransform?.({ transformer: tv });
    aliceScope.onrtctransform?.({ transformer: ta });
    bobScope.onrtctransform?.({ transformer: rv });
    bobScope.onrtctransform?.({ transformer: ra });

    // Before any key: the sender drops, nothing leaves in the clear.
    await aliceVideo.writer.write(new SyntheticFrame(vp8Frame(true, 200), "video/VP8", "key"));
    await aliceScope.send({ type: MessageType.epoch, keys: epoch(1n, 0, base1) });
    await bobScope.send({ type: MessageType.epoch, keys: epoch(1n, 1, base1) });
    expect(aliceScope.posted).toContainEqual({ type: MessageType.epochInstalled, epoch: 1n });
    expect(tv.keyFrames).toBe(1); // a keyframe is requested after the key switch
    expect(ta.keyFrames).toBe(1); // (the browser rejects it on audio; harmless)

    const sent: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      const plain = vp8Frame(i === 0, 300 + i, i);
      sent.push(plain);
      await aliceVideo.writer.write(new SyntheticFrame(plain, "video/VP8", i === 0 ? "key" : "delta"));
      const enc = await next(aliceVideo.reader);
      expect(enc.data.byteLength).toBeGreaterThan(plain.length);
      await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(enc.data), "video/VP8"));
      const dec = await next(bobVideo.reader);
      expect(toHex(new Uint8Array(dec.data))).toBe(toHex(plain));
      expect(dec.getMetadata().synchronizationSource).toBe(1234);
    }
    const opus = randomBytes(90);
    await aliceAudio.writer.write(new SyntheticFrame(opus, "audio/opus"));
    const encA = await next(aliceAudio.reader);
    await bobAudio.writer.write(new SyntheticFrame(new Uint8Array(encA.data)));
    expect(toHex(new Uint8Array((await next(bobAudio.reader)).data))).toBe(toHex(opus));

    // Key switch while the streams run; a frame under the new key reaches bob before his key does.
    await aliceScope.send({ type: MessageType.epoch, keys: epoch(2n, 0, base2) });
    expect(tv.keyFrames).toBe(2);
    await aliceVideo.writer.write(new SyntheticFrame(vp8Frame(true, 400), "video/VP8", "key"));
    const early = await next(aliceVideo.reader);
    await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(early.data), "video/VP8"));
    await bobScope.send({ type: MessageType.stats });
    const stats = bobScope.posted.at(-1) as { type: string; stats: Record<string, number> };
    expect(stats.type).toBe(MessageType.stats);
    expect(stats.stats["unknown-epoch"]).toBe(1);
    expect(stats.stats.decrypted).toBe(5);
    await bobScope.send({ type: MessageType.epoch, keys: epoch(2n, 1, base2) });
    expect(rv.keyFrameRequests).toBe(1); // bob missed a frame for want of a key: ask upstream
    expect(ra.keyFrameRequests).toBe(0);
    const plain = vp8Frame(true, 500, 9);
    await aliceVideo.writer.write(new SyntheticFrame(plain, "video/VP8", "key"));
    await bobVideo.writer.write(
      new SyntheticFrame(new Uint8Array((await next(aliceVideo.reader)).data), "video/VP8"),
    );
    expect(toHex(new Uint8Array((await next(bobVideo.reader)).data))).toBe(toHex(plain));

    // Garbage, an empty frame and a replay: dropped or passed, never an error out of the stream.
    await bobVideo.writer.write(new SyntheticFrame(randomBytes(64), "video/VP8"));
    await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(0), "video/VP8", "empty"));
    expect((await next(bobVideo.reader)).data.byteLength).toBe(0);
    await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(early.data), "video/VP8"));
    await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(early.data), "video/VP8"));
    expect((await next(bobVideo.reader)).data.byteLength).toBe(400);
    // an empty frame as a barrier: once it comes out, everything written before was processed
    await bobVideo.writer.write(new SyntheticFrame(new Uint8Array(0), "video/VP8", "empty"));
    expect((await next(bobVideo.reader)).data.byteLength).toBe(0);
    const s = bobWorker.cryptor.stats;
    // Bob dropped exactly three frames: the early one (unknown epoch, counted above), the replay,
    // and the garbage, whose reason depends on what its random bytes parse as (unknown epoch or
    // sender, bad header, auth...).
    expect(s.replay).toBe(1);
    expect(Object.values(DropReason).reduce((n, r) => n + s[r], 0)).toBe(3);
    expect(s.internal).toBe(0);

    for (const ch of [aliceVideo, aliceAudio, bobVideo, bobAudio]) {
      await ch.writer.close();
      await ch.reader.cancel();
    }
    await bobWorker.settled();
    expect(bobWorker.streamCount).toBe(0);
  });

  it("createEncodedStreams fallback: transferred streams, keyframe request posted to the page", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const rx = new FakeScope();
    installFrameWorker(rx);
    const send = channel();
    const recv = channel();
    await scope.send({
      type: MessageType.stream,
      readable: send.readable,
      writable: send.writable,
      options: { direction: "send", codec: "vp8", context: 1, streamId: "cam" },
    });
    await rx.send({
      type: MessageType.stream,
      readable: recv.readable,
      writable: recv.writable,
      options: { direction: "receive", codec: "vp8", streamId: "bob-cam" },
    });
    expect(worker.streamCount).toBe(1);
    await scope.send({ type: MessageType.epoch, keys: epoch(4n, 0, base1) });
    await rx.send({ type: MessageType.epoch, keys: epoch(4n, 1, base1) });
    expect(scope.posted).toContainEqual({
      type: MessageType.keyframeRequest,
      streamId: "cam",
      direction: "send",
    });
    const plain = vp8Frame(false, 1000);
    await send.writer.write(new SyntheticFrame(plain));
    const enc = await next(send.reader);
    expect(new Uint8Array(enc.data)[0]).toBe(plain[0]);
    await recv.writer.write(new SyntheticFrame(new Uint8Array(enc.data)));
    expect(toHex(new Uint8Array((await next(recv.reader)).data))).toBe(toHex(plain));

    await scope.send({ type: "nonsense" });
    await scope.send({ type: MessageType.epoch, keys: epoch(3n, 0, base1) }); // going back
    const errors = scope.posted.filter((m) => m.type === MessageType.error);
    expect(errors.length).toBe(2);
  });

  it("audio frames without a codec anywhere are dropped as unsupported", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const ch = channel();
    scope.onrtctransform?.({ transformer: new FakeTransformer(ch, { direction: "send" }) });
    await scope.send({ type: MessageType.epoch, keys: epoch(1n, 0, base1) });
    await ch.writer.write(new SyntheticFrame(randomBytes(10)));
    await ch.writer.write(new SyntheticFrame(randomBytes(10), "audio/opus"));
    expect((await next(ch.reader)).data.byteLength).toBeGreaterThan(10);
    expect(worker.cryptor.stats["unsupported-codec"]).toBe(1);
  });
});
