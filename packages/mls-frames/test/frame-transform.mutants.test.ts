/**
 * `createFrameTransform` (src/frame-transform.ts) with a recording cipher: which codec and context
 * reach the cipher, how drops are reported, and how the result's bytes become the frame's buffer
 * (mutation testing, `pnpm mutate`).
 */
import { describe, expect, it } from "vitest";
import {
  createFrameTransform,
  type DropReason,
  type EncodedFrameLike,
  type FrameCipher,
  type FrameResult,
} from "../src/index.ts";
import { SyntheticFrame } from "./helpers.ts";

class Recorder implements FrameCipher {
  readonly calls: { dir: "enc" | "dec"; bytes: Uint8Array; codec: string; context?: bigint }[] = [];
  readonly reply: (bytes: Uint8Array) => FrameResult;
  constructor(reply: (bytes: Uint8Array) => FrameResult) {
    this.reply = reply;
  }
  async encryptFrame(bytes: Uint8Array, codec: string, context?: bigint): Promise<FrameResult> {
    this.calls.push({ dir: "enc", bytes, codec, context });
    return this.reply(bytes);
  }
  async decryptFrame(bytes: Uint8Array, codec: string): Promise<FrameResult> {
    this.calls.push({ dir: "dec", bytes, codec });
    return this.reply(bytes);
  }
}

async function run(
  cipher: FrameCipher,
  options: Parameters<typeof createFrameTransform>[1],
  frames: EncodedFrameLike[],
): Promise<{ out: EncodedFrameLike[]; drops: DropReason[] }> {
  const drops: DropReason[] = [];
  const t = createFrameTransform(cipher, options, { onDrop: (r) => drops.push(r) });
  const w = t.writable.getWriter();
  const reader = t.readable.getReader();
  const out: EncodedFrameLike[] = [];
  const reading = (async () => {
    for (;;) {
      const r = await reader.read();
      if (r.done) return;
      out.push(r.value);
    }
  })();
  for (const f of frames) await w.write(f);
  await w.close();
  await reading;
  return { out, drops };
}

const echo = (bytes: Uint8Array): FrameResult => ({ ok: true, data: bytes });

describe("createFrameTransform", () => {
  it("send: the options' codec wins over the metadata; the context defaults to 0 and is passed as a bigint", async () => {
    const c = new Recorder(echo);
    await run(c, { direction: "send", codec: "opus" }, [new SyntheticFrame(Uint8Array.of(1), "video/VP8")]);
    await run(c, { direction: "send", context: 2 }, [new SyntheticFrame(Uint8Array.of(2), "video/VP9")]);
    expect(c.calls.map(({ dir, codec, context }) => [dir, codec, context])).toEqual([
      ["enc", "opus", 0n],
      ["enc", "video/VP9", 2n],
    ]);
  });

  it('receive: decrypts; a missing, non-string or throwing mimeType gives the codec ""', async () => {
    const c = new Recorder(echo);
    const throwing = new SyntheticFrame(Uint8Array.of(3));
    throwing.getMetadata = () => {
      throw new Error("detached");
    };
    const numeric = new SyntheticFrame(Uint8Array.of(4));
    numeric.getMetadata = () => ({ mimeType: 7 as unknown as string, synchronizationSource: 1 });
    const { out } = await run(c, { direction: "receive" }, [
      new SyntheticFrame(Uint8Array.of(5), "audio/opus"),
      new SyntheticFrame(Uint8Array.of(6)),
      throwing,
      numeric,
    ]);
    expect(c.calls.map(({ dir, codec }) => [dir, codec])).toEqual([
      ["dec", "audio/opus"],
      ["dec", ""],
      ["dec", ""],
      ["dec", ""],
    ]);
    expect(out.length).toBe(4);
  });

  it("a dropped frame is reported with its reason and not enqueued; later frames still flow", async () => {
    const c = new Recorder((bytes) =>
      bytes[0] === 0 ? { ok: false, reason: "auth-failed" } : { ok: true, data: bytes },
    );
    const { out, drops } = await run(c, { direction: "receive", codec: "opus" }, [
      new SyntheticFrame(Uint8Array.of(0)),
      new SyntheticFrame(Uint8Array.of(1)),
    ]);
    expect(drops).toEqual(["auth-failed"]);
    expect(out.map((f) => Array.from(new Uint8Array(f.data)))).toEqual([[1]]);
    // Without hooks a drop is silent.
    const t = createFrameTransform(c, { direction: "receive", codec: "opus" });
    const first = t.readable.getReader().read();
    const w = t.writable.getWriter();
    await w.write(new SyntheticFrame(Uint8Array.of(0)));
    await w.close();
    expect((await first).done).toBe(true);
  });

  it("a frame whose data cannot be read is an internal drop", async () => {
    const c = new Recorder(echo);
    const bad = {
      get data(): ArrayBuffer {
        throw new Error("detached");
      },
      set data(_v: ArrayBuffer) {},
      getMetadata: () => ({}),
    };
    const { out, drops } = await run(c, { direction: "send", codec: "opus" }, [bad]);
    expect(drops).toEqual(["internal"]);
    expect(out).toEqual([]);
    expect(c.calls).toEqual([]);
    // Without hooks too: the stream goes on with the next frame.
    const t = createFrameTransform(c, { direction: "send", codec: "opus" });
    const reader = t.readable.getReader();
    const next = reader.read();
    const w = t.writable.getWriter();
    await w.write(bad);
    await w.write(new SyntheticFrame(Uint8Array.of(7)));
    const r = await next;
    expect(Array.from(new Uint8Array((r.value as EncodedFrameLike).data))).toEqual([7]);
    await w.close();
  });

  it("the result becomes the frame's data: its own buffer when it spans it, else a copy of the view", async () => {
    const whole = Uint8Array.of(9, 8, 7);
    const backing = Uint8Array.of(0, 1, 2, 3, 4);
    const view = backing.subarray(1, 3);
    const shared = new Uint8Array(new SharedArrayBuffer(2));
    shared.set([5, 6]);
    const replies = [whole, view, shared, backing.subarray(0, 4)];
    let i = 0;
    const c = new Recorder(() => ({ ok: true, data: replies[i++] as Uint8Array }));
    const frames = replies.map(() => new SyntheticFrame(Uint8Array.of(0xee)));
    const { out } = await run(c, { direction: "send", codec: "opus" }, frames);
    expect(out[0]?.data).toBe(whole.buffer);
    expect(Array.from(new Uint8Array(out[1]?.data as ArrayBuffer))).toEqual([1, 2]);
    expect(out[1]?.data).not.toBe(backing.buffer);
    expect(out[2]?.data).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(out[2]?.data as ArrayBuffer))).toEqual([5, 6]);
    expect(Array.from(new Uint8Array(out[3]?.data as ArrayBuffer))).toEqual([0, 1, 2, 3]);
  });

  it("a result that is the input bytes leaves the frame's buffer as it was", async () => {
    const f = new SyntheticFrame(Uint8Array.of(1, 2));
    const before = f.data;
    const { out } = await run(new Recorder(echo), { direction: "send", codec: "opus" }, [f]);
    expect(out[0]?.data).toBe(before);
  });
});
