import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256, Tag, taggedHash, ZERO_HASH } from "../src/index.ts";
import { hex, nodeSha256 } from "./helpers.ts";

describe("SHA-256 (the sha256Small default) against node:crypto", () => {
  it("agrees on 2,000 random inputs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (d) => {
        expect(hex(sha256(d))).toBe(hex(nodeSha256(d)));
      }),
      { numRuns: 2000 },
    );
  });

  it("matches the FIPS 180-2 'abc' vector", () => {
    expect(hex(sha256(new TextEncoder().encode("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("tags", () => {
  it("are the draft's 8 ASCII bytes", () => {
    expect(Buffer.from(Tag.ResourceHash).toString("latin1")).toBe("waict-rh");
    expect(Buffer.from(Tag.ChainHash).toString("latin1")).toBe("waict-ch");
    expect(Buffer.from(Tag.AssetHostsHash).toString("latin1")).toBe("waict-ah");
  });

  it("taggedHash = H(tag || data), with an injected hash too", () => {
    const d = new Uint8Array([1, 2, 3]);
    const want = hex(nodeSha256(Buffer.concat([Buffer.from("waict-rh"), d])));
    expect(hex(taggedHash(Tag.ResourceHash, d))).toBe(want);
    expect(hex(taggedHash(Tag.ResourceHash, d, nodeSha256))).toBe(want);
  });

  it("rejects an injected hash with the wrong output size", () => {
    expect(() => taggedHash(Tag.ChainHash, new Uint8Array(1), () => new Uint8Array(64))).toThrow(TypeError);
  });

  it("ZERO_HASH is 32 zero bytes", () => {
    expect(hex(ZERO_HASH)).toBe("00".repeat(32));
  });
});
