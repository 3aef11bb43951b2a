/** The two Ed25519 backends agree (WebCrypto vs @noble via prefix-tree), and agree with node:crypto. */
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { ed25519, generateEd25519KeyPair } from "@sealroom/prefix-tree";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasWebCryptoEd25519, verifyEd25519 } from "../src/ed25519.ts";
import { nodeEd25519 } from "../src/ed25519-node.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { makeWorld, optionsFor } from "./helpers/world.ts";

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
function nodeCheck(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from([...SPKI_PREFIX, ...pub]), format: "der", type: "spki" });
    return nodeVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

describe("Ed25519 backends", () => {
  it("a custom verifier that throws or answers non-true counts as invalid", async () => {
    const sig = new Uint8Array(64);
    const pk = new Uint8Array(32);
    const msg = new Uint8Array(1);
    expect(
      await verifyEd25519(sig, msg, pk, () => {
        throw new Error("boom");
      }),
    ).toBe(false);
    expect(await verifyEd25519(sig, msg, pk, () => 1 as unknown as boolean)).toBe(false);
    expect(await verifyEd25519(sig, msg, pk, async () => true)).toBe(true);
    expect(nodeEd25519(sig, msg, new Uint8Array(31))).toBe(false);
  });
  it("WebCrypto Ed25519 is available in this Node", async () => {
    expect(await hasWebCryptoEd25519()).toBe(true);
  });
  it("agree with each other and with node:crypto on valid and corrupted signatures", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.constantFrom("none", "sig", "msg", "key"),
        fc.nat(63),
        async (seed, msg, corrupt, at) => {
          const { secretKey, publicKey } = generateEd25519KeyPair(seed);
          const sig = ed25519().sign(msg, secretKey);
          const s = sig.slice();
          const m = new Uint8Array([...msg, 0]);
          const p = publicKey.slice();
          if (corrupt === "sig") s[at] = s[at]! ^ 0x10;
          if (corrupt === "key") p[at % 32] = p[at % 32]! ^ 0x10;
          const mm = corrupt === "msg" ? m : msg;
          const w = await verifyEd25519(s, mm, p, "webcrypto");
          const n = await verifyEd25519(s, mm, p, "noble");
          const o = await verifyEd25519(s, mm, p, nodeEd25519);
          expect(w).toBe(n);
          expect(o).toBe(n);
          expect(w).toBe(nodeCheck(s, mm, p));
          expect(w).toBe(corrupt === "none");
        },
      ),
      { numRuns: 150 },
    );
  });
  it.each([
    ["noble", "noble"],
    ["node:crypto", nodeEd25519],
  ] as const)("verifyTransparency gives the same answers with the %s backend", async (_name, backend) => {
    const w = makeWorld({ leaves: 16 });
    const ok = await verifyTransparency(w.response, optionsFor(w, { ed25519: backend, quorum: 3 }));
    expect(ok.ok).toBe(true);
    const bad = w.response.slice();
    const i = bad.length - 10; // inside the last signature line's base64
    bad[i] = bad[i] === 0x41 ? 0x42 : 0x41;
    const r = await verifyTransparency(bad, optionsFor(w, { ed25519: backend, quorum: 3 }));
    expect(r.ok).toBe(false);
  });
});
