/**
 * AES-GCM's two paths (src/aead.ts): synchronous @noble/ciphers for small frames, WebCrypto for
 * large ones. Both must give the RFC 9605 C.3 bytes (suites 4, 5) and the same bytes as each other
 * at every size, and both must refuse any tampered byte.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cipherSuiteParams, createSFrameKey, importAeadKey, SYNC_GCM_MAX_BYTES } from "../src/index.ts";
import { deriveKeySalt, sframeNonce } from "../src/sframe-entry.ts";
import { hex, loadVectors, toHex } from "./helpers.ts";

const vectors = loadVectors();
const paths = [
  ["WebCrypto only", 0],
  ["noble only", Number.POSITIVE_INFINITY],
  ["default split", SYNC_GCM_MAX_BYTES],
] as const;

describe("AES-GCM: sync (noble) and WebCrypto paths", () => {
  for (const v of vectors.sframe.filter((x) => Number(x.cipher_suite) >= 4)) {
    const suite = Number(v.cipher_suite);
    for (const [name, syncMaxBytes] of paths) {
      it(`RFC 9605 C.3 suite ${suite}, ${name}: seal gives the vector, open recovers it, tampering fails`, async () => {
        const params = cipherSuiteParams(suite);
        const { key, salt } = await deriveKeySalt(params, v.kid, hex(v.base_key));
        const aead = await importAeadKey(params, key, { syncMaxBytes });
        const nonce = sframeNonce(salt, v.ctr);
        const aad = hex(v.aad);
        const ct = await aead.seal(nonce, aad, hex(v.pt));
        // The vector's ct is header || AEAD output; the header is the aad minus the metadata.
        const headerLen = aad.length - hex(v.metadata).length;
        expect(toHex(ct)).toBe(v.ct.slice(2 * headerLen));
        expect(toHex((await aead.open(nonce, aad, ct)) as Uint8Array)).toBe(v.pt);
        for (let i = 0; i < ct.length; i++) {
          const bad = ct.slice();
          bad[i] = (bad[i] as number) ^ 0x01;
          expect(await aead.open(nonce, aad, bad)).toBeNull();
        }
        expect(await aead.open(nonce, aad.subarray(1), ct)).toBeNull();
      });
    }
  }

  it("the synchronous path is Node's, for frames up to 512 bytes (browsers: WebCrypto only)", () => {
    expect(SYNC_GCM_MAX_BYTES).toBe(512);
  });

  it("both paths give the same bytes at sizes around the split (200 cases)", async () => {
    const params = cipherSuiteParams(4);
    const key = new Uint8Array(params.Nk).fill(9);
    const web = await importAeadKey(params, key, { syncMaxBytes: 0 });
    const sync = await importAeadKey(params, key, { syncMaxBytes: Number.POSITIVE_INFINITY });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 1024 }),
        async (nonce, aad, n) => {
          const pt = new Uint8Array(n).map((_, i) => i * 7);
          const a = await web.seal(nonce, aad, pt);
          const b = await sync.seal(nonce, aad, pt);
          expect(toHex(b)).toBe(toHex(a));
          expect(toHex((await sync.open(nonce, aad, a)) as Uint8Array)).toBe(toHex(pt));
          expect(toHex((await web.open(nonce, aad, b)) as Uint8Array)).toBe(toHex(pt));
        },
      ),
      { numRuns: 200 },
    );
    // createSFrameKey takes the default split: still the suite's AEAD.
    expect((await createSFrameKey(4, 1n, key)).params.name).toBe(params.name);
  });
});
