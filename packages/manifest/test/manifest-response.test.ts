import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManifestError } from "../src/errors.ts";
import {
  decodeManifestResponse,
  decodeProofLine,
  encodeManifestResponse,
  MANIFEST_MEDIA_TYPE,
} from "../src/manifest-response.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("manifest response body", () => {
  it("is served as the media type waict-integrity v2 names", () => {
    expect(MANIFEST_MEDIA_TYPE).toBe("application/waict-integrity-manifest");
  });
  it("splits manifest and proof lines, keeping the exact manifest bytes", () => {
    const r = decodeManifestResponse(enc('{"hashes":{} }\nAAEC\n'));
    expect(new TextDecoder().decode(r.manifestBytes)).toBe('{"hashes":{} }');
    expect(r.proofText).toBe("AAEC");
    expect(decodeProofLine(r.proofText)).toEqual(new Uint8Array([0, 1, 2]));
    expect(encodeManifestResponse('{"hashes":{} }', new Uint8Array([0, 1, 2]))).toEqual(
      enc('{"hashes":{} }\nAAEC\n'),
    );
  });
  it("rejects bad framing and bad UTF-8 as invalid_manifest", () => {
    for (const bad of ["{}", "{}\nAA==", "{}\nAA==\nx", "{}\nAA==\n\n"]) {
      expect(() => decodeManifestResponse(enc(bad)), bad).toThrow(/newline|after/);
    }
    expect(() => decodeManifestResponse(new Uint8Array([0x7b, 0xc3, 0x7d, 0x0a, 0x0a]))).toThrow(/UTF-8/);
    expect(() => encodeManifestResponse("{\n}", new Uint8Array(1))).toThrow(RangeError);
  });
  it("fuzz: never throws anything but ManifestError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          const r = decodeManifestResponse(b);
          expect(r.manifestBytes.includes(0x0a)).toBe(false);
          try {
            decodeProofLine(r.proofText);
          } catch (e) {
            expect(e).toBeInstanceOf(ManifestError);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(ManifestError);
          expect((e as ManifestError).reason).toBe("invalid_manifest");
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
