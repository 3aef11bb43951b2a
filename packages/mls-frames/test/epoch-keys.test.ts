/**
 * `EpochKeys` carries its SFrame suite (epoch-keys.ts, suite-mapping.ts): the suite is a function of the
 * MLS suite, the base key length always matches it, and a cryptor follows the suite epoch by epoch.
 */
import { describe, expect, it } from "vitest";
import { deriveEpochKeys, FrameCryptor, sframeSuiteForMls } from "../src/index.ts";
import { randomBytes } from "./helpers.ts";

describe("EpochKeys and suites", () => {
  it("maps MLS suites to SFrame suites by AEAD", () => {
    expect(sframeSuiteForMls(1)).toBe(4);
    expect(sframeSuiteForMls(83)).toBe(5);
    expect(sframeSuiteForMls(77)).toBe(4);
    for (const chacha of [3, 6, 84, 0, 999]) expect(() => sframeSuiteForMls(chacha)).toThrow(RangeError);
  });

  it("every AES-GCM MLS suite (RFC 9420 §17.1 and ts-mls's post-quantum ids) by its AES key size; no other", () => {
    const want: Record<number, number> = {
      1: 4, // MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
      2: 4, // MLS_128_DHKEMP256_AES128GCM_SHA256_P256
      4: 5, // MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
      5: 5, // MLS_256_DHKEMP521_AES256GCM_SHA512_P521
      7: 5, // MLS_256_DHKEMP384_AES256GCM_SHA384_P384
      77: 4, // MLS_128_MLKEM512_AES128GCM_SHA256_Ed25519
      79: 5, // MLS_256_MLKEM768_AES256GCM_SHA384_Ed25519
      81: 5, // MLS_256_MLKEM1024_AES256GCM_SHA512_Ed25519
      83: 5, // MLS_256_XWING_AES256GCM_SHA512_Ed25519
      85: 5, // MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87
      87: 5, // MLS_256_XWING_AES256GCM_SHA512_MLDSA87
    };
    for (let id = 0; id < 0x100; id++) {
      if (want[id] !== undefined) expect(sframeSuiteForMls(id), `MLS suite ${id}`).toBe(want[id]);
      else expect(() => sframeSuiteForMls(id), `MLS suite ${id}`).toThrow(RangeError);
    }
    expect(() => sframeSuiteForMls(0xf00d)).toThrow(RangeError); // X-Wing's id in ts-mls 2.0
  });

  it("deriveEpochKeys exports Nk(suite) bytes once, with the sorted roster", async () => {
    const calls: [string, number][] = [];
    const keys = await deriveEpochKeys({
      epoch: 9n,
      mlsSuite: 83,
      ownLeaf: 2,
      leaves: [2, 0, 5],
      exporter: async (label, context, length) => {
        expect(context.length).toBe(0);
        calls.push([label, length]);
        return new Uint8Array(length).fill(7);
      },
    });
    expect(calls).toEqual([["SFrame 1.0 Base Key", 32]]);
    expect(keys).toEqual({
      epoch: 9n,
      suite: 5,
      baseKey: new Uint8Array(32).fill(7),
      ownLeaf: 2,
      leaves: [0, 2, 5],
    });
    await expect(
      deriveEpochKeys({
        epoch: 1n,
        mlsSuite: 1,
        ownLeaf: 0,
        leaves: [0],
        exporter: async () => new Uint8Array(32),
      }),
    ).rejects.toThrow(RangeError);
  });

  it("a cryptor takes the suite from the keys, per epoch, and refuses a key of the wrong length", async () => {
    const k4 = randomBytes(16);
    const k5 = randomBytes(32);
    const a = new FrameCryptor();
    const b = new FrameCryptor();
    expect(() => a.setEpoch({ epoch: 1n, suite: 5, baseKey: k4, ownLeaf: 0, leaves: [0, 1] })).toThrow(
      RangeError,
    );
    a.setEpoch({ epoch: 1n, suite: 4, baseKey: k4, ownLeaf: 0, leaves: [0, 1] });
    b.setEpoch({ epoch: 1n, suite: 4, baseKey: k4, ownLeaf: 1, leaves: [0, 1] });
    const f1 = await a.encryptFrame(randomBytes(50), "opus");
    a.setEpoch({ epoch: 2n, suite: 5, baseKey: k5, ownLeaf: 0, leaves: [0, 1] });
    b.setEpoch({ epoch: 2n, suite: 5, baseKey: k5, ownLeaf: 1, leaves: [0, 1] });
    expect(a.suite).toBe(5);
    const f2 = await a.encryptFrame(randomBytes(50), "opus");
    if (!f1.ok || !f2.ok) throw new Error("encrypt");
    // Both epochs decrypt, each under its own suite (the old one during its grace period).
    expect((await b.decryptFrame(f2.data, "opus")).ok).toBe(true);
    expect((await b.decryptFrame(f1.data, "opus")).ok).toBe(true);
  });
});
