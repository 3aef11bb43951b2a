/**
 * Every Ed25519 backend (WebCrypto, node:crypto, the @noble fallback, a custom verifier) gives one
 * verdict: Sealroom's rule, checked on the adversarial vectors of prefix-tree's vectors/ed25519.
 */
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { ed25519, ed25519Precheck, generateEd25519KeyPair } from "@sealroom/prefix-tree/note";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ed25519Cases } from "../../prefix-tree/test/ed25519-vectors.ts";
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
    const sig = new Uint8Array(64).fill(2);
    const pk = new Uint8Array(32);
    const msg = new Uint8Array(1);
    expect(
      await verifyEd25519(sig, msg, pk, () => {
        throw new Error("boom");
      }),
    ).toBe(false);
    expect(await verifyEd25519(sig, msg, pk, () => 1 as unknown as boolean)).toBe(false);
    // A custom verifier only sees inputs that pass the precheck (the all-zero key is small-order).
    expect(await verifyEd25519(sig, msg, pk, async () => true)).toBe(false);
    const { publicKey } = generateEd25519KeyPair(new Uint8Array(32).fill(1));
    expect(await verifyEd25519(sig, msg, publicKey, async () => true)).toBe(true);
    expect(await verifyEd25519(new Uint8Array(64), msg, publicKey, async () => true)).toBe(false);
    expect(nodeEd25519(sig, msg, new Uint8Array(31))).toBe(false);
  });
  it("every backend gives Sealroom's verdict on all 926 adversarial vectors", async () => {
    const cases = ed25519Cases();
    expect(cases.length).toBe(926);
    const backends = {
      webcrypto: (c: (typeof cases)[0]) => verifyEd25519(c.signature, c.message, c.publicKey, "webcrypto"),
      noble: (c: (typeof cases)[0]) => verifyEd25519(c.signature, c.message, c.publicKey, "noble"),
      default: (c: (typeof cases)[0]) => verifyEd25519(c.signature, c.message, c.publicKey),
      nodeEd25519: (c: (typeof cases)[0]) => nodeEd25519(c.signature, c.message, c.publicKey),
    };
    for (const [name, verify] of Object.entries(backends)) {
      const wrong: string[] = [];
      for (const c of cases) if ((await verify(c)) !== c.valid) wrong.push(c.name);
      expect({ name, wrong }).toEqual({ name, wrong: [] });
    }
    // A custom backend is only asked about inputs that pass the byte-level precheck.
    let asked = 0;
    for (const c of cases) {
      const yes = await verifyEd25519(c.signature, c.message, c.publicKey, () => {
        asked++;
        return true;
      });
      expect(yes).toBe(ed25519Precheck(c.signature, c.publicKey));
    }
    expect(asked).toBe(cases.filter((c) => ed25519Precheck(c.signature, c.publicKey)).length);
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
