/**
 * FrameWorker edge cases found by mutation testing (`pnpm mutate`): every way a message or a
 * transformer is refused, `clear`, a closed port, and which streams get a keyframe request after an
 * epoch install (send streams always; receive streams only after missing a key; fallback streams by
 * a message to the page).
 */
import { describe, expect, it } from "vitest";
import {
  type EncodedFrameLike,
  type EpochKeys,
  FrameWorker,
  type FrameWorkerOutbound,
  type FrameWorkerScope,
  installFrameWorker,
  MessageType,
  type ScriptTransformerLike,
} from "../src/index.ts";
import { randomBytes, SyntheticFrame } from "./helpers.ts";

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
  errors(): FrameWorkerOutbound[] {
    return this.posted.filter((m) => m.type === MessageType.error);
  }
}

function channel() {
  const source = new TransformStream<EncodedFrameLike, EncodedFrameLike>();
  const sink = new TransformStream<EncodedFrameLike, EncodedFrameLike>();
  return {
    readable: source.readable,
    writable: sink.writable,
    writer: source.writable.getWriter(),
    reader: sink.readable.getReader(),
  };
}

class Transformer implements ScriptTransformerLike {
  readonly readable: ReadableStream<EncodedFrameLike>;
  readonly writable: WritableStream<EncodedFrameLike>;
  readonly options: unknown;
  keyFrames = 0;
  keyFrameRequests = 0;
  constructor(ch: ReturnType<typeof channel>, options: unknown) {
    this.options = options;
    this.readable = ch.readable;
    this.writable = ch.writable;
  }
  async generateKeyFrame(): Promise<void> {
    this.keyFrames++;
  }
  async sendKeyFrameRequest(): Promise<void> {
    this.keyFrameRequests++;
  }
}

const base = randomBytes(16);
const keys = (n: bigint, own: number, baseKey = base): EpochKeys => ({
  epoch: n,
  suite: 4,
  baseKey,
  ownLeaf: own,
  leaves: [0, 1],
});

async function next(reader: ReadableStreamDefaultReader<EncodedFrameLike>): Promise<Uint8Array> {
  const r = await reader.read();
  if (r.done) throw new Error("stream ended");
  return new Uint8Array(r.value.data);
}

describe("FrameWorker refusals", () => {
  it("a transformer without sealroom options is refused with an error and no stream", () => {
    for (const options of [undefined, null, "send", 1, {}, { direction: "both" }, { direction: 1 }]) {
      const scope = new FakeScope();
      const worker = installFrameWorker(scope);
      scope.onrtctransform?.({ transformer: new Transformer(channel(), options) });
      expect(worker.streamCount).toBe(0);
      expect(scope.errors()).toHaveLength(1);
    }
    for (const direction of ["send", "receive"]) {
      const scope = new FakeScope();
      const worker = installFrameWorker(scope);
      scope.onrtctransform?.({ transformer: new Transformer(channel(), { direction }) });
      expect(worker.streamCount).toBe(1);
      expect(scope.posted).toEqual([]);
    }
  });

  it("a transferred stream with bad options is refused; unknown or missing types are errors", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const ch = channel();
    for (const options of [undefined, null, {}, { direction: "sideways" }]) {
      await scope.send({ type: MessageType.stream, readable: ch.readable, writable: ch.writable, options });
    }
    expect(worker.streamCount).toBe(0);
    expect(scope.errors()).toHaveLength(4);
    await scope.send(null);
    await scope.send(undefined);
    await scope.send({});
    await scope.send({ type: "sealroom-frames/epoch-installed" });
    expect(scope.errors()).toHaveLength(8);
    // An error message carries the thrown error's text, a string.
    for (const e of scope.errors()) expect(typeof (e as { message: unknown }).message).toBe("string");
  });

  it("a bad epoch is an error and installs nothing; stats answer with the counters", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    await scope.send({ type: MessageType.epoch, keys: { ...keys(1n, 0), baseKey: new Uint8Array(3) } });
    expect(scope.errors()).toHaveLength(1);
    expect(scope.posted.some((m) => m.type === MessageType.epochInstalled)).toBe(false);
    expect(worker.cryptor.epoch).toBeUndefined();
    await scope.send({ type: MessageType.stats });
    const last = scope.posted.at(-1) as { type: string; stats: Record<string, number> };
    expect(last.type).toBe(MessageType.stats);
    expect(last.stats).toEqual(worker.cryptor.stats);
  });

  it("clear drops every key: a sender then drops frames instead of sending them", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const ch = channel();
    scope.onrtctransform?.({ transformer: new Transformer(ch, { direction: "send", codec: "opus" }) });
    await scope.send({ type: MessageType.epoch, keys: keys(1n, 0) });
    expect(worker.cryptor.epoch).toBe(1n);
    await scope.send({ type: MessageType.clear });
    expect(worker.cryptor.epoch).toBeUndefined();
    await ch.writer.write(new SyntheticFrame(randomBytes(20)));
    await ch.writer.write(new SyntheticFrame(new Uint8Array(0))); // barrier: empty frames pass
    expect((await next(ch.reader)).length).toBe(0);
    expect(worker.cryptor.stats["no-send-key"]).toBe(1);
    expect(scope.errors()).toEqual([]);
  });

  it("a port that throws on postMessage does not break message handling", async () => {
    const scope: FrameWorkerScope = {
      postMessage() {
        throw new Error("port closed");
      },
      onmessage: null,
    };
    const worker = new FrameWorker(scope);
    await expect(
      worker.handleMessage({ type: MessageType.epoch, keys: keys(1n, 0) }),
    ).resolves.toBeUndefined();
    expect(worker.cryptor.epoch).toBe(1n);
    await expect(worker.handleMessage({ type: "nonsense" })).resolves.toBeUndefined();
  });
});

describe("FrameWorker keyframe requests", () => {
  it("receive streams ask upstream only after missing a key, once per miss", async () => {
    const alice = installFrameWorker(new FakeScope());
    const bobScope = new FakeScope();
    const bob = installFrameWorker(bobScope);
    const aCh = channel();
    const bCh = channel();
    const idle = new Transformer(channel(), { direction: "receive", codec: "opus" });
    const rx = new Transformer(bCh, { direction: "receive", codec: "opus" });
    alice.attachTransformer(new Transformer(aCh, { direction: "send", codec: "opus" }));
    bob.attachTransformer(rx);
    bob.attachTransformer(idle);
    await alice.handleMessage({ type: MessageType.epoch, keys: keys(1n, 0) });
    await aCh.writer.write(new SyntheticFrame(randomBytes(40)));
    const enc = await next(aCh.reader);
    // Bob has no key yet: the frame is dropped (unknown epoch) and the stream marks a miss.
    await bCh.writer.write(new SyntheticFrame(enc));
    await bCh.writer.write(new SyntheticFrame(new Uint8Array(0)));
    expect((await next(bCh.reader)).length).toBe(0);
    expect(bob.cryptor.stats["unknown-epoch"]).toBe(1);
    await bob.handleMessage({ type: MessageType.epoch, keys: keys(1n, 1) });
    expect(rx.keyFrameRequests).toBe(1);
    expect(idle.keyFrameRequests).toBe(0);
    expect(rx.keyFrames + idle.keyFrames).toBe(0); // receivers never generate keyframes
    // The miss was answered: the next install does not ask again.
    await bob.handleMessage({ type: MessageType.epoch, keys: keys(2n, 1) });
    expect(rx.keyFrameRequests).toBe(1);
    // Still no miss since: no request either.
    await bob.handleMessage({ type: MessageType.epoch, keys: keys(3n, 1) });
    expect(rx.keyFrameRequests).toBe(1);
    expect(bobScope.posted.filter((m) => m.type === MessageType.keyframeRequest)).toEqual([]);
  });

  it("a sender without a key marks its stream too; fallback receive streams post the request", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const rx = channel();
    const tx = channel();
    await scope.send({
      type: MessageType.stream,
      readable: rx.readable,
      writable: rx.writable,
      options: { direction: "receive", codec: "opus", streamId: "in" },
    });
    await scope.send({
      type: MessageType.stream,
      readable: tx.readable,
      writable: tx.writable,
      options: { direction: "send", codec: "opus", streamId: "out" },
    });
    // A frame with a header for an epoch nobody has: dropped for want of a key.
    const sender = installFrameWorker(new FakeScope());
    const sCh = channel();
    sender.attachTransformer(new Transformer(sCh, { direction: "send", codec: "opus" }));
    await sender.handleMessage({ type: MessageType.epoch, keys: keys(5n, 0) });
    await sCh.writer.write(new SyntheticFrame(randomBytes(30)));
    const enc = await next(sCh.reader);
    await rx.writer.write(new SyntheticFrame(enc));
    await rx.writer.write(new SyntheticFrame(new Uint8Array(0)));
    expect((await next(rx.reader)).length).toBe(0);
    await scope.send({ type: MessageType.epoch, keys: keys(1n, 1) });
    const requests = scope.posted.filter((m) => m.type === MessageType.keyframeRequest);
    expect(requests).toEqual([
      { type: MessageType.keyframeRequest, streamId: "in", direction: "receive" },
      { type: MessageType.keyframeRequest, streamId: "out", direction: "send" },
    ]);
    // Frames flow after the install and the stream set shrinks when a pipe ends.
    await tx.writer.write(new SyntheticFrame(Uint8Array.of(1, 2, 3)));
    expect((await next(tx.reader)).length).toBeGreaterThan(3);
    expect(worker.streamCount).toBe(2);
    await tx.writer.close();
    await tx.reader.cancel();
    await rx.writer.close();
    await rx.reader.cancel();
    await worker.settled();
    expect(worker.streamCount).toBe(0);
  });

  it("a receive stream that dropped frames for other reasons asks for nothing; one without the method is skipped", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    await scope.send({ type: MessageType.epoch, keys: keys(1n, 1) });
    const rxCh = channel();
    const rx = new Transformer(rxCh, { direction: "receive", codec: "opus" });
    worker.attachTransformer(rx);
    // Garbage under the current epoch's KID: dropped (auth-failed), not for want of a key.
    const sender = installFrameWorker(new FakeScope());
    const sCh = channel();
    sender.attachTransformer(new Transformer(sCh, { direction: "send", codec: "opus" }));
    await sender.handleMessage({ type: MessageType.epoch, keys: keys(1n, 0, randomBytes(16)) });
    await sCh.writer.write(new SyntheticFrame(randomBytes(30)));
    await rxCh.writer.write(new SyntheticFrame(await next(sCh.reader)));
    await rxCh.writer.write(new SyntheticFrame(new Uint8Array(0)));
    expect((await next(rxCh.reader)).length).toBe(0);
    expect(worker.cryptor.stats["auth-failed"]).toBe(1);
    await scope.send({ type: MessageType.epoch, keys: keys(2n, 1) });
    expect(rx.keyFrameRequests).toBe(0);
    // A receive transformer without sendKeyFrameRequest that missed a key: skipped, no error.
    const bareCh = channel();
    const bare: ScriptTransformerLike = {
      readable: bareCh.readable,
      writable: bareCh.writable,
      options: { direction: "receive", codec: "opus" },
    };
    worker.attachTransformer(bare);
    await sender.handleMessage({ type: MessageType.epoch, keys: keys(7n, 0) });
    await sCh.writer.write(new SyntheticFrame(randomBytes(30)));
    await bareCh.writer.write(new SyntheticFrame(await next(sCh.reader)));
    await bareCh.writer.write(new SyntheticFrame(new Uint8Array(0)));
    expect((await next(bareCh.reader)).length).toBe(0);
    expect(worker.cryptor.stats["unknown-epoch"]).toBe(1);
    await scope.send({ type: MessageType.epoch, keys: keys(3n, 1) });
    expect(scope.errors()).toEqual([]);
    expect(rx.keyFrameRequests).toBe(0);
  });

  it("a rejected generateKeyFrame (audio sender) does not stop the install or other requests", async () => {
    const scope = new FakeScope();
    const worker = installFrameWorker(scope);
    const audio = new Transformer(channel(), { direction: "send", codec: "opus" });
    audio.generateKeyFrame = () => Promise.reject(new Error("audio has no keyframes"));
    const video = new Transformer(channel(), { direction: "send", codec: "vp8" });
    worker.attachTransformer(audio);
    worker.attachTransformer(video);
    await scope.send({ type: MessageType.epoch, keys: keys(1n, 0) });
    expect(video.keyFrames).toBe(1);
    expect(scope.errors()).toEqual([]);
    expect(scope.posted).toContainEqual({ type: MessageType.epochInstalled, epoch: 1n });
    // A transformer without the methods is skipped silently.
    const bare: ScriptTransformerLike = {
      readable: channel().readable,
      writable: channel().writable,
      options: { direction: "send" },
    };
    worker.attachTransformer(bare);
    await scope.send({ type: MessageType.epoch, keys: keys(2n, 0) });
    expect(video.keyFrames).toBe(2);
    expect(scope.errors()).toEqual([]);
  });

  it("settled() waits for every live stream and resolves once they end", async () => {
    const worker = new FrameWorker({ postMessage() {} } as unknown as FrameWorkerScope);
    await worker.handleMessage({ type: MessageType.epoch, keys: keys(1n, 0) });
    const ch = channel();
    await worker.handleMessage({
      type: MessageType.stream,
      readable: ch.readable,
      writable: ch.writable,
      options: { direction: "send", codec: "opus" },
    });
    expect(worker.streamCount).toBe(1);
    const first = await Promise.race([
      worker.settled().then(() => "settled"),
      new Promise((r) => setTimeout(() => r("still running"), 20)),
    ]);
    expect(first).toBe("still running");
    await ch.writer.close();
    await ch.reader.cancel();
    await worker.settled();
    expect(worker.streamCount).toBe(0);
  });

  it("the worker entry module installs a FrameWorker on the global scope", async () => {
    const g = globalThis as unknown as FrameWorkerScope & { postMessage?: unknown };
    const saved = { onmessage: g.onmessage, onrtctransform: g.onrtctransform, postMessage: g.postMessage };
    const posted: unknown[] = [];
    g.postMessage = (m: unknown) => posted.push(m);
    try {
      await import("../src/worker.ts");
      expect(typeof g.onmessage).toBe("function");
      expect(typeof g.onrtctransform).toBe("function");
      await g.onmessage?.({ data: { type: MessageType.stats } });
      expect(posted).toEqual([{ type: MessageType.stats, stats: expect.objectContaining({ encrypted: 0 }) }]);
    } finally {
      Object.assign(g, saved);
    }
  });
});
