/**
 * Key package validation (issue #5): the credential identity must equal the room-assigned member id, the
 * lifetime must be current and short, the signature must verify, the suite must be suite 1.
 */
import { decodeMlsMessage, encodeMlsMessage, type KeyPackage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import {
  isLifetimeSane,
  issueLifetime,
  MAX_KEY_PACKAGE_LIFETIME_SECONDS,
} from "../src/key-package-policy.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";

let engine: TsMlsEngine;
const NOW = 1_800_000_000;
const N = BigInt(NOW);
beforeAll(async () => {
  engine = await TsMlsEngine.create({ now: () => NOW });
});

function edit(bytes: Uint8Array, f: (kp: KeyPackage) => void): Uint8Array {
  const [m] = decodeMlsMessage(bytes, 0)!;
  if (m.wireformat !== "mls_key_package") throw new Error("kp");
  const kp = structuredClone(m.keyPackage);
  f(kp);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp });
}

describe("key package policy", () => {
  it("accepts our own key package for the right member only", async () => {
    const { keyPackage } = await engine.generateKeyPackage("alice");
    expect(await engine.validateKeyPackage(keyPackage, "alice")).toBe(true);
    expect(await engine.validateKeyPackage(keyPackage, "bob")).toBe(false);
  });

  it("rejects a tampered signature, an expired or future package, trailing bytes and garbage", async () => {
    const { keyPackage } = await engine.generateKeyPackage("alice");
    const badSig = edit(keyPackage, (kp) => {
      kp.signature[0]! ^= 1;
    });
    expect(await engine.validateKeyPackage(badSig, "alice")).toBe(false);
    const swappedName = edit(keyPackage, (kp) => {
      kp.leafNode.credential = { credentialType: "basic", identity: new TextEncoder().encode("bob") };
    });
    expect(await engine.validateKeyPackage(swappedName, "bob")).toBe(false); // signature covers the credential
    const later = await TsMlsEngine.create({ now: () => NOW + 2 * 86_400 });
    expect(await later.validateKeyPackage(keyPackage, "alice")).toBe(false);
    const earlier = await TsMlsEngine.create({ now: () => NOW - 3600 });
    expect(await earlier.validateKeyPackage(keyPackage, "alice")).toBe(false);
    expect(await engine.validateKeyPackage(Uint8Array.of(...keyPackage, 0), "alice")).toBe(false);
    expect(await engine.validateKeyPackage(Uint8Array.of(0, 1, 0, 5), "alice")).toBe(false);
  });

  it("lifetime rules", () => {
    const l = issueLifetime(NOW);
    expect(isLifetimeSane(l, NOW)).toBe(true);
    expect(
      isLifetimeSane({ notBefore: N, notAfter: N + BigInt(MAX_KEY_PACKAGE_LIFETIME_SECONDS) + 1n }, NOW),
    ).toBe(false);
    expect(isLifetimeSane({ notBefore: N, notAfter: N - 1n }, NOW)).toBe(false);
    expect(isLifetimeSane({ notBefore: 0n, notAfter: 2n ** 63n - 1n }, NOW)).toBe(false); // ts-mls default
  });
});
