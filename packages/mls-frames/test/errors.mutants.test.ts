/** The error classes' names and codes, which callers switch on (mutation testing, `pnpm mutate`). */
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  DecodeError,
  MlsFramesError,
  parseCodec,
  UnsupportedCodecError,
} from "../src/index.ts";

describe("errors", () => {
  it("each class names itself and carries its code", () => {
    const d = new DecodeError("truncated", 2, "short");
    expect([d.name, d.code, d.offset, d.detail]).toEqual(["DecodeError", "truncated", 2, "short"]);
    const u = new UnsupportedCodecError("h264", "why");
    expect([u.name, u.code, u.codec]).toEqual(["UnsupportedCodecError", "unsupported-codec", "h264"]);
    const a = new AuthenticationError();
    expect([a.name, a.code]).toEqual(["AuthenticationError", "authentication"]);
    const m = new MlsFramesError("x", "y");
    expect([m.name, m.code, m.message]).toEqual(["MlsFramesError", "x", "y"]);
    for (const e of [d, u, a]) expect(e).toBeInstanceOf(MlsFramesError);
    expect(() => parseCodec("h264")).toThrow(expect.objectContaining({ code: "unsupported-codec" }));
  });
});
