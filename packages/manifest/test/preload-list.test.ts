import { isNormalizedDomain } from "@sealroom/prefix-tree";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivePreloadEntries, PRELOAD_COOLDOWN } from "../src/derive-preload-list.ts";
import { PreloadListDecodeError } from "../src/errors.ts";
import {
  decodePreloadList,
  encodePreloadList,
  findPreloadEntry,
  isNormalizedDomainBytes,
  MAX_PRELOAD_DOMAINS,
  makePreloadList,
  PRELOAD_LIST_HEADER_BYTES,
  type PreloadList,
  PreloadListKind,
  preloadChainDomain,
} from "../src/preload-list.ts";

const label = fc
  .stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
  .filter((s) => s.length > 0 && s.length <= 10);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join("."));
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const list: fc.Arbitrary<PreloadList> = fc
  .record({
    kind: fc.constantFrom(PreloadListKind.transparency, PreloadListKind.devIds),
    version: u64,
    treeSize: u64,
    root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    expires: u64,
    entries: fc.uniqueArray(fc.record({ domain, chainSize: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }) }), {
      selector: (e) => e.domain,
      maxLength: 12,
    }),
  })
  .map((l) => makePreloadList(l));

const sample: PreloadList = makePreloadList({
  kind: PreloadListKind.transparency,
  version: 7n,
  treeSize: 42n,
  root: new Uint8Array(32).fill(0xab),
  expires: 1_780_000_000n,
  entries: [
    { domain: "b.example", chainSize: 3n },
    { domain: "A.example", chainSize: 1n },
  ],
});

function code(b: Uint8Array): string {
  try {
    decodePreloadList(b);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(PreloadListDecodeError);
    expect((e as PreloadListDecodeError).reason).toBe("invalid_preload_list");
    return (e as PreloadListDecodeError).code;
  }
}

describe("PreloadList codec", () => {
  it("encodes the documented layout byte for byte", () => {
    const b = encodePreloadList(sample);
    const hex = Buffer.from(b).toString("hex");
    expect(hex).toBe(
      [
        Buffer.from("sr-preld").toString("hex"),
        "01",
        "01",
        "0000000000000007",
        "000000000000002a",
        "ab".repeat(32),
        "000000006a18a500",
        "00000002",
        `09${Buffer.from("a.example").toString("hex")}0000000000000001`,
        `09${Buffer.from("b.example").toString("hex")}0000000000000003`,
      ].join(""),
    );
    expect(b.length).toBe(PRELOAD_LIST_HEADER_BYTES + 2 * (1 + 9 + 8));
    expect(decodePreloadList(b)).toEqual(sample);
  });

  it("round-trips any list (fast-check)", () => {
    fc.assert(
      fc.property(list, (l) => {
        const b = encodePreloadList(l);
        expect(decodePreloadList(b)).toEqual(l);
        expect(encodePreloadList(decodePreloadList(b))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects unsorted, duplicate, uppercase, empty and over-long domains, chain size 0", () => {
    const b = encodePreloadList(sample);
    const first = PRELOAD_LIST_HEADER_BYTES;
    const second = first + 18;
    // swap the two entries: unsorted
    const swapped = new Uint8Array(b);
    swapped.set(b.subarray(second, second + 18), first);
    swapped.set(b.subarray(first, first + 18), second);
    expect(code(swapped)).toBe("unsorted");
    // second entry = first: duplicate
    const dup = new Uint8Array(b);
    dup.set(b.subarray(first, first + 18), second);
    expect(code(dup)).toBe("unsorted");
    const upper = new Uint8Array(b);
    upper[first + 1] = 0x41; // "A.example"
    expect(code(upper)).toBe("bad_domain");
    const empty = new Uint8Array(b);
    empty[first] = 0;
    expect(code(empty)).toBe("bad_domain");
    const long = new Uint8Array(b);
    long[first] = 254;
    expect(code(long)).toBe("bad_domain");
    const zero = new Uint8Array(b);
    zero.fill(0, first + 10, first + 18);
    expect(code(zero)).toBe("bad_chain_size");
    expect(() =>
      makePreloadList({ ...sample, entries: [...sample.entries, { domain: "B.EXAMPLE.", chainSize: 1n }] }),
    ).toThrow(RangeError);
    expect(() => encodePreloadList({ ...sample, entries: [...sample.entries].reverse() })).toThrow(
      RangeError,
    );
  });

  it("rejects every truncation, trailing bytes, bad magic/format/kind and oversize counts", () => {
    const b = encodePreloadList(sample);
    for (let n = 0; n < b.length; n++) expect(code(b.subarray(0, n)), `length ${n}`).toBe("truncated");
    expect(code(new Uint8Array([...b, 0]))).toBe("trailing");
    const magic = new Uint8Array(b);
    magic[0] = 0x53;
    expect(code(magic)).toBe("bad_magic");
    const format = new Uint8Array(b);
    format[8] = 2;
    expect(code(format)).toBe("bad_format");
    for (const k of [0, 3, 255]) {
      const kind = new Uint8Array(b);
      kind[9] = k;
      expect(code(kind)).toBe("bad_kind");
    }
    const many = new Uint8Array(b);
    new DataView(many.buffer).setUint32(66, MAX_PRELOAD_DOMAINS + 1);
    expect(code(many)).toBe("too_many");
    const lying = new Uint8Array(b);
    new DataView(lying.buffer).setUint32(66, 1000);
    expect(code(lying)).toBe("truncated");
    expect(code(new Uint8Array(64 * 1024 * 1024 + 1))).toBe("too_large");
  });

  it("bounds the count by the bytes present (10 per entry at least) before reading any entry", () => {
    const b = encodePreloadList(sample); // two entries, 36 bytes after the header
    const claim = (count: number) => {
      const x = new Uint8Array(b);
      new DataView(x.buffer).setUint32(66, count);
      x[PRELOAD_LIST_HEADER_BYTES] = 0; // a first entry that is itself malformed (empty domain)
      return code(x);
    };
    expect(claim(4)).toBe("truncated"); // 4 x 10 > 36: refused on the count alone
    expect(claim(3)).toBe("bad_domain"); // 3 x 10 fits: the entries are read, the first one fails
  });

  it("fuzz: random and mutated bytes round-trip exactly or raise PreloadListDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        if (code(b) === "ok") expect(encodePreloadList(decodePreloadList(b))).toEqual(b);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(list, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(4), (l, at, x, cut) => {
        const b = encodePreloadList(l).slice(0);
        const m = b.slice(0, Math.max(0, b.length - cut));
        if (m.length > 0) m[at % m.length] = m[at % m.length]! ^ x;
        if (code(m) === "ok") expect(encodePreloadList(decodePreloadList(m))).toEqual(m);
      }),
      { numRuns: 3000 },
    );
  });

  it("finds entries by normalised domain", () => {
    expect(findPreloadEntry(sample, "B.Example.")?.chainSize).toBe(3n);
    expect(findPreloadEntry(sample, "a.example")?.chainSize).toBe(1n);
    expect(findPreloadEntry(sample, "c.example")).toBeUndefined();
    expect(findPreloadEntry(sample, "bad domain")).toBeUndefined();
    fc.assert(
      fc.property(list, domain, (l, d) => {
        expect(findPreloadEntry(l, d)).toEqual(l.entries.find((e) => e.domain === d));
      }),
      { numRuns: 300 },
    );
  });

  it("names each service's preload chains, without the port", () => {
    expect(preloadChainDomain("transparency.example", PreloadListKind.transparency)).toBe(
      "preload.transparency.example",
    );
    expect(preloadChainDomain("Transparency.Sealroom.localhost:8788", PreloadListKind.devIds)).toBe(
      "dev-ids.preload.transparency.sealroom.localhost",
    );
  });
});

describe("derivePreloadEntries", () => {
  const entry = (pos: bigint, time: number, tomb = false) => ({
    positionInChain: pos,
    timeCreated: BigInt(time),
    resourceHash: new Uint8Array(32).fill(tomb ? 0 : 1),
    assetHostsHash: new Uint8Array(32),
  });
  it("keeps enrolled sites and tombstones younger than the cooldown, with their chain sizes", () => {
    const now = 1_780_000_000;
    const e = derivePreloadEntries(
      [
        { domain: "live.example", head: entry(4n, now - 99 * 86400) },
        { domain: "fresh-tomb.example", head: entry(2n, now - 86400 + 1, true) },
        { domain: "old-tomb.example", head: entry(7n, now - 86400, true) },
      ],
      { now },
    );
    expect(e).toEqual([
      { domain: "live.example", chainSize: 5n },
      { domain: "fresh-tomb.example", chainSize: 3n },
    ]);
    expect(PRELOAD_COOLDOWN).toBe(86400);
  });
});

describe("isNormalizedDomainBytes", () => {
  it("agrees with prefix-tree's isNormalizedDomain on ASCII and random bytes", () => {
    const check = (bytes: Uint8Array) => {
      const s = String.fromCharCode(...bytes);
      expect(isNormalizedDomainBytes(bytes, 0, bytes.length), JSON.stringify(s)).toBe(isNormalizedDomain(s));
    };
    fc.assert(
      fc.property(domain, (d) => check(new TextEncoder().encode(d))),
      { numRuns: 500 },
    );
    const alphabet = fc.constantFrom(..."ab-.0Z_\u00e9".split("").map((c) => c.charCodeAt(0) & 0xff));
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 0, maxLength: 70 }), (a) => check(Uint8Array.from(a))),
      { numRuns: 3000 },
    );
    for (const s of [
      "a",
      "a.b",
      "-a",
      "a-",
      "a..b",
      ".a",
      "a.",
      "A",
      `${"a".repeat(63)}.b`,
      `${"a".repeat(64)}`,
    ])
      check(Uint8Array.from(s, (c) => c.charCodeAt(0)));
    const long = Uint8Array.from(`${"a.".repeat(126)}ab`, (c) => c.charCodeAt(0));
    expect(long.length).toBe(254);
    check(long);
  });
});
