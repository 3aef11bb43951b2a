/**
 * Found by mutation testing (`pnpm mutate`, the fifth session's run of manifest,
 * manifest-response and chain-head-with-proof): the exact bounds of `ChainHeadWithProof` (each
 * length field at its minimum and maximum, truncation inside each field), the response framing,
 * hash strings of the wrong length, and the tombstone predicate.
 */
import { describe, expect, it } from "vitest";
import {
  decodeChainHeadWithProof,
  decodeManifestResponse,
  encodeChainHeadWithProof,
  isTombstoneManifest,
  parseManifest,
} from "../src/index.ts";
import { makeWorld } from "./helpers/world.ts";

const codeOf = (f: () => unknown): string => {
  try {
    f();
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).name;
  }
};

describe("ChainHeadWithProof bounds", () => {
  const w = makeWorld({ leaves: 4 });
  const enc = (incProof: Uint8Array, signedPrefixRoot: Uint8Array) =>
    encodeChainHeadWithProof({ head: w.head, incProof, signedPrefixRoot });

  it("inc_proof of 1 and 16383 bytes and a 1-byte note round-trip; 0 and 16384 are refused", () => {
    for (const [ip, sr] of [
      [1, 1],
      [16383, 2],
    ] as const) {
      const b = enc(new Uint8Array(ip).fill(7), new Uint8Array(sr).fill(9));
      expect(b.length).toBe(112 + 2 + ip + 3 + sr);
      const d = decodeChainHeadWithProof(b);
      expect([d.incProof.length, d.signedPrefixRoot.length]).toEqual([ip, sr]);
    }
    expect(() => enc(new Uint8Array(0), new Uint8Array(1))).toThrow(RangeError);
    expect(() => enc(new Uint8Array(16384), new Uint8Array(1))).toThrow(RangeError);
    expect(() => enc(new Uint8Array(1), new Uint8Array(0))).toThrow(RangeError);
    expect(() => enc(new Uint8Array(1), [1] as unknown as Uint8Array)).toThrow(RangeError);
  });

  it("each truncation and each bad length is refused with its code", () => {
    const b = enc(Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5));
    expect(codeOf(() => decodeChainHeadWithProof(b))).toBe("ok");
    // Every strict prefix is truncated; one byte more is trailing.
    for (let n = 0; n < b.length; n++)
      expect(codeOf(() => decodeChainHeadWithProof(b.subarray(0, n)))).toBe("truncated");
    expect(codeOf(() => decodeChainHeadWithProof(Uint8Array.of(...b, 0)))).toBe("trailing");
    // inc_proof length 0 and 16384.
    const zero = b.slice();
    zero[112] = 0;
    zero[113] = 0;
    expect(codeOf(() => decodeChainHeadWithProof(zero))).toBe("bad_length");
    const over = Uint8Array.of(...b.subarray(0, 112), 0x40, 0x00, ...new Uint8Array(16384), 0, 0, 1, 9);
    expect(codeOf(() => decodeChainHeadWithProof(over))).toBe("bad_length");
    // signed_prefix_root length 0.
    const noNote = Uint8Array.of(...b.subarray(0, 112 + 2 + 3), 0, 0, 0);
    expect(codeOf(() => decodeChainHeadWithProof(noNote))).toBe("bad_length");
    // A 1-byte inc_proof and 1-byte note decode (the minimum is 1, not 2).
    expect(codeOf(() => decodeChainHeadWithProof(enc(Uint8Array.of(1), Uint8Array.of(2))))).toBe("ok");
    expect(() => decodeChainHeadWithProof([] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("manifest response framing", () => {
  const enc = new TextEncoder();
  it("no newline, one newline, bytes after the proof line", () => {
    expect(codeOf(() => decodeManifestResponse(enc.encode("{}")))).toBe("framing");
    expect(codeOf(() => decodeManifestResponse(enc.encode("{}\nAA")))).toBe("framing");
    expect(codeOf(() => decodeManifestResponse(enc.encode("{}\nAA\nx")))).toBe("framing");
    expect(codeOf(() => decodeManifestResponse(enc.encode("{}\nAA\n\n")))).toBe("framing");
    const r = decodeManifestResponse(enc.encode("{}\nAA\n"));
    expect([r.manifestText, r.proofText]).toEqual(["{}", "AA"]);
    // A newline at index 0 or 1 is still a newline (not "absent").
    expect(decodeManifestResponse(enc.encode("\n\n"))).toMatchObject({ manifestText: "", proofText: "" });
    expect(decodeManifestResponse(enc.encode("a\nb\n"))).toMatchObject({ manifestText: "a", proofText: "b" });
  });
});

describe("manifest hashes", () => {
  const h = "A".repeat(43);
  it("a hash is exactly 43 base64url characters of 32 bytes, in hashes and in every hash list", () => {
    expect(codeOf(() => parseManifest(JSON.stringify({ hashes: { "/": h } })))).toBe("ok");
    for (const bad of ["A".repeat(42), "A".repeat(44), `${"A".repeat(42)}=`, 5]) {
      expect(codeOf(() => parseManifest(JSON.stringify({ hashes: { "/": bad } })))).toBe("bad_hash");
      for (const list of ["wasm_hashes", "fallback_hashes", "wildcard_hashes"]) {
        const c = codeOf(() => parseManifest(JSON.stringify({ hashes: {}, [list]: [bad] })));
        expect(c).toBe(typeof bad === "string" ? "bad_hash" : "bad_type");
      }
    }
  });

  it("only a manifest with emergency_opt_out true is a tombstone", () => {
    expect(isTombstoneManifest(parseManifest('{"hashes":{},"emergency_opt_out":true}'))).toBe(true);
    expect(isTombstoneManifest(parseManifest('{"hashes":{},"emergency_opt_out":false}'))).toBe(false);
    expect(isTombstoneManifest(parseManifest('{"hashes":{}}'))).toBe(false);
  });
});
