import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ed25519, ed25519Precheck, generateEd25519KeyPair, verifyEd25519 } from "../src/note.ts";
import { ed25519Cases } from "./ed25519-vectors.ts";

const cases = ed25519Cases();
const SPKI = Buffer.from("302a300506032b6570032100", "hex");
function openssl(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: "der", type: "spki" });
    return nodeVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

describe("Ed25519: one verification rule (Go / BoringSSL / OpenSSL)", () => {
  it("covers every flag of the CCTV and speccheck vectors, valid and invalid", () => {
    expect(cases.length).toBe(12 + 914);
    const flags = new Set(cases.flatMap((c) => c.flags));
    for (const f of [
      "low_order_A",
      "low_order_R",
      "low_order_component_A",
      "low_order_component_R",
      "low_order_residue",
      "non_canonical_A",
      "non_canonical_R",
      "reencoded_k",
    ])
      expect(flags.has(f)).toBe(true);
    // 44 accepted (mixed-order A and R whose small-order parts cancel cofactorless), 882 refused.
    expect(cases.filter((c) => c.valid).length).toBe(44);
    expect(cases.filter((c) => c.valid && c.flags.includes("low_order_component_A")).length).toBe(42);
    expect(cases.filter((c) => c.go && !c.valid).length).toBe(4 + 165);
  });

  it("verifyEd25519 (the @noble point-arithmetic path) gives the expected verdict on every vector", () => {
    const wrong = cases.filter((c) => verifyEd25519(c.signature, c.message, c.publicKey) !== c.valid);
    expect(wrong.map((c) => c.name)).toEqual([]);
    // Past the precheck, the verdict is exactly Go's (cofactorless, R compared as bytes).
    const past = cases.filter((c) => ed25519Precheck(c.signature, c.publicKey));
    expect(past.length).toBeGreaterThan(100);
    for (const c of past) expect(verifyEd25519(c.signature, c.message, c.publicKey)).toBe(c.go);
  });

  it("node:crypto (OpenSSL 3.5, no precheck) agrees on every vector", () => {
    const wrong = cases.filter((c) => openssl(c.signature, c.message, c.publicKey) !== c.valid);
    expect(wrong.map((c) => c.name)).toEqual([]);
  });

  it("S >= L is refused even when S - L would verify; honest signatures verify", () => {
    const { secretKey, publicKey } = generateEd25519KeyPair(new Uint8Array(32).fill(5));
    const msg = new TextEncoder().encode("sealroom");
    const sig = ed25519().sign(msg, secretKey);
    expect(verifyEd25519(sig, msg, publicKey)).toBe(true);
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] as number);
    const big = sig.slice();
    let t = s + L;
    for (let i = 32; i < 64; i++, t >>= 8n) big[i] = Number(t & 0xffn);
    expect(verifyEd25519(big, msg, publicKey)).toBe(false);
    expect(openssl(big, msg, publicKey)).toBe(false);
    for (const bad of [sig.subarray(0, 63), new Uint8Array(65)])
      expect(verifyEd25519(bad, msg, publicKey)).toBe(false);
  });
});
