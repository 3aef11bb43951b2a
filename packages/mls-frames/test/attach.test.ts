/** Page-side attach helper and the safety-number rendering. */
import { afterEach, describe, expect, it } from "vitest";
import { attachFrameTransform, computeSafetyNumber, MessageType } from "../src/index.ts";

const g = globalThis as { RTCRtpScriptTransform?: unknown };

describe("attachFrameTransform", () => {
  afterEach(() => {
    delete g.RTCRtpScriptTransform;
  });

  it("uses RTCRtpScriptTransform when present, passing the options to the worker", () => {
    const made: unknown[] = [];
    g.RTCRtpScriptTransform = class {
      constructor(worker: unknown, options: unknown) {
        made.push({ worker, options });
      }
    };
    const worker = { postMessage() {} };
    const endpoint: { transform?: unknown } = {};
    expect(attachFrameTransform(endpoint, worker, { direction: "send", codec: "vp8", context: 1 })).toBe(
      "script-transform",
    );
    expect(endpoint.transform).toBeDefined();
    expect(made).toEqual([{ worker, options: { direction: "send", codec: "vp8", context: 1, sealroom: 1 } }]);
  });

  it("falls back to createEncodedStreams and transfers both streams", () => {
    const posted: { message: unknown; transfer: unknown[] }[] = [];
    const worker = {
      postMessage: (message: unknown, transfer: unknown[]) => posted.push({ message, transfer }),
    };
    const readable = new ReadableStream();
    const writable = new WritableStream();
    const endpoint = { createEncodedStreams: () => ({ readable, writable }) };
    expect(attachFrameTransform(endpoint, worker, { direction: "receive", streamId: "x" })).toBe(
      "encoded-streams",
    );
    expect(posted).toEqual([
      {
        message: {
          type: MessageType.stream,
          readable,
          writable,
          options: { direction: "receive", streamId: "x" },
        },
        transfer: [readable, writable],
      },
    ]);
  });

  it("throws when neither API exists", () => {
    expect(() => attachFrameTransform({}, { postMessage() {} }, { direction: "send" })).toThrow(TypeError);
  });
});

describe("computeSafetyNumber", () => {
  it("renders 12 groups of 5 digits, deterministic, input-sensitive", async () => {
    const a = new Uint8Array(32).fill(7);
    const b = a.slice();
    b[31] = 8;
    const sa = await computeSafetyNumber(a);
    expect(sa).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await computeSafetyNumber(a.slice())).toBe(sa);
    expect(await computeSafetyNumber(b)).not.toBe(sa);
    await expect(computeSafetyNumber(new Uint8Array(0))).rejects.toThrow(TypeError);
  });
});
