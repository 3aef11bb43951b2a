/** RFC 9605 Appendix C vectors (vectors/rfc9605-test-vectors.json), every entry of every section. */
import { createCipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cipherSuiteParams,
  createSFrameKey,
  DecodeError,
  decodeSFrameHeader,
  encodeSFrameHeader,
  importAeadKey,
  openSFrame,
  readSFrameHeader,
  SFrameContext,
  sealSFrame,
} from "../src/index.ts";
import { deriveKeySalt, sframeLabel, sframeNonce } from "../src/sframe-entry.ts";
import { hex, loadVectors, toHex } from "./helpers.ts";

const vectors = loadVectors();

describe("RFC 9605 C.1 header vectors", () => {
  it("has all 289 vectors", () => {
    expect(vectors.header.length).toBe(289);
  });
  it("encodes every (KID, CTR) to the listed bytes", () => {
    for (const v of vectors.header) {
      expect(toHex(encodeSFrameHeader({ kid: v.kid, ctr: v.ctr }))).toBe(v.encoded);
    }
  });
  it("decodes every listed encoding back, strictly", () => {
    for (const v of vectors.header) {
      const bytes = hex(v.encoded);
      expect(decodeSFrameHeader(bytes)).toEqual({ kid: v.kid, ctr: v.ctr });
      expect(readSFrameHeader(bytes, 0).length).toBe(bytes.length);
      // one more byte is trailing for the strict decoder
      expect(() => decodeSFrameHeader(new Uint8Array([...bytes, 0]))).toThrow(DecodeError);
      // one byte fewer is truncated, unless the header is the config byte alone
      if (bytes.length > 1) {
        expect(() => decodeSFrameHeader(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
      }
    }
  });
});

function nodeCtrHmac(v: { key: string; nonce: string; aad: string; pt: string }, Nt: number): string {
  const key = hex(v.key);
  const enc = key.subarray(0, 16);
  const auth = key.subarray(16);
  const nonce = hex(v.nonce);
  const aad = hex(v.aad);
  const iv = Buffer.concat([nonce, Buffer.alloc(4)]);
  const c = createCipheriv("aes-128-ctr", enc, iv);
  const ct = Buffer.concat([c.update(hex(v.pt)), c.final()]);
  const lens = Buffer.alloc(24);
  lens.writeBigUInt64BE(BigInt(aad.length), 0);
  lens.writeBigUInt64BE(BigInt(ct.length), 8);
  lens.writeBigUInt64BE(BigInt(Nt), 16);
  const tag = createHmac("sha256", auth)
    .update(Buffer.concat([lens, nonce, aad, ct]))
    .digest()
    .subarray(0, Nt);
  return Buffer.concat([ct, tag]).toString("hex");
}

describe("RFC 9605 C.2 AES-CTR-HMAC vectors (suites 1-3)", () => {
  it("has one vector per suite", () => {
    expect(vectors.aes_ctr_hmac.map((v) => Number(v.cipher_suite))).toEqual([1, 2, 3]);
  });
  for (const v of vectors.aes_ctr_hmac) {
    const suite = Number(v.cipher_suite);
    it(`suite ${suite}: subkeys, seal, open, tamper, node:crypto cross-check`, async () => {
      const params = cipherSuiteParams(suite);
      expect(toHex(hex(v.key).subarray(0, params.Nka))).toBe(v.enc_key);
      expect(toHex(hex(v.key).subarray(params.Nka))).toBe(v.auth_key);
      const aead = await importAeadKey(params, hex(v.key));
      const ct = await aead.seal(hex(v.nonce), hex(v.aad), hex(v.pt));
      expect(toHex(ct)).toBe(v.ct);
      expect(ct.length).toBe(hex(v.pt).length + params.Nt);
      expect(nodeCtrHmac(v, params.Nt)).toBe(v.ct);
      const pt = await aead.open(hex(v.nonce), hex(v.aad), hex(v.ct));
      expect(pt && toHex(pt)).toBe(v.pt);
      for (let i = 0; i < ct.length; i++) {
        const bad = ct.slice();
        bad[i] = (bad[i] as number) ^ 0x01;
        expect(await aead.open(hex(v.nonce), hex(v.aad), bad)).toBeNull();
      }
      const badAad = hex(v.aad);
      badAad[0] = (badAad[0] as number) ^ 0x80;
      expect(await aead.open(hex(v.nonce), badAad, ct)).toBeNull();
    });
  }
});

describe("RFC 9605 C.3 SFrame vectors (suites 1-5)", () => {
  it("has one vector per suite", () => {
    expect(vectors.sframe.map((v) => Number(v.cipher_suite))).toEqual([1, 2, 3, 4, 5]);
  });
  for (const v of vectors.sframe) {
    const suite = Number(v.cipher_suite);
    it(`suite ${suite}: labels, secret, key, salt, nonce, aad, ciphertext, decrypt`, async () => {
      const params = cipherSuiteParams(suite);
      expect(toHex(sframeLabel("key", v.kid, suite))).toBe(v.sframe_key_label);
      expect(toHex(sframeLabel("salt", v.kid, suite))).toBe(v.sframe_salt_label);
      // HKDF-Extract("", base_key) computed independently with node:crypto
      const secret = createHmac(params.hash === "SHA-256" ? "sha256" : "sha512", Buffer.alloc(0))
        .update(hex(v.base_key))
        .digest("hex");
      expect(secret).toBe(v.sframe_secret);
      const { key, salt } = await deriveKeySalt(params, v.kid, hex(v.base_key));
      expect(toHex(key)).toBe(v.sframe_key);
      expect(toHex(salt)).toBe(v.sframe_salt);
      expect(toHex(sframeNonce(salt, v.ctr))).toBe(v.nonce);
      const header = encodeSFrameHeader({ kid: v.kid, ctr: v.ctr });
      expect(toHex(header) + v.metadata).toBe(v.aad);

      const k = await createSFrameKey(suite, v.kid, hex(v.base_key));
      const ct = await sealSFrame(k, v.ctr, hex(v.metadata), hex(v.pt));
      expect(toHex(ct)).toBe(v.ct);
      const pt = await openSFrame(
        k,
        v.ctr,
        ct.subarray(0, header.length),
        hex(v.metadata),
        ct.subarray(header.length),
      );
      expect(pt && toHex(pt)).toBe(v.pt);

      const ctx = new SFrameContext(suite);
      ctx.addKey(v.kid, hex(v.base_key), "decrypt");
      expect(toHex(await ctx.decrypt(hex(v.metadata), hex(v.ct)))).toBe(v.pt);
      const wrongMeta = hex(v.metadata);
      wrongMeta[0] = (wrongMeta[0] as number) ^ 1;
      await expect(ctx.decrypt(wrongMeta, hex(v.ct))).rejects.toThrow("AEAD authentication failed");
    });
  }
});

describe("SFrameContext", () => {
  it("counts CTR from 0 and refuses a key used for the wrong direction", async () => {
    const base = hex("000102030405060708090a0b0c0d0e0f");
    const tx = new SFrameContext();
    const rx = new SFrameContext();
    tx.addKey(9n, base, "encrypt");
    rx.addKey(9n, base, "decrypt");
    const a = await tx.encrypt(9n, new Uint8Array(0), hex("aa"));
    const b = await tx.encrypt(9n, new Uint8Array(0), hex("bb"));
    expect(readSFrameHeader(a).ctr).toBe(0n);
    expect(readSFrameHeader(b).ctr).toBe(1n);
    expect(toHex(await rx.decrypt(new Uint8Array(0), b))).toBe("bb");
    await expect(tx.decrypt(new Uint8Array(0), a)).rejects.toThrow("no decryption key");
    await expect(rx.encrypt(9n, new Uint8Array(0), a)).rejects.toThrow("no encryption key");
    expect(() => tx.addKey(9n, base, "decrypt")).toThrow(RangeError);
  });

  it("resumes a sender's counter (RFC 9605 §9.1: a CTR never repeats for a key)", async () => {
    const base = hex("000102030405060708090a0b0c0d0e0f");
    const before = new SFrameContext();
    before.addKey(9n, base, "encrypt");
    await before.encrypt(9n, new Uint8Array(0), hex("aa"));
    await before.encrypt(9n, new Uint8Array(0), hex("bb"));
    const saved = before.nextCounter(9n);
    expect(saved).toBe(2n);
    // A restart: a new context resumes where the old one stopped instead of reusing CTR 0.
    const after = new SFrameContext();
    after.addKey(9n, base, "encrypt", { counter: saved });
    const c = await after.encrypt(9n, new Uint8Array(0), hex("cc"));
    expect(readSFrameHeader(c).ctr).toBe(2n);
    expect(after.nextCounter(9n)).toBe(3n);
    const rx = new SFrameContext();
    rx.addKey(9n, base, "decrypt");
    expect(toHex(await rx.decrypt(new Uint8Array(0), c))).toBe("cc");
    // The last counter is usable once; beyond it the key is exhausted.
    const last = new SFrameContext();
    last.addKey(1n, base, "encrypt", { counter: (1n << 64n) - 1n });
    await last.encrypt(1n, new Uint8Array(0), hex("dd"));
    await expect(last.encrypt(1n, new Uint8Array(0), hex("ee"))).rejects.toThrow(/CTR space/);
    expect(() => new SFrameContext().addKey(2n, base, "encrypt", { counter: 1n << 64n })).toThrow(RangeError);
    expect(() => new SFrameContext().addKey(2n, base, "encrypt", { counter: -1n })).toThrow(RangeError);
    expect(() => new SFrameContext().addKey(2n, base, "decrypt", { counter: 5n })).toThrow(RangeError);
    expect(() => rx.nextCounter(9n)).toThrow(/no encryption key/);
  });
});
