import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROOF_MAGIC, PrefixTree, ProofVersion, verifyInclusion, verifyNonInclusion } from "../src/index.ts";
import { arbKey, arbValue, hex } from "./helpers.ts";

// Absence proofs as in Russ Cox's MPT (Go package `mpt`, `Verify`): tag 0x02, and the absent key
// must have the alt key's bit at every segment, so that exactly one absence proof exists per key
// and root (docs/wire-formats.md "MPT proofs").

function key(first: number, last = 0): Uint8Array {
  const k = new Uint8Array(32);
  k[0] = first;
  k[31] = last;
  return k;
}
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const leaf = (k: Uint8Array, v: Uint8Array) => sha256(cat(k, v));
const inner = (l: Uint8Array, r: Uint8Array, bit: number) => sha256(cat(l, r, Uint8Array.of(bit)));

describe("non-inclusion proofs (rsc's MPT framing)", () => {
  // The tree {A = 00…00 → 42 00…00, B = 20 00…00 → 42 00…01}; A and B first differ at bit 2.
  const A = key(0x00);
  const vA = key(0x42, 0x00);
  const B = key(0x20);
  const vB = key(0x42, 0x01);
  const root = inner(leaf(A, vA), leaf(B, vB), 2);
  const absent = key(0x80);

  it("the tree matches the hand-computed root", () => {
    const t = new PrefixTree();
    t.set(A, vA);
    t.set(B, vB);
    expect(hex(t.root())).toBe(hex(root));
    // The prover uses the leaf a search for 80…00 reaches (bit 2 = 0: A), with tag 0x02.
    const p = t.proveNonInclusion(absent) as Uint8Array;
    expect(hex(p)).toBe(hex(cat(PROOF_MAGIC, Uint8Array.of(0x02), A, vA, Uint8Array.of(2), leaf(B, vB))));
    expect(verifyNonInclusion(root, absent, p)).toBe(true);
  });

  it("refuses an absence proof built from a leaf the key's search never reaches", () => {
    // "mptproof" || 0x02 || B || value(B) || (2, H(A || value(A))): folds to the root, B != key,
    // and no segment sits at the common-prefix length 0; but key's bit 2 is 0 and B's is 1.
    const wrongLeaf = cat(PROOF_MAGIC, Uint8Array.of(0x02), B, vB, Uint8Array.of(2), leaf(A, vA));
    expect(verifyNonInclusion(root, absent, wrongLeaf)).toBe(false);
    // The same bytes with the former tag 0x00 are not an absence proof either.
    const oldTag = wrongLeaf.slice();
    oldTag[8] = 0x00;
    expect(verifyNonInclusion(root, absent, oldTag)).toBe(false);
  });

  it("tags: 0x00 is only the 9-byte empty-tree proof, 0x01 never proves absence", () => {
    const empty = cat(PROOF_MAGIC, Uint8Array.of(ProofVersion.Empty));
    expect(ProofVersion).toEqual({ Empty: 0, Inclusion: 1, NonInclusion: 2 });
    expect(verifyNonInclusion(sha256(new Uint8Array(0)), absent, empty)).toBe(true);
    expect(verifyNonInclusion(root, absent, empty)).toBe(false);
    expect(verifyNonInclusion(sha256(new Uint8Array(0)), absent, cat(empty, new Uint8Array(1)))).toBe(false);
    const inc = cat(PROOF_MAGIC, Uint8Array.of(0x01), vA, Uint8Array.of(2), leaf(B, vB));
    expect(verifyInclusion(root, A, vA, inc)).toBe(true);
    expect(verifyNonInclusion(root, absent, inc)).toBe(false);
  });

  it("exactly one absence proof per key and root: every other leaf's path is refused", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbKey, arbValue), { minLength: 1, maxLength: 24 }),
        arbKey,
        (ops, probe) => {
          const t = new PrefixTree();
          for (const [k, v] of ops) t.set(k, v);
          const r = t.root();
          const keys = new Map(ops.map(([k]) => [hex(k), k]));
          if (keys.has(hex(probe))) return;
          const good = t.proveNonInclusion(probe) as Uint8Array;
          expect(verifyNonInclusion(r, probe, good)).toBe(true);
          for (const k of keys.values()) {
            // Relabel k's inclusion proof as an absence proof with alt = k.
            const inc = t.proveInclusion(k) as Uint8Array;
            const alt = cat(PROOF_MAGIC, Uint8Array.of(0x02), k, inc.subarray(9));
            expect(verifyNonInclusion(r, probe, alt)).toBe(hex(alt) === hex(good));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
