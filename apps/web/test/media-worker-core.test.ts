/**
 * The media worker's wiring (`src/engine/media-worker-core.ts`) in Node with a fake worker scope and
 * fake transformers: keys only from the key port, and after each installed epoch every receiving
 * transform that has had frames sends one keyframe request (Chromium's transformers cannot make their own sender encode a
 * keyframe, so the receivers ask; on the SFU plane the SFU relays the request to the sender).
 */
import { type EpochKeys, MessageType, sframeSuiteForMls } from "@sealroom/mls-frames";
import { describe, expect, it } from "vitest";
import { startMediaWorker } from "../src/engine/media-worker-core.ts";
import { MEDIA_KEY_PORT } from "../src/engine/protocol.ts";

function transformer(direction: "send" | "receive", request?: () => Promise<void>, plane = "sfu") {
  const pipe = new TransformStream();
  const calls = { requests: 0, keyframes: 0 };
  const writer = pipe.writable.getWriter();
  return {
    calls,
    /** One (undecryptable) encoded frame arrives on this stream. */
    frame: () =>
      writer.write({ data: new Uint8Array(20).buffer, getMetadata: () => ({ mimeType: "video/VP8" }) }),
    t: {
      readable: pipe.readable,
      writable: new WritableStream(),
      options: { direction, streamId: `${plane}:${direction}`, sealroom: 1 },
      sendKeyFrameRequest: async () => {
        calls.requests++;
        await request?.();
      },
    },
  };
}

const keys = (epoch: bigint): EpochKeys => ({
  epoch,
  suite: sframeSuiteForMls(1),
  baseKey: new Uint8Array(16).fill(Number(epoch)),
  ownLeaf: 0,
  leaves: [0, 1],
});

function setup() {
  const posted: { type?: string }[] = [];
  const scope = {
    postMessage: (m: unknown) => posted.push(m as { type?: string }),
    onmessage: null as ((e: { data: unknown }) => unknown) | null,
    onrtctransform: null as ((e: { transformer: never }) => unknown) | null,
  };
  const worker = startMediaWorker(scope);
  const channel = new MessageChannel();
  scope.onmessage!({ data: { type: MEDIA_KEY_PORT, port: channel.port1 } });
  const installed = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () =>
        posted.filter((m) => m.type === MessageType.epochInstalled).length >= n
          ? setTimeout(resolve, 20)
          : setTimeout(check, 5);
      check();
    });
  return { scope, worker, port: channel.port2, posted, installed, close: () => channel.port2.close() };
}

describe("media worker core", () => {
  it("after each epoch from the key port, every receiving transform requests one keyframe", async () => {
    const s = setup();
    const rx1 = transformer("receive");
    const rx2 = transformer("receive");
    const tx = transformer("send");
    const idle = transformer("receive");
    for (const x of [rx1, rx2, tx, idle]) s.scope.onrtctransform!({ transformer: x.t as never });
    await Promise.all([rx1.frame(), rx2.frame(), tx.frame()]);
    s.port.postMessage({ type: MessageType.epoch, keys: keys(1n) });
    await s.installed(1);
    // `idle` never had a frame (still being negotiated): not asked.
    expect([rx1.calls.requests, rx2.calls.requests, tx.calls.requests, idle.calls.requests]).toEqual([
      1, 1, 0, 0,
    ]);
    s.port.postMessage({ type: MessageType.epoch, keys: keys(2n) });
    await s.installed(2);
    expect([rx1.calls.requests, rx2.calls.requests]).toEqual([2, 2]);
    s.close();
  });

  it("mesh receivers keep FrameWorker's behaviour: asked only after missing a key", async () => {
    const s = setup();
    const idle = transformer("receive", undefined, "m2");
    const missed = transformer("receive", undefined, "m3");
    for (const x of [idle, missed]) s.scope.onrtctransform!({ transformer: x.t as never });
    await missed.frame(); // dropped: no epoch yet
    s.port.postMessage({ type: MessageType.epoch, keys: keys(1n) });
    await s.installed(1);
    expect([idle.calls.requests, missed.calls.requests]).toEqual([0, 1]);
    s.close();
  });

  it("a receiver whose request fails (gone) is not asked again", async () => {
    const s = setup();
    const gone = transformer("receive", () =>
      Promise.reject(new DOMException("stopped", "InvalidStateError")),
    );
    const live = transformer("receive");
    for (const x of [gone, live]) s.scope.onrtctransform!({ transformer: x.t as never });
    await Promise.all([gone.frame(), live.frame()]);
    s.port.postMessage({ type: MessageType.epoch, keys: keys(1n) });
    await s.installed(1);
    s.port.postMessage({ type: MessageType.epoch, keys: keys(2n) });
    await s.installed(2);
    expect([gone.calls.requests, live.calls.requests]).toEqual([1, 2]);
    s.close();
  });

  it("epoch keys from the page are ignored (no install, no keyframe request)", async () => {
    const s = setup();
    const rx = transformer("receive");
    s.scope.onrtctransform!({ transformer: rx.t as never });
    s.scope.onmessage!({ data: { type: MessageType.epoch, keys: keys(1n) } });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.posted.filter((m) => m.type === MessageType.epochInstalled)).toEqual([]);
    expect(rx.calls.requests).toBe(0);
    expect(s.worker.cryptor.stats.decrypted).toBe(0);
    s.close();
  });
});
