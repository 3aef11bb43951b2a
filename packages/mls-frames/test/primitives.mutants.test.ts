/**
 * Boundaries and rejection reasons of the SFrame primitives (aead, clear-prefix, mls-kid, sframe,
 * replay-window, sframe-context, epoch-keys, cipher-suite, bytes), written for the survivors of
 * mutation testing (`pnpm mutate`, repo README "Mutation testing"): each test feeds an input that
 * one wrong comparison or one missing check would treat differently.
 */
import { describe, expect, it, vi } from "vitest";
import { bufferSource, constantTimeEqual } from "../src/bytes.ts";
import {
  CipherSuite,
  cipherSuiteParams,
  clearPrefixLength,
  createSFrameKey,
  decodeMlsKid,
  deriveEpochKeys,
  encodeMlsKid,
  importAeadKey,
  isVp8Keyframe,
  memberLeaves,
  parseCodec,
  ReplayWindow,
  SFrameContext,
  sealSFrame,
  senderIndexBits,
  UnsupportedCodecError,
} from "../src/index.ts";
import { openSFrame, readSFrameHeader, sframeNonce } from "../src/sframe-entry.ts";
import { toHex } from "./helpers.ts";

const EMPTY = new Uint8Array(0);

describe("cipher suites", () => {
  it("the constants of RFC 9605 Table 2 (§4.5) under the §8.1 names; no other id", () => {
    const ctr = (id: number, name: string, Nt: number) => ({
      id,
      name,
      aead: "AES-CTR-HMAC",
      hash: "SHA-256",
      Nh: 32,
      Nka: 16,
      Nk: 48,
      Nn: 12,
      Nt,
    });
    expect([1, 2, 3, 4, 5].map((id) => cipherSuiteParams(id))).toEqual([
      ctr(1, "AES_128_CTR_HMAC_SHA256_80", 10),
      ctr(2, "AES_128_CTR_HMAC_SHA256_64", 8),
      ctr(3, "AES_128_CTR_HMAC_SHA256_32", 4),
      {
        id: 4,
        name: "AES_128_GCM_SHA256_128",
        aead: "AES-GCM",
        hash: "SHA-256",
        Nh: 32,
        Nka: 0,
        Nk: 16,
        Nn: 12,
        Nt: 16,
      },
      {
        id: 5,
        name: "AES_256_GCM_SHA512_128",
        aead: "AES-GCM",
        hash: "SHA-512",
        Nh: 64,
        Nka: 0,
        Nk: 32,
        Nn: 12,
        Nt: 16,
      },
    ]);
    for (const [name, id] of Object.entries(CipherSuite)) expect(cipherSuiteParams(id).name).toBe(name);
    for (const bad of [0, 6, 0xffff]) expect(() => cipherSuiteParams(bad)).toThrow(RangeError);
  });
});

describe("AEAD keys", () => {
  it("refuses a key one byte short or long for every suite", async () => {
    for (const id of Object.values(CipherSuite)) {
      const p = cipherSuiteParams(id);
      await expect(importAeadKey(p, new Uint8Array(p.Nk - 1))).rejects.toThrow(RangeError);
      await expect(importAeadKey(p, new Uint8Array(p.Nk + 1))).rejects.toThrow(RangeError);
      await expect(importAeadKey(p, new Uint8Array(p.Nk))).resolves.toBeDefined();
    }
  });

  it("open returns null for a ciphertext shorter than the tag, and accepts a tag-only (empty) frame", async () => {
    for (const id of Object.values(CipherSuite)) {
      const p = cipherSuiteParams(id);
      for (const syncMaxBytes of [0, Number.POSITIVE_INFINITY]) {
        const k = await importAeadKey(p, new Uint8Array(p.Nk).fill(3), { syncMaxBytes });
        const nonce = new Uint8Array(p.Nn).fill(1);
        const sealed = await k.seal(nonce, EMPTY, EMPTY);
        expect(sealed.length).toBe(p.Nt);
        expect(await k.open(nonce, EMPTY, sealed)).toEqual(EMPTY);
        expect(await k.open(nonce, EMPTY, sealed.subarray(1))).toBeNull();
        expect(await k.open(nonce, EMPTY, EMPTY)).toBeNull();
      }
    }
  });

  it("AES-CTR+HMAC: the tag covers the lengths, so moving a byte from aad to ciphertext fails", async () => {
    const p = cipherSuiteParams(CipherSuite.AES_128_CTR_HMAC_SHA256_80);
    const k = await importAeadKey(
      p,
      new Uint8Array(p.Nk).map((_, i) => i),
    );
    const nonce = new Uint8Array(12).fill(7);
    const ct = await k.seal(nonce, Uint8Array.of(1, 2), Uint8Array.of(9, 9, 9));
    expect(toHex((await k.open(nonce, Uint8Array.of(1, 2), ct)) as Uint8Array)).toBe("090909");
    expect(await k.open(nonce, Uint8Array.of(1), ct)).toBeNull();
    // A different nonce: the tag (and the counter block) change.
    expect(await k.open(new Uint8Array(12).fill(8), Uint8Array.of(1, 2), ct)).toBeNull();
    // A key differing in the HMAC half fails; one differing only in the AES half authenticates
    // (encrypt-then-MAC) but decrypts to other bytes.
    const otherMac = new Uint8Array(p.Nk).map((_, i) => i);
    otherMac[p.Nk - 1] = 0xff;
    const k2 = await importAeadKey(p, otherMac);
    expect(await k2.open(nonce, Uint8Array.of(1, 2), ct)).toBeNull();
    const otherAes = new Uint8Array(p.Nk).map((_, i) => i);
    otherAes[0] = 0xff;
    const k3 = await importAeadKey(p, otherAes);
    const wrong = await k3.open(nonce, Uint8Array.of(1, 2), ct);
    expect(wrong?.length).toBe(3);
    expect(toHex(wrong as Uint8Array)).not.toBe("090909");
  });

  it("without WebCrypto, importing a key fails with a plain Error (not a TypeError from deep inside)", async () => {
    try {
      for (const [id, crypto] of [
        [1, {}],
        [4, {}],
        [4, undefined],
      ] as const) {
        vi.stubGlobal("crypto", crypto);
        const p = cipherSuiteParams(id);
        const err = await importAeadKey(p, new Uint8Array(p.Nk)).catch((e: unknown) => e);
        expect((err as Error).constructor).toBe(Error);
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("the synchronous GCM path reports a bad nonce as a rejection, not a throw", async () => {
    const p = cipherSuiteParams(4);
    const k = await importAeadKey(p, new Uint8Array(16), { syncMaxBytes: Number.POSITIVE_INFINITY });
    const bad = k.seal(EMPTY, EMPTY, Uint8Array.of(1));
    await expect(bad).rejects.toBeDefined();
    expect(await k.open(EMPTY, EMPTY, new Uint8Array(20))).toBeNull();
  });
});

describe("AEAD paths: which frames go to WebCrypto", () => {
  const subtle = globalThis.crypto.subtle;
  const p4 = cipherSuiteParams(4);
  const nonce = new Uint8Array(12).fill(4);

  async function webCalls(
    f: () => Promise<unknown>,
  ): Promise<{ encrypt: number; decrypt: number; sign: number }> {
    const encrypt = vi.spyOn(subtle, "encrypt");
    const decrypt = vi.spyOn(subtle, "decrypt");
    const sign = vi.spyOn(subtle, "sign");
    try {
      await f();
      return {
        encrypt: encrypt.mock.calls.length,
        decrypt: decrypt.mock.calls.length,
        sign: sign.mock.calls.length,
      };
    } finally {
      vi.restoreAllMocks();
    }
  }

  it("GCM frames up to syncMaxBytes stay off WebCrypto, one byte more goes to it (seal: plaintext, open: ciphertext)", async () => {
    const k = await importAeadKey(p4, new Uint8Array(16).fill(1), { syncMaxBytes: 40 });
    const at = await k.seal(nonce, EMPTY, new Uint8Array(40));
    const over = await k.seal(nonce, EMPTY, new Uint8Array(41));
    expect(await webCalls(() => k.seal(nonce, EMPTY, new Uint8Array(40)))).toEqual({
      encrypt: 0,
      decrypt: 0,
      sign: 0,
    });
    expect(await webCalls(() => k.seal(nonce, EMPTY, new Uint8Array(41)))).toEqual({
      encrypt: 1,
      decrypt: 0,
      sign: 0,
    });
    // at: 56 bytes of ciphertext, over the limit of 40: WebCrypto; a 40-byte ciphertext: noble.
    expect(await webCalls(() => k.open(nonce, EMPTY, at))).toEqual({ encrypt: 0, decrypt: 1, sign: 0 });
    expect(await webCalls(() => k.open(nonce, EMPTY, over))).toEqual({ encrypt: 0, decrypt: 1, sign: 0 });
    const small = await k.seal(nonce, EMPTY, new Uint8Array(24));
    expect(small.length).toBe(40);
    expect(await webCalls(() => k.open(nonce, EMPTY, small))).toEqual({ encrypt: 0, decrypt: 0, sign: 0 });
    // A bad tag on the sync path is a null there, without a second try on WebCrypto.
    const bad = small.slice();
    bad[0] = (bad[0] as number) ^ 1;
    let result: unknown = "unset";
    expect(await webCalls(async () => (result = await k.open(nonce, EMPTY, bad)))).toEqual({
      encrypt: 0,
      decrypt: 0,
      sign: 0,
    });
    expect(result).toBeNull();
  });

  it("syncMaxBytes 0 sends every GCM frame, even an empty one, to WebCrypto; the default split keeps small ones off it", async () => {
    const web = await importAeadKey(p4, new Uint8Array(16), { syncMaxBytes: 0 });
    expect(await webCalls(() => web.seal(nonce, EMPTY, EMPTY))).toEqual({ encrypt: 1, decrypt: 0, sign: 0 });
    const tagOnly = await web.seal(nonce, EMPTY, EMPTY);
    expect(await webCalls(() => web.open(nonce, EMPTY, tagOnly))).toEqual({
      encrypt: 0,
      decrypt: 1,
      sign: 0,
    });
    const split = await importAeadKey(p4, new Uint8Array(16));
    expect(await webCalls(() => split.seal(nonce, EMPTY, new Uint8Array(100)))).toEqual({
      encrypt: 0,
      decrypt: 0,
      sign: 0,
    });
  });

  it("a ciphertext shorter than the tag is refused before any crypto; a failed sync seal is not retried on WebCrypto", async () => {
    const web = await importAeadKey(p4, new Uint8Array(16), { syncMaxBytes: 0 });
    expect(await webCalls(() => web.open(nonce, EMPTY, new Uint8Array(15)))).toEqual({
      encrypt: 0,
      decrypt: 0,
      sign: 0,
    });
    const p1 = cipherSuiteParams(1);
    const ctr = await importAeadKey(p1, new Uint8Array(p1.Nk));
    expect(await webCalls(() => ctr.open(nonce, EMPTY, new Uint8Array(p1.Nt - 1)))).toEqual({
      encrypt: 0,
      decrypt: 0,
      sign: 0,
    });
    const sync = await importAeadKey(p4, new Uint8Array(16), { syncMaxBytes: Number.POSITIVE_INFINITY });
    expect(
      await webCalls(() =>
        sync.seal(EMPTY, EMPTY, Uint8Array.of(1)).catch(() => {
          /* refused: a GCM nonce cannot be empty */
        }),
      ),
    ).toEqual({ encrypt: 0, decrypt: 0, sign: 0 });
  });
});

describe("codecs and clear prefixes", () => {
  it("parses names and MIME types, case and space insensitive", () => {
    expect(parseCodec("VP8")).toBe("vp8");
    expect(parseCodec("video/VP9")).toBe("vp9");
    expect(parseCodec(" audio/Opus ")).toBe("opus");
    expect(parseCodec("video/ vp8")).toBe("vp8");
    expect(parseCodec("/VP8")).toBe("vp8");
    expect(() => parseCodec(7 as unknown as string)).toThrow(TypeError);
  });

  it("refuses H.264 spelled with punctuation, naming the codec", () => {
    for (const [input, name] of [
      ["video/H.264", "h.264"],
      ["H264", "h264"],
      ["video/AV1", "av1"],
      ["video/H265", "h265"],
      ["video/theora", "theora"],
      ["vp8/", ""],
    ] as const) {
      let err: unknown;
      try {
        parseCodec(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedCodecError);
      expect((err as UnsupportedCodecError).codec).toBe(name);
    }
  });

  it("VP8 keyframe: bit 0 of byte 0 clear; an empty frame is not a keyframe", () => {
    expect(isVp8Keyframe(EMPTY)).toBe(false);
    expect(isVp8Keyframe(Uint8Array.of(0x00))).toBe(true);
    expect(isVp8Keyframe(Uint8Array.of(0xfe))).toBe(true);
    expect(isVp8Keyframe(Uint8Array.of(0x01))).toBe(false);
    expect(clearPrefixLength("vp8", Uint8Array.of(0x00))).toBe(10);
    expect(clearPrefixLength("vp8", Uint8Array.of(0x01))).toBe(1);
    expect(clearPrefixLength("vp8", EMPTY)).toBe(1);
    expect(clearPrefixLength("vp9", Uint8Array.of(0x00))).toBe(0);
    expect(clearPrefixLength("opus", Uint8Array.of(0x00))).toBe(0);
  });
});

describe("MLS KIDs", () => {
  it("S is the smallest width holding the largest leaf index, in any order", () => {
    expect(senderIndexBits([])).toBe(0);
    expect(senderIndexBits([1])).toBe(1);
    expect(senderIndexBits([2])).toBe(2);
    expect(senderIndexBits([3])).toBe(2);
    expect(senderIndexBits([4])).toBe(3);
    expect(senderIndexBits([7, 0, 2])).toBe(3);
    expect(senderIndexBits([8, 1])).toBe(4);
  });

  it("rejects an index outside its field, a negative or fractional index, a negative context", () => {
    expect(encodeMlsKid(0n, 3, 0n, 2)).toBe(3n << 4n);
    expect(() => encodeMlsKid(0n, 4, 0n, 2)).toThrow(RangeError);
    expect(encodeMlsKid(0n, 0, 0n, 0)).toBe(0n);
    expect(() => encodeMlsKid(0n, 1, 0n, 0)).toThrow(RangeError);
    expect(() => encodeMlsKid(0n, -1, 0n, 3)).toThrow(RangeError);
    expect(() => encodeMlsKid(0n, 1.5, 0n, 3)).toThrow(RangeError);
    expect(() => encodeMlsKid(-1n, 0, 0n, 3)).toThrow(RangeError);
    expect(encodeMlsKid(0n, 0, 0n, 3)).toBe(0n);
  });

  it("keeps only the epoch's low E bits and refuses a KID of 2^64", () => {
    expect(encodeMlsKid(0n, 0, 0x1fn, 0)).toBe(0xfn);
    expect(encodeMlsKid(0n, 0, 0x1fn, 0, 2)).toBe(0x3n);
    expect(encodeMlsKid(1n, 1, 5n, 1, 2)).toBe((1n << 3n) + (1n << 2n) + 1n);
    // context << (S + E): with S = 0, E = 4 the largest context is 2^60 - 1.
    expect(encodeMlsKid((1n << 60n) - 1n, 0, 15n, 0)).toBe((1n << 64n) - 1n);
    expect(() => encodeMlsKid(1n << 60n, 0, 0n, 0)).toThrow(RangeError);
    expect(decodeMlsKid((1n << 64n) - 1n, 0)).toEqual({
      context: (1n << 60n) - 1n,
      senderIndex: 0,
      epochLow: 15,
    });
    expect(decodeMlsKid(0b1_10_11n, 2, 2)).toEqual({ context: 1n, senderIndex: 2, epochLow: 3 });
    expect(decodeMlsKid(0b1_10_0011n, 2)).toEqual({ context: 1n, senderIndex: 2, epochLow: 3 });
  });
});

describe("SFrame nonce and seal", () => {
  it("XORs the CTR big-endian into the salt, on both sides of 2^53", () => {
    const salt = new Uint8Array(12).fill(0xff);
    expect(toHex(sframeNonce(salt, 0n))).toBe("ff".repeat(12));
    expect(toHex(sframeNonce(salt, 0x0102n))).toBe(`${"ff".repeat(10)}fefd`);
    const max = (1n << 53n) - 1n;
    expect(toHex(sframeNonce(salt, max))).toBe(`${"ff".repeat(5)}e0000000000000`);
    expect(toHex(sframeNonce(salt, 1n << 53n))).toBe(`${"ff".repeat(5)}dfffffffffffff`);
    expect(toHex(sframeNonce(salt, (1n << 64n) - 1n))).toBe(`${"ff".repeat(4)}${"00".repeat(8)}`);
    expect(toHex(sframeNonce(new Uint8Array(12), 0x0102030405060708n))).toBe(
      `${"00".repeat(4)}0102030405060708`,
    );
    // The salt is not modified.
    expect(toHex(salt)).toBe("ff".repeat(12));
  });

  it("sealSFrame takes CTR 0 and 2^64 - 1, refuses -1 and 2^64, and opens what it sealed", async () => {
    const key = await createSFrameKey(4, 5n, new Uint8Array(16).fill(1));
    for (const ctr of [0n, (1n << 64n) - 1n]) {
      const prefix = Uint8Array.of(0xaa, 0xbb);
      const out = await sealSFrame(key, ctr, Uint8Array.of(1), Uint8Array.of(2, 3), prefix);
      expect(toHex(out.subarray(0, 2))).toBe("aabb");
      const h = readSFrameHeader(out, 2);
      expect(h.kid).toBe(5n);
      expect(h.ctr).toBe(ctr);
      const header = out.subarray(2, 2 + h.length);
      const pt = await openSFrame(key, ctr, header, Uint8Array.of(1), out.subarray(2 + h.length));
      expect(toHex(pt as Uint8Array)).toBe("0203");
      expect(await openSFrame(key, ctr, header, Uint8Array.of(2), out.subarray(2 + h.length))).toBeNull();
    }
    await expect(sealSFrame(key, -1n, EMPTY, EMPTY)).rejects.toThrow(RangeError);
    await expect(sealSFrame(key, 1n << 64n, EMPTY, EMPTY)).rejects.toThrow(RangeError);
  });

  it("createSFrameKey derives per KID: a frame sealed under one KID does not open under another", async () => {
    const base = new Uint8Array(16).fill(2);
    const a = await createSFrameKey(4, 1n, base);
    const b = await createSFrameKey(4, 2n, base);
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
    const out = await sealSFrame(a, 0n, EMPTY, Uint8Array.of(1));
    const h = readSFrameHeader(out);
    expect(await openSFrame(b, 0n, out.subarray(0, h.length), EMPTY, out.subarray(h.length))).toBeNull();
  });
});

describe("ReplayWindow edges", () => {
  it("sizes 1 and 4096 are valid; 0, 4097 and fractions are not", () => {
    expect(new ReplayWindow(1).size).toBe(1);
    expect(new ReplayWindow(4096).size).toBe(4096);
    expect(new ReplayWindow().size).toBe(256);
    for (const bad of [0, 4097, 1.5, -1, Number.NaN]) expect(() => new ReplayWindow(bad)).toThrow(RangeError);
  });

  it("accepting a CTR below the window changes nothing (its ring slot belongs to a live CTR)", () => {
    const w = new ReplayWindow(4);
    w.accept(10n);
    expect(w.check(9n)).toBe("fresh");
    w.accept(5n); // too old: slot 5 mod 4 = 1 is CTR 9's
    expect(w.check(9n)).toBe("fresh");
    expect(w.check(6n)).toBe("too-old");
    expect(w.check(7n)).toBe("fresh");
  });

  it("a jump of size - 1 keeps the newest old CTRs; negative CTRs are out of range", () => {
    const w = new ReplayWindow(4);
    w.accept(0n);
    w.accept(1n);
    w.accept(4n); // jump of 3 < size: slots of 2 and 3 cleared, 1 kept
    expect(w.check(1n)).toBe("replay");
    expect(w.check(2n)).toBe("fresh");
    expect(w.check(3n)).toBe("fresh");
    expect(w.check(0n)).toBe("too-old");
    expect(w.check(-1n)).toBe("out-of-range");
    expect(() => w.accept(-1n)).toThrow(RangeError);
    const big = new ReplayWindow(64);
    big.accept(40n);
    big.accept(70n);
    expect(big.check(40n)).toBe("replay");
    expect(big.check(39n)).toBe("fresh");
    expect(big.check(6n)).toBe("too-old");
    expect(big.check(7n)).toBe("fresh");
  });
});

describe("SFrameContext misuse", () => {
  it("an encryption key cannot decrypt, a removed key is gone, a non-bigint counter is refused", async () => {
    const base = new Uint8Array(16).fill(5);
    const ctx = new SFrameContext(4);
    expect(ctx.suite).toBe(4);
    ctx.addKey(1n, base, "encrypt", { counter: 0n });
    const frame = await ctx.encrypt(1n, EMPTY, Uint8Array.of(1));
    await expect(ctx.decrypt(EMPTY, frame)).rejects.toMatchObject({ code: "unknown-kid" });
    expect(() => ctx.nextCounter(2n)).toThrow(expect.objectContaining({ code: "unknown-kid" }));
    ctx.removeKey(1n);
    expect(() => ctx.nextCounter(1n)).toThrow(/no encryption key/);
    await expect(ctx.encrypt(1n, EMPTY, EMPTY)).rejects.toMatchObject({ code: "unknown-kid" });
    expect(() => ctx.addKey(1n, base, "encrypt", { counter: 1 as unknown as bigint })).toThrow(RangeError);
    ctx.addKey(1n, base, "decrypt", { counter: 0n });
    expect(toHex(await ctx.decrypt(EMPTY, frame))).toBe("01");
    expect(new SFrameContext().suite).toBe(4);
    // A frame under a KID nobody registered: the same coded refusal.
    await expect(new SFrameContext().decrypt(EMPTY, frame)).rejects.toMatchObject({ code: "unknown-kid" });
    const last = new SFrameContext();
    last.addKey(3n, base, "encrypt", { counter: (1n << 64n) - 1n });
    await last.encrypt(3n, EMPTY, EMPTY);
    await expect(last.encrypt(3n, EMPTY, EMPTY)).rejects.toMatchObject({ code: "ctr-exhausted" });
  });
});

describe("epoch keys", () => {
  it("memberLeaves lists leaf nodes only, skipping blanks (leaf i is node 2i)", () => {
    const tree = [
      { nodeType: "leaf" },
      { nodeType: "parent" },
      undefined,
      { nodeType: "parent" },
      { nodeType: "leaf" },
      undefined,
      { nodeType: "leaf" },
    ];
    expect(memberLeaves({ ratchetTree: tree } as never)).toEqual([0, 2, 3]);
    expect(memberLeaves({ ratchetTree: [] } as never)).toEqual([]);
  });

  it("an exporter returning the wrong length or a non-Uint8Array is refused", async () => {
    const src = (v: unknown) => ({
      epoch: 1n,
      mlsSuite: 1,
      ownLeaf: 0,
      leaves: [0],
      exporter: async () => v as Uint8Array,
    });
    await expect(deriveEpochKeys(src(new Uint8Array(15)))).rejects.toThrow(RangeError);
    await expect(deriveEpochKeys(src(new Uint8Array(17)))).rejects.toThrow(RangeError);
    await expect(deriveEpochKeys(src(Array.from({ length: 16 }, () => 0)))).rejects.toThrow(RangeError);
    await expect(deriveEpochKeys(src(undefined))).rejects.toThrow(RangeError);
    expect((await deriveEpochKeys(src(new Uint8Array(16)))).suite).toBe(4);
    await expect(deriveEpochKeys({ ...src(new Uint8Array(16)), mlsSuite: 3 })).rejects.toThrow(RangeError);
  });
});

describe("suites and bytes", () => {
  it("suite ids 0 and 6 are not RFC 9605 suites", () => {
    expect(() => cipherSuiteParams(0)).toThrow(RangeError);
    expect(() => cipherSuiteParams(6)).toThrow(RangeError);
    expect(cipherSuiteParams(1).Nt).toBe(10);
    // aead.ts relies on it: every AES-GCM suite has a 16-byte tag (WebCrypto's default, noble's only).
    for (const id of Object.values(CipherSuite)) {
      const p = cipherSuiteParams(id);
      if (p.aead === "AES-GCM") expect(p.Nt).toBe(16);
    }
  });

  it("constantTimeEqual: equal, one byte off at each end, a prefix", () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(0, 2, 3), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 2))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(constantTimeEqual(EMPTY, EMPTY)).toBe(true);
  });

  it("bufferSource copies a SharedArrayBuffer view and passes an ArrayBuffer view through", () => {
    const plain = Uint8Array.of(1, 2);
    expect(bufferSource(plain)).toBe(plain);
    const shared = new Uint8Array(new SharedArrayBuffer(2));
    shared[0] = 7;
    const copy = bufferSource(shared);
    expect(copy).not.toBe(shared);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect(toHex(copy)).toBe("0700");
  });
});
