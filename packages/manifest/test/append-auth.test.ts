import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { parseVerifierKey } from "@sealroom/prefix-tree/note";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendMessage,
  appendVerifierKey,
  decodePositionHeader,
  decodeSignatureHeader,
  generateAppendKey,
  signAppend,
  signUpload,
  uploadMessage,
  verifyAppend,
  verifyUpload,
} from "../src/append-auth.ts";
import { nodeEd25519 } from "../src/ed25519-node.ts";
import { sha256 } from "../src/sha256.ts";

const seed = new Uint8Array(32).fill(1);
const key = generateAppendKey("site.example", seed);
const vkey = parseVerifierKey(key.verifierKey);
const body = new TextEncoder().encode('{"resource_hash":"x"}');

describe("append authentication", () => {
  it("signs exactly the documented bytes", () => {
    const m = new TextDecoder().decode(appendMessage({ domain: "site.example", position: 3n, body }));
    expect(m).toBe(`sealroom-append/v1\nsite.example\n3\n${encodeBase64(sha256(body))}\n`);
    const u = new TextDecoder().decode(uploadMessage({ domain: "site.example", digest: new Uint8Array(32) }));
    expect(u).toBe(`sealroom-upload/v1\nsite.example\nsha256-${"A".repeat(43)}\n`);
  });

  it("verifies on WebCrypto, noble and node:crypto; fails for another domain, position, body or key", async () => {
    const i = { domain: "site.example", position: 5n, body };
    const sig = signAppend(key.signerKey, i);
    for (const b of ["webcrypto", "noble", nodeEd25519] as const)
      expect(await verifyAppend(vkey, sig, i, b)).toBe(true);
    expect(await verifyAppend(vkey, sig, { ...i, domain: "sitf.example" })).toBe(false);
    expect(await verifyAppend(vkey, sig, { ...i, position: 6n })).toBe(false);
    expect(await verifyAppend(vkey, sig, { ...i, body: new Uint8Array([1]) })).toBe(false);
    const other = parseVerifierKey(generateAppendKey("site.example").verifierKey);
    expect(await verifyAppend(other, sig, i)).toBe(false);
    const u = { domain: "site.example", digest: sha256(body) };
    const us = signUpload(key.signerKey, u);
    expect(await verifyUpload(vkey, us, u)).toBe(true);
    expect(await verifyUpload(vkey, us, { ...u, digest: new Uint8Array(32) })).toBe(false);
    expect(await verifyAppend(vkey, us, i)).toBe(false); // upload and append signatures never mix
  });

  it("derives the vkey from the signer key", () => {
    expect(appendVerifierKey(key.signerKey)).toBe(key.verifierKey);
  });

  it("header decoders accept only canonical spellings", () => {
    expect(decodePositionHeader("0")).toBe(0n);
    expect(decodePositionHeader("18446744073709551615")).toBe((1n << 64n) - 1n);
    for (const v of ["", "01", "-1", "1e3", " 1", "18446744073709551616", null])
      expect(decodePositionHeader(v)).toBeUndefined();
    const sig = signAppend(key.signerKey, { domain: "site.example", position: 0n, body });
    expect(decodeSignatureHeader(encodeBase64(sig))).toEqual(sig);
    expect(decodeSignatureHeader(encodeBase64(sig.subarray(1)))).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        const p = decodePositionHeader(s);
        if (p !== undefined) expect(p.toString()).toBe(s);
        const d = decodeSignatureHeader(s);
        if (d !== undefined) expect(encodeBase64(d)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
