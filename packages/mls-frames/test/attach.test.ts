/** Page-side attach helper. */
import { afterEach, describe, expect, it } from "vitest";
import { attachFrameTransform, MessageType } from "../src/index.ts";

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
