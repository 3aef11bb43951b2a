/**
 * The hash adapter, the 32-byte helpers and the proof verifiers at their exact edges, found by
 * mutation testing (`pnpm mutate`, tooling/mutate/RESULTS.md): each known-answer byte an injected
 * SHA-256 is checked on, the adapter's offsets, and proofs one byte or one bit off.
 */
import { hash as nodeHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bitAt, commonPrefixBits, compare32, equal32 } from "../src/bytes.ts";
import { assertSha256, checkedDigest, emptyRoot, intoOf, type Sha256 } from "../src/hash.ts";
import {
  BatchError,
  computeRoot,
  DecodeError,
  DomainError,
  PrefixTree,
  PrefixTreeError,
  PrefixTreeErrorCode,
  sha256Into,
} from "../src/index.ts";
import { verifyInclusion, verifyNonInclusion } from "../src/proof.ts";

const sha = (d: Uint8Array): Uint8Array => new Uint8Array(nodeHash("sha256", d, "buffer"));
const EMPTY = sha(new Uint8Array(0));
const ABC = sha(Uint8Array.of(0x61, 0x62, 0x63));

/** A plain hash (no `.into`) that is SHA-256 except on the empty input, where byte `i` is flipped. */
function badEmpty(i: number): Sha256 {
  return (d) => {
    const out = sha(d);
    if (d.length === 0) out[i] = (out[i] as number) ^ 1;
    return out;
  };
}

/** SHA-256 whose `.into` writes a wrong answer in one way. */
function badInto(wrong: (d: Uint8Array, o: number, l: number, out: Uint8Array, oo: number) => void): Sha256 {
  return Object.assign((d: Uint8Array) => sha(d), { into: wrong });
}

describe("injected SHA-256 (hash.ts)", () => {
  it("checkedDigest takes exactly 32 bytes in a Uint8Array", () => {
    const d = new Uint8Array(32);
    expect(checkedDigest(d)).toBe(d);
    expect(() => checkedDigest(new Uint8Array(31))).toThrow(TypeError);
    expect(() => checkedDigest(new Uint8Array(33))).toThrow(TypeError);
    expect(() => checkedDigest(Array.from(d) as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("emptyRoot is H('') of the given hash, checked", () => {
    expect(emptyRoot()).toEqual(EMPTY);
    expect(emptyRoot(sha)).toEqual(EMPTY);
    expect(() => emptyRoot(() => new Uint8Array(31))).toThrow(TypeError);
  });

  it("assertSha256 accepts SHA-256 with and without .into, and refuses non-functions", () => {
    expect(() => assertSha256(sha)).not.toThrow();
    expect(() => assertSha256(Object.assign((d: Uint8Array) => sha(d), { into: sha256Into }))).not.toThrow();
    expect(() => assertSha256(5 as unknown as Sha256)).toThrow(TypeError);
    expect(() =>
      assertSha256(Object.assign((d: Uint8Array) => sha(d), { into: 5 }) as unknown as Sha256),
    ).toThrow(TypeError);
  });

  it("every byte the empty-input answer is checked on matters", () => {
    for (const i of [0, 1, 30, 31]) {
      expect(() => assertSha256(badEmpty(i)), `byte ${i}`).toThrow(TypeError);
      expect(() => new PrefixTree({ hash: badEmpty(i) }), `byte ${i}`).toThrow(TypeError);
    }
  });

  it("every byte of the .into answers and the bytes around them are checked", () => {
    // "abc" wrong at one checked byte
    for (const i of [0, 1, 30, 31]) {
      const h = badInto((d, o, l, out, oo) => {
        sha256Into(d, o, l, out, oo);
        if (l === 3) out[oo + i] = (out[oo + i] as number) ^ 1;
      });
      expect(() => assertSha256(h), `abc byte ${i}`).toThrow(TypeError);
    }
    // writes a byte before or after its 32
    for (const at of [-1, 32]) {
      const h = badInto((d, o, l, out, oo) => {
        sha256Into(d, o, l, out, oo);
        if (l === 3) out[oo + at] = 7;
      });
      expect(() => assertSha256(h), `stray byte at ${at}`).toThrow(TypeError);
    }
    // right for "abc", wrong for the empty input at one checked byte
    for (const i of [0, 1, 30, 31]) {
      const h = badInto((d, o, l, out, oo) => {
        sha256Into(d, o, l, out, oo);
        if (l === 0) out[oo + i] = (out[oo + i] as number) ^ 1;
      });
      expect(() => assertSha256(h), `empty byte ${i}`).toThrow(TypeError);
    }
  });

  it("intoOf: an own .into is used as given; a plain hash is adapted with offsets honoured", () => {
    const into = (d: Uint8Array, o: number, l: number, out: Uint8Array, oo: number) =>
      sha256Into(d, o, l, out, oo);
    const own = Object.assign((d: Uint8Array) => sha(d), { into });
    expect(intoOf(own)).toBe(into);
    expect(() => intoOf(badInto((_d, _o, _l, out, oo) => out.fill(0, oo, oo + 32)))).toThrow(TypeError);

    const calls: number[] = [];
    const plain: Sha256 = (d) => {
      calls.push(d.length);
      return sha(d);
    };
    const a = intoOf(plain);
    expect(intoOf(plain)).toBe(a);
    const src = Uint8Array.of(9, 0x61, 0x62, 0x63, 9);
    const out = new Uint8Array(36);
    a(src, 1, 3, out, 2); // the middle
    expect(out.subarray(2, 34)).toEqual(ABC);
    expect([out[0], out[1], out[34], out[35]]).toEqual([0, 0, 0, 0]);
    a(src, 0, 2, out, 0); // a prefix, from offset 0
    expect(out.subarray(0, 32)).toEqual(sha(src.subarray(0, 2)));
    a(src, 3, 2, out, 0); // a suffix, to the end
    expect(out.subarray(0, 32)).toEqual(sha(src.subarray(3)));
    a(src, 0, 5, out, 0); // all of it
    expect(out.subarray(0, 32)).toEqual(sha(src));
    expect(calls).toEqual([3, 2, 2, 5]);
    // a plain hash returning a wrong length is refused when adapted
    expect(() => intoOf(() => new Uint8Array(31))(src, 0, 1, out, 0)).toThrow(TypeError);
  });
});

describe("32-byte helpers (bytes.ts)", () => {
  it("bitAt reads bit i of the value at an offset, MSB first", () => {
    const a = new Uint8Array(34);
    a[1] = 0b1000_0001;
    a[33] = 0b0100_0000;
    expect(bitAt(a, 1, 0)).toBe(1);
    expect(bitAt(a, 1, 7)).toBe(1);
    for (let i = 1; i < 7; i++) expect(bitAt(a, 1, i)).toBe(0);
    expect(bitAt(a, 1, 255)).toBe(0);
    expect(bitAt(a, 1, 254)).toBe(0);
    expect(bitAt(a, 2, 249)).toBe(1); // byte 31 of a[2..34] is a[33], bit 1
    expect(bitAt(a, 0, 8)).toBe(1);
  });

  it("commonPrefixBits counts the shared leading bits at offsets", () => {
    const a = new Uint8Array(33);
    const b = new Uint8Array(32);
    expect(commonPrefixBits(a, 1, b, 0)).toBe(256);
    for (const bit of [0, 1, 7, 8, 9, 100, 255]) {
      const c = new Uint8Array(32);
      c[bit >>> 3] = 0x80 >>> (bit & 7);
      expect(commonPrefixBits(a, 1, c, 0)).toBe(bit);
      expect(commonPrefixBits(c, 0, a, 1)).toBe(bit);
      // a difference after the first one does not change the count
      const d = c.slice();
      d[31] = (d[31] as number) | 1;
      expect(commonPrefixBits(a, 1, d, 0)).toBe(bit);
    }
    const x = new Uint8Array(33);
    x[32] = 1; // differs only in the last bit of x[1..33]
    expect(commonPrefixBits(x, 1, b, 0)).toBe(255);
  });

  it("compare32 and equal32 look at all 32 bytes at the offsets", () => {
    const a = new Uint8Array(33);
    const b = new Uint8Array(32);
    expect(compare32(a, 1, b, 0)).toBe(0);
    expect(equal32(a, 1, b, 0)).toBe(true);
    for (const i of [0, 15, 31]) {
      const c = new Uint8Array(32);
      c[i] = 2;
      expect(compare32(c, 0, b, 0)).toBeGreaterThan(0);
      expect(compare32(b, 0, c, 0)).toBeLessThan(0);
      expect(equal32(c, 0, b, 0)).toBe(false);
      expect(equal32(b, 0, c, 0)).toBe(false);
      // an earlier byte decides over a later one
      if (i < 31) {
        const d = c.slice();
        d[i] = 1;
        d[i + 1] = 9;
        expect(compare32(c, 0, d, 0)).toBeGreaterThan(0);
        expect(compare32(d, 0, c, 0)).toBeLessThan(0);
      }
    }
    // bytes outside the 32 are ignored
    const e = new Uint8Array(34).fill(5);
    e[0] = 1;
    e[33] = 1;
    expect(equal32(e, 1, new Uint8Array(32).fill(5), 0)).toBe(true);
    expect(compare32(e, 1, new Uint8Array(32).fill(5), 0)).toBe(0);
  });
});

describe("computeRoot (compute-root.ts)", () => {
  it("refuses a duplicate key with its code, whatever the values", () => {
    const k = new Uint8Array(32).fill(1);
    try {
      computeRoot([
        [k, new Uint8Array(32)],
        [k.slice(), new Uint8Array(32).fill(2)],
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PrefixTreeError);
      expect((e as PrefixTreeError).code).toBe("duplicate-key");
    }
  });

  it("refuses keys and values that are not 32 bytes", () => {
    const ok = new Uint8Array(32);
    expect(() => computeRoot([[new Uint8Array(31), ok]])).toThrow(RangeError);
    expect(() => computeRoot([[ok, new Uint8Array(33)]])).toThrow(RangeError);
    expect(() => computeRoot([[Array.from(ok) as unknown as Uint8Array, ok]])).toThrow(TypeError);
  });
});

describe("computeRoot: a stack deeper than its first 64 entries", () => {
  it("70 keys whose common prefixes grow one bit at a time give the tree's root", () => {
    // Sorted, key i has i leading one bits: no two stack entries merge until the end, so the
    // stack holds all 70 leaves and grows past its initial capacity.
    const leaves: [Uint8Array, Uint8Array][] = [];
    const t = new PrefixTree();
    for (let i = 0; i < 70; i++) {
      const k = new Uint8Array(32);
      for (let b = 0; b < i; b++) k[b >>> 3] = (k[b >>> 3] as number) | (0x80 >>> (b & 7));
      const v = new Uint8Array(32).fill(i);
      leaves.push([k, v]);
      t.set(k, v);
    }
    expect(computeRoot(leaves)).toEqual(t.root());
    expect(computeRoot([...leaves].reverse())).toEqual(t.root());
  });
});

describe("error classes (errors.ts)", () => {
  it("each class has its name, code and fields", () => {
    const p = new PrefixTreeError(PrefixTreeErrorCode.PageMissing, "m");
    expect([p.name, p.code, p instanceof Error]).toEqual(["PrefixTreeError", "page-missing", true]);
    const d = new DecodeError(PrefixTreeErrorCode.Truncated, 7, "short");
    expect([d.name, d.code, d.offset, d.detail, d instanceof PrefixTreeError]).toEqual([
      "DecodeError",
      "truncated",
      7,
      "short",
      true,
    ]);
    expect("cause" in d).toBe(false);
    const cause = new Error("inner");
    expect(new DecodeError(PrefixTreeErrorCode.Malformed, 0, "x", { cause }).cause).toBe(cause);
    expect(new DecodeError(PrefixTreeErrorCode.Malformed, 0, "x", { cause: undefined })).toHaveProperty(
      "cause",
    );
    expect("cause" in new DecodeError(PrefixTreeErrorCode.Malformed, 0, "x", {})).toBe(false);
    const dom = new DomainError("Bad", "why");
    expect([dom.name, dom.code, dom.domain]).toEqual(["DomainError", "bad-domain", "Bad"]);
    const b = new BatchError(PrefixTreeErrorCode.TimeBackwards, 3, "m");
    expect([b.name, b.code, b.eventIndex]).toEqual(["BatchError", "time-backwards", 3]);
    expect(new BatchError(PrefixTreeErrorCode.CountMismatch, -1, "m").eventIndex).toBe(-1);
  });

  it("DecodeError.at shifts an inner decoder's offset and keeps it as the cause", () => {
    const inner = new DecodeError(PrefixTreeErrorCode.Trailing, 4, "extra");
    const outer = DecodeError.at(inner, 10);
    expect([outer.code, outer.offset, outer.detail]).toEqual(["trailing", 14, "extra"]);
    expect(outer.cause).toBe(inner);
  });
});

describe("proof verifiers at their exact lengths (proof.ts)", () => {
  const k1 = new Uint8Array(32).fill(0x11);
  const v1 = new Uint8Array(32).fill(0x21);
  const k2 = new Uint8Array(32).fill(0x91);
  const v2 = new Uint8Array(32).fill(0x22);
  const absent = new Uint8Array(32).fill(0x12);

  it("a one-leaf tree: 41-byte inclusion and 73-byte absence proofs verify, one byte less or more does not", () => {
    const t = new PrefixTree();
    t.set(k1, v1);
    const r = t.root();
    const inc = t.proveInclusion(k1) as Uint8Array;
    const non = t.proveNonInclusion(absent) as Uint8Array;
    expect([inc.length, non.length]).toEqual([41, 73]);
    expect(verifyInclusion(r, k1, v1, inc)).toBe(true);
    expect(verifyNonInclusion(r, absent, non)).toBe(true);
    expect(verifyInclusion(r, k1, v1, inc.subarray(0, 40))).toBe(false);
    expect(verifyNonInclusion(r, absent, non.subarray(0, 72))).toBe(false);
    for (let extra = 1; extra < 33; extra += 31) {
      const longer = (p: Uint8Array) => {
        const out = new Uint8Array(p.length + extra);
        out.set(p);
        return out;
      };
      expect(verifyInclusion(r, k1, v1, longer(inc))).toBe(false);
      expect(verifyNonInclusion(r, absent, longer(non))).toBe(false);
    }
    // the absent key's own leaf is never an absence proof, even when it folds to the root
    const own = non.slice();
    own.set(absent, 9);
    expect(verifyNonInclusion(r, absent, non.slice().fill(0, 9, 41))).toBe(false);
    expect(verifyNonInclusion(r, k1, non)).toBe(false);
    expect(verifyNonInclusion(r, absent, own)).toBe(false);
  });

  it("every magic byte and the version byte are checked", () => {
    const t = new PrefixTree();
    t.set(k1, v1);
    t.set(k2, v2);
    const r = t.root();
    const inc = t.proveInclusion(k1) as Uint8Array;
    const non = t.proveNonInclusion(absent) as Uint8Array;
    expect(verifyInclusion(r, k1, v1, inc)).toBe(true);
    expect(verifyNonInclusion(r, absent, non)).toBe(true);
    for (let i = 0; i < 9; i++) {
      const a = inc.slice();
      a[i] = (a[i] as number) ^ 0x40;
      expect(verifyInclusion(r, k1, v1, a), `inclusion byte ${i}`).toBe(false);
      const b = non.slice();
      b[i] = (b[i] as number) ^ 0x40;
      expect(verifyNonInclusion(r, absent, b), `absence byte ${i}`).toBe(false);
    }
    const empty = Uint8Array.of(0x6d, 0x70, 0x74, 0x70, 0x72, 0x6f, 0x6f, 0x66, 0);
    const e0 = emptyRoot();
    expect(verifyNonInclusion(e0, absent, empty)).toBe(true);
    for (let i = 0; i < 8; i++) {
      const b = empty.slice();
      b[i] = (b[i] as number) ^ 1;
      expect(verifyNonInclusion(e0, absent, b), `empty byte ${i}`).toBe(false);
    }
    expect(verifyNonInclusion(e0, absent, empty.subarray(0, 8))).toBe(false);
  });

  it("segments must be whole and strictly decreasing in r", () => {
    const t = new PrefixTree();
    t.set(k1, v1);
    t.set(k2, v2);
    const r = t.root();
    const inc = t.proveInclusion(k1) as Uint8Array;
    expect(inc.length).toBe(41 + 33);
    // the same segment twice (equal r) is refused even if it were to fold to the root
    const twice = new Uint8Array(41 + 66);
    twice.set(inc);
    twice.set(inc.subarray(41), 74);
    expect(verifyInclusion(r, k1, v1, twice)).toBe(false);
  });

  it("argument types and lengths", () => {
    const p = new Uint8Array(41);
    expect(() => verifyInclusion(new Uint8Array(31), k1, v1, p)).toThrow(RangeError);
    expect(() => verifyInclusion(k1, new Uint8Array(33), v1, p)).toThrow(RangeError);
    expect(() => verifyInclusion(k1, k1, new Uint8Array(31), p)).toThrow(RangeError);
    expect(() => verifyInclusion(k1, k1, v1, [] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => verifyNonInclusion(k1, k1, [] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => verifyNonInclusion(k1, new Uint8Array(31), p)).toThrow(RangeError);
  });
});
