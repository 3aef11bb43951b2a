/**
 * Mutation-testing kills for preload-list.ts and preload-list-response.ts (ninth session): each
 * rejection of the encoder on its own, exact bounds, and the parts of a decoded list.
 */
import { U64_MAX } from "@sealroom/hash-chain";
import { describe, expect, it } from "vitest";
import { PreloadListDecodeError } from "../src/errors.ts";
import {
  decodePreloadList,
  encodePreloadList,
  findPreloadEntry,
  isNormalizedDomainBytes,
  makePreloadList,
  PRELOAD_LIST_HEADER_BYTES,
  type PreloadList,
  PreloadListKind,
  preloadChainDomain,
} from "../src/preload-list.ts";

const base: PreloadList = {
  kind: PreloadListKind.devIds,
  version: 1n,
  treeSize: 2n,
  root: new Uint8Array(32).fill(7),
  expires: 3n,
  entries: [
    { domain: "a.example", chainSize: 1n },
    { domain: "b.example", chainSize: 2n },
  ],
};

function decodeCode(b: Uint8Array): string {
  try {
    decodePreloadList(b);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(PreloadListDecodeError);
    return (e as PreloadListDecodeError).code;
  }
}

describe("encodePreloadList rejects each bad field on its own", () => {
  it("accepts the base list and decodes every header field back", () => {
    const b = encodePreloadList(base);
    const d = decodePreloadList(b);
    expect(d).toEqual(base);
    expect(d.kind).toBe(2);
    expect(b[9]).toBe(2);
    expect(b.length).toBe(PRELOAD_LIST_HEADER_BYTES + 2 * (1 + 9 + 8));
  });

  it("list not an object, bad kind", () => {
    expect(() => encodePreloadList(null as unknown as PreloadList)).toThrow(TypeError);
    expect(() => encodePreloadList(7 as unknown as PreloadList)).toThrow(TypeError);
    for (const kind of [0, 3, 255, "1"])
      expect(() => encodePreloadList({ ...base, kind: kind as 1 })).toThrow(RangeError);
    expect(() => encodePreloadList({ ...base, kind: 1 })).not.toThrow();
  });

  it("u64 fields: type, 0, U64_MAX accepted; -1 and U64_MAX + 1 rejected", () => {
    for (const f of ["version", "treeSize", "expires"] as const) {
      expect(() => encodePreloadList({ ...base, [f]: 5 as unknown as bigint })).toThrow(TypeError);
      expect(() => encodePreloadList({ ...base, [f]: -1n })).toThrow(RangeError);
      expect(() => encodePreloadList({ ...base, [f]: U64_MAX + 1n })).toThrow(RangeError);
      expect(decodePreloadList(encodePreloadList({ ...base, [f]: 0n }))[f]).toBe(0n);
      expect(decodePreloadList(encodePreloadList({ ...base, [f]: U64_MAX }))[f]).toBe(U64_MAX);
    }
  });

  it("root must be 32 bytes", () => {
    for (const root of [new Uint8Array(31), new Uint8Array(33), [...new Uint8Array(32)]])
      expect(() => encodePreloadList({ ...base, root: root as Uint8Array })).toThrow(TypeError);
  });

  it("entries must be an array of normalised, sorted, unique domains with chain size >= 1", () => {
    expect(() => encodePreloadList({ ...base, entries: "x" as unknown as [] })).toThrow(TypeError);
    expect(encodePreloadList({ ...base, entries: [] }).length).toBe(PRELOAD_LIST_HEADER_BYTES);
    const e = (domain: unknown, chainSize: unknown) => ({ domain, chainSize }) as PreloadList["entries"][0];
    expect(() => encodePreloadList({ ...base, entries: [e(5, 1n)] })).toThrow(RangeError);
    expect(() => encodePreloadList({ ...base, entries: [e("A.example", 1n)] })).toThrow(RangeError);
    expect(() => encodePreloadList({ ...base, entries: [e("a.example", 1n), e("a.example", 1n)] })).toThrow(
      RangeError,
    );
    expect(() => encodePreloadList({ ...base, entries: [e("b.example", 1n), e("a.example", 1n)] })).toThrow(
      RangeError,
    );
    expect(() => encodePreloadList({ ...base, entries: [e("a.example", 0n)] })).toThrow(RangeError);
    expect(() => encodePreloadList({ ...base, entries: [e("a.example", -1n)] })).toThrow(RangeError);
    expect(() => encodePreloadList({ ...base, entries: [e("a.example", 1)] })).toThrow(TypeError);
    expect(() => encodePreloadList({ ...base, entries: [e("a.example", U64_MAX + 1n)] })).toThrow(RangeError);
    const max = decodePreloadList(encodePreloadList({ ...base, entries: [e("a.example", U64_MAX)] }));
    expect(max.entries[0]!.chainSize).toBe(U64_MAX);
  });

  it("the list size counts each entry's bytes (layout of a 253-byte domain)", () => {
    const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(long.length).toBe(253);
    const b = encodePreloadList({ ...base, entries: [{ domain: long, chainSize: 9n }] });
    expect(b.length).toBe(PRELOAD_LIST_HEADER_BYTES + 1 + 253 + 8);
    expect(b[PRELOAD_LIST_HEADER_BYTES]).toBe(253);
    expect(decodePreloadList(b).entries).toEqual([{ domain: long, chainSize: 9n }]);
  });
});

describe("decodePreloadList bounds", () => {
  it("rejects a non-Uint8Array with TypeError", () => {
    expect(() => decodePreloadList([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("a header alone is a valid empty list; one byte less is truncated", () => {
    const b = encodePreloadList({ ...base, entries: [] });
    expect(decodeCode(b)).toBe("ok");
    expect(decodeCode(b.subarray(0, PRELOAD_LIST_HEADER_BYTES - 1))).toBe("truncated");
  });

  it("each magic byte is checked", () => {
    const b = encodePreloadList(base);
    for (let i = 0; i < 8; i++) {
      const m = new Uint8Array(b);
      m[i] = m[i]! ^ 0x20;
      expect(decodeCode(m), `byte ${i}`).toBe("bad_magic");
    }
  });

  it("a count that exactly fits the minimum entry size passes the bound, one more does not", () => {
    // count entries of 1-byte domains: 10 bytes each
    const entries = ["a", "b", "c"].map((domain, i) => ({ domain, chainSize: BigInt(i + 1) }));
    const b = encodePreloadList({ ...base, entries });
    expect(decodeCode(b)).toBe("ok");
    const more = new Uint8Array(b);
    new DataView(more.buffer).setUint32(66, 4);
    expect(decodeCode(more)).toBe("truncated");
    const fewer = new Uint8Array(b);
    new DataView(fewer.buffer).setUint32(66, 2);
    expect(decodeCode(fewer)).toBe("trailing");
  });

  it("a domain length running past the end is truncated, not bad_domain", () => {
    const b = encodePreloadList({ ...base, entries: [{ domain: "a", chainSize: 1n }] });
    const m = new Uint8Array([...b, ...new Uint8Array(0)]);
    m[PRELOAD_LIST_HEADER_BYTES] = 2; // claims 2 bytes of domain + 8: 11 > 10 present
    expect(decodeCode(m)).toBe("truncated");
    const label = new Uint8Array(b);
    label[PRELOAD_LIST_HEADER_BYTES + 1] = 0x2d; // "-"
    expect(decodeCode(label)).toBe("bad_domain");
  });

  it("decodes a list at a non-zero byteOffset and copies the root", () => {
    const b = encodePreloadList(base);
    const padded = new Uint8Array(b.length + 5);
    padded.set(b, 5);
    const d = decodePreloadList(padded.subarray(5));
    expect(d).toEqual(base);
    padded[5 + 26] = 0;
    expect(d.root[0]).toBe(7);
  });
});

describe("isNormalizedDomainBytes boundaries", () => {
  const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const ok = (s: string) => isNormalizedDomainBytes(enc(s), 0, s.length);
  it("labels of 63 and 64, domain of 253 and 254, edge characters", () => {
    expect(ok("a".repeat(63))).toBe(true);
    expect(ok("a".repeat(64))).toBe(false);
    const d253 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(ok(d253)).toBe(true);
    expect(ok(`${d253}e`)).toBe(false);
    expect(isNormalizedDomainBytes(enc("a"), 0, 0)).toBe(false);
    for (const s of ["-a", "a-", "a.-b", "a..b", ".a", "a.", "a/b", "a:b", "a`", "a{", "a@"])
      expect(ok(s), s).toBe(false);
    for (const s of ["a-b", "0", "9z", "z.a", "a0-9"]) expect(ok(s), s).toBe(true);
    // a window inside a larger buffer ignores the bytes around it
    const b = enc("-ab-");
    expect(isNormalizedDomainBytes(b, 1, 2)).toBe(true);
    expect(isNormalizedDomainBytes(enc("ab."), 0, 2)).toBe(true);
  });
});

describe("findPreloadEntry, makePreloadList, preloadChainDomain", () => {
  it("binary search finds every entry of lists of 1..9 entries and nothing between", () => {
    for (let n = 1; n <= 5; n++) {
      const entries = Array.from({ length: n }, (_, i) => ({
        domain: `d${i * 2}`,
        chainSize: BigInt(i + 1),
      }));
      // single digits, so string order is numeric order
      const l = makePreloadList({ ...base, entries });
      for (let i = 0; i < n; i++) {
        expect(findPreloadEntry(l, `d${i * 2}`)).toBe(l.entries[i]);
        expect(findPreloadEntry(l, `d${i * 2 + 1}`)).toBeUndefined();
      }
      expect(findPreloadEntry(l, "a")).toBeUndefined();
      expect(findPreloadEntry(l, "z")).toBeUndefined();
    }
    expect(findPreloadEntry({ ...base, entries: [] }, "a")).toBeUndefined();
  });

  it("makePreloadList sorts, rejects duplicates after normalising, copies the root", () => {
    const root = new Uint8Array(32).fill(1);
    const l = makePreloadList({
      ...base,
      root,
      entries: [
        { domain: "c", chainSize: 1n },
        { domain: "a", chainSize: 2n },
        { domain: "b", chainSize: 3n },
      ],
    });
    expect(l.entries.map((e) => e.domain)).toEqual(["a", "b", "c"]);
    root[0] = 9;
    expect(l.root[0]).toBe(1);
    expect(() =>
      makePreloadList({
        ...base,
        entries: [
          { domain: "A", chainSize: 1n },
          { domain: "a", chainSize: 2n },
        ],
      }),
    ).toThrow(RangeError);
    expect(() =>
      makePreloadList({
        ...base,
        entries: [
          { domain: "a", chainSize: 1n },
          { domain: "b", chainSize: 1n },
          { domain: "a", chainSize: 2n },
        ],
      }),
    ).toThrow(RangeError);
  });

  it("the transparency chain name drops only a trailing port", () => {
    expect(preloadChainDomain("svc.example:443", PreloadListKind.transparency)).toBe("preload.svc.example");
    expect(preloadChainDomain("svc.example", PreloadListKind.devIds)).toBe("dev-ids.preload.svc.example");
  });
});
