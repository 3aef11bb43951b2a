/**
 * Exact boundaries, tampered inputs of the right shape, and each rejection reason (issue 18,
 * mutation testing): every check in `src/` has a test here or elsewhere that fails when the
 * check is removed, loosened by one, or replaced by a constant.
 */
import { describe, expect, it } from "vitest";
import {
  ASSET_HOST_URL_MAX,
  ASSET_HOSTS_MAX_BYTES,
  type ChainCheckpoint,
  DecodeError,
  decodeAssetHosts,
  decodeEntriesTile,
  type Entry,
  emptyCheckpoint,
  encodeAssetHosts,
  encodeEntriesTile,
  entriesTilePath,
  HashChainError,
  HashChainErrorCode,
  parseEntriesTilePath,
  readAssetHosts,
  SiteChain,
  verifyChainConsistency,
  verifyEntries,
} from "../src/index.ts";

/** The `code` of the `HashChainError` `f` throws (fails the test if it throws anything else). */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HashChainError);
    return (e as HashChainError).code;
  }
  return "no error";
}

/** The `DecodeError` `f` throws, for its code and offset. */
function decodeErrorOf(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error("expected a DecodeError");
}

function chainOf(n: number, start = 1000): SiteChain {
  const c = new SiteChain();
  for (let i = 0; i < n; i++) {
    c.append({
      timeCreated: BigInt(start + i),
      resourceHash: new Uint8Array(32).fill((i + 1) & 0xff),
      ...(i === 0 ? { assetHosts: ["https://assets.example/"] } : {}),
    });
  }
  return c;
}

describe("verifyEntries", () => {
  const c = chainOf(5);
  const head = c.checkpoint();

  it("accepts the chain's own entries, and the empty chain", () => {
    expect(verifyEntries(head, c.entries())).toBe(true);
    expect(verifyEntries(emptyCheckpoint(), [])).toBe(true);
  });

  it("rejects one tampered byte in any hash field of any entry (same length, same positions)", () => {
    for (let k = 0; k < 5; k++) {
      for (const field of ["resourceHash", "assetHostsHash"] as const) {
        const es = c.entries();
        const e = es[k]!;
        const h = e[field].slice();
        h[31]! ^= 1;
        es[k] = { ...e, [field]: h };
        expect(verifyEntries(head, es), `${field} of entry ${k}`).toBe(false);
      }
    }
  });

  it("rejects a later time on the last entry (the digest changes) and a wrong lastTime", () => {
    const es = c.entries();
    es[4] = { ...es[4]!, timeCreated: es[4]!.timeCreated + 1n };
    expect(verifyEntries(head, es)).toBe(false);
    expect(verifyEntries({ ...head, lastTime: head.lastTime! + 1n }, c.entries())).toBe(false);
    expect(verifyEntries({ ...head, lastTime: undefined }, c.entries())).toBe(true);
  });

  it("rejects a digest of another chain of the same size", () => {
    const other = chainOf(5, 2000).checkpoint();
    expect(verifyEntries({ ...other, lastTime: undefined }, c.entries())).toBe(false);
  });

  it("rejects one entry too few or too many", () => {
    expect(verifyEntries({ ...head, size: 4n }, c.entries())).toBe(false);
    expect(verifyEntries(head, c.entries().slice(0, 4))).toBe(false);
    expect(verifyEntries({ ...head, size: 6n }, c.entries())).toBe(false);
  });

  it("rejects a non-zero digest for the empty chain", () => {
    const d = new Uint8Array(32);
    d[0] = 1;
    expect(verifyEntries({ size: 0n, digest: d }, [])).toBe(false);
  });
});

describe("SiteChain ranges", () => {
  const c = chainOf(3);

  it("proveConsistency rejects sizes past the chain, and oldSize > newSize", () => {
    expect(codeOf(() => c.proveConsistency(0n, c.size + 5n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveConsistency(0n, c.size + 1n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveConsistency(c.size + 1n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveConsistency(2n, 1n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.proveConsistency(c.size).entries).toEqual([]);
    expect(c.proveConsistency(1n, 1n).entries).toEqual([]);
    expect(c.proveConsistency(0n).entries).toEqual(c.entries());
  });

  it("proveInclusion needs index < size <= chain size", () => {
    expect(codeOf(() => c.proveInclusion(2n, 2n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveInclusion(3n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.proveInclusion(0n, 4n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.proveInclusion(1n, 2n).entriesAfter).toEqual([]);
    expect(c.proveInclusion(0n, 2n).entriesAfter).toEqual([c.entry(1n)]);
  });

  it("digestAt, chainHashAfter, entry and node stop at the chain's end", () => {
    expect(codeOf(() => c.digestAt(4n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.digestAt(3n)).toEqual(c.digest);
    expect(c.digestAt(0n)).toEqual(new Uint8Array(32));
    expect(codeOf(() => c.chainHashAfter(3n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.chainHashAfter(2n)).toEqual(c.digest);
    expect(codeOf(() => c.entry(3n))).toBe(HashChainErrorCode.OutOfRange);
    expect(codeOf(() => c.node(3n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.node(2n)).toEqual(c.head);
    expect(codeOf(() => c.checkpoint(4n))).toBe(HashChainErrorCode.OutOfRange);
    expect(c.checkpoint(0n)).toEqual({ size: 0n, digest: new Uint8Array(32) });
    expect(c.checkpoint(1n)).toEqual({ size: 1n, digest: c.digestAt(1n), lastTime: 1000n });
  });

  it("entriesTile: the tile past the end is out of range, bad indexes are RangeErrors", () => {
    const full = chainOf(256);
    expect(full.entriesTile(0n).length).toBe(256 * 80);
    expect(codeOf(() => full.entriesTile(1n))).toBe(HashChainErrorCode.OutOfRange);
    expect(() => full.entriesTile(-1n)).toThrow(RangeError);
    expect(() => full.entriesTile(1n << 24n)).toThrow(RangeError);
    expect(() => full.entriesTile(0 as unknown as bigint)).toThrow(RangeError);
    const partial = chainOf(257);
    expect(partial.entriesTile(1n).length).toBe(80);
  });

  it("append rules: position, time, hosts", () => {
    const d = chainOf(2);
    const h = d.head!.entry;
    expect(codeOf(() => d.appendEntry({ ...h, positionInChain: 3n }))).toBe(
      HashChainErrorCode.PositionMismatch,
    );
    expect(codeOf(() => d.appendEntry({ ...h, positionInChain: 1n }))).toBe(
      HashChainErrorCode.PositionMismatch,
    );
    expect(codeOf(() => d.appendEntry({ ...h, positionInChain: 2n, timeCreated: h.timeCreated - 1n }))).toBe(
      HashChainErrorCode.TimeWentBackwards,
    );
    // Equal time is allowed.
    d.appendEntry({ ...h, positionInChain: 2n });
    expect(d.size).toBe(3n);
    expect(
      codeOf(() =>
        d.append({
          timeCreated: 5000n,
          resourceHash: new Uint8Array(32),
          assetHosts: ["a"],
          assetHostsHash: h.assetHostsHash,
        }),
      ),
    ).toBe(HashChainErrorCode.AmbiguousAssetHosts);
    expect(codeOf(() => new SiteChain().append({ timeCreated: 1n, resourceHash: new Uint8Array(32) }))).toBe(
      HashChainErrorCode.MissingAssetHosts,
    );
    // The first entry may be at any time, including 0.
    const e = new SiteChain();
    e.append({ timeCreated: 0n, resourceHash: new Uint8Array(32), assetHosts: ["a"] });
    expect(e.size).toBe(1n);
    // Omitting hosts keeps the head's hosts hash.
    d.append({ timeCreated: 5000n, resourceHash: new Uint8Array(32) });
    expect(d.head!.entry.assetHostsHash).toEqual(h.assetHostsHash);
  });

  it("grows its storage past the initial 16 slots and keeps every node", () => {
    const big = chainOf(40);
    const again = SiteChain.fromEntries(big.entries());
    expect(again.digest).toEqual(big.digest);
    expect([...again.nodes()].length).toBe(40);
    expect(again.node(39n)).toEqual(big.node(39n));
    expect(again.node(0n).chainHash).toEqual(new Uint8Array(32));
    expect(again.node(17n).chainHash).toEqual(big.digestAt(17n));
  });
});

describe("entries tile encoder", () => {
  const entries = chainOf(300).entries();

  it("refuses gaps, repeats and misordered positions", () => {
    const gap = [entries[0]!, entries[1]!, entries[3]!];
    expect(() => encodeEntriesTile(gap)).toThrow(RangeError);
    expect(() => encodeEntriesTile([entries[0]!, entries[0]!])).toThrow(RangeError);
    expect(() => encodeEntriesTile([entries[0]!, entries[2]!, entries[1]!])).toThrow(RangeError);
    expect(encodeEntriesTile(entries.slice(0, 3)).length).toBe(240);
  });

  it("takes 1..256 entries starting at a multiple of 256", () => {
    expect(encodeEntriesTile(entries.slice(0, 256)).length).toBe(256 * 80);
    expect(() => encodeEntriesTile(entries.slice(0, 257))).toThrow(RangeError);
    expect(() => encodeEntriesTile([])).toThrow(RangeError);
    expect(() => encodeEntriesTile(entries.slice(1, 3))).toThrow(RangeError);
    expect(encodeEntriesTile(entries.slice(256, 300)).length).toBe(44 * 80);
    expect(() => encodeEntriesTile("x" as unknown as Entry[])).toThrow(RangeError);
  });

  it("refuses a first position whose tile index is 2^24 or more, accepts the last tile", () => {
    const at = (p: bigint): Entry => ({ ...entries[0]!, positionInChain: p });
    expect(() => encodeEntriesTile([at(1n << 32n)])).toThrow(RangeError);
    expect(encodeEntriesTile([at((1n << 32n) - 256n)]).length).toBe(80);
  });
});

describe("entries tile decoder", () => {
  const c = chainOf(300);
  const tile0 = c.entriesTile(0n);
  const tile1 = c.entriesTile(1n);

  it("needs exactly width * 80 bytes: truncated and trailing at the exact boundary", () => {
    expect(decodeEntriesTile(tile0, 0n).length).toBe(256);
    const short = decodeErrorOf(() => decodeEntriesTile(tile0.subarray(0, 256 * 80 - 1), 0n));
    expect([short.code, short.offset]).toEqual([HashChainErrorCode.Truncated, 256 * 80 - 1]);
    const long = decodeErrorOf(() => decodeEntriesTile(Uint8Array.from([...tile1, 0]), 1n, 44));
    expect([long.code, long.offset]).toEqual([HashChainErrorCode.Trailing, 44 * 80]);
  });

  it("checks each entry's position against the tile index", () => {
    const e = decodeErrorOf(() => decodeEntriesTile(tile1, 0n, 44));
    expect([e.code, e.offset]).toEqual([HashChainErrorCode.InvalidValue, 0]);
    const swapped = tile0.slice();
    swapped.set(tile0.subarray(160, 240), 80);
    const s = decodeErrorOf(() => decodeEntriesTile(swapped, 0n));
    expect([s.code, s.offset]).toEqual([HashChainErrorCode.InvalidValue, 80]);
  });

  it("width is an integer in 1..256; index in [0, 2^24)", () => {
    expect(() => decodeEntriesTile(new Uint8Array(0), 0n, 0)).toThrow(RangeError);
    expect(() => decodeEntriesTile(new Uint8Array(257 * 80), 0n, 257)).toThrow(RangeError);
    expect(() => decodeEntriesTile(tile1, 1n, 43.5)).toThrow(RangeError);
    expect(() => decodeEntriesTile(tile1, -1n, 44)).toThrow(RangeError);
    expect(() => decodeEntriesTile(tile1, 1n << 24n, 44)).toThrow(RangeError);
    expect(() => decodeEntriesTile(tile1, 1 as unknown as bigint, 44)).toThrow(TypeError);
    expect(decodeEntriesTile(tile1.subarray(0, 80), 1n, 1)[0]!.positionInChain).toBe(256n);
  });
});

describe("entries tile paths", () => {
  it("rejects a partial width with anything after its digits (the regex is anchored)", () => {
    for (const bad of [
      "/entries-tile/example.com/003.p/12a",
      "/entries-tile/example.com/003.p/12/",
      "/entries-tile/example.com/003.p/1 ",
      "/entries-tile/example.com/003.p/x12",
      "/entries-tile/example.com/003.p/",
      "/entries-tile/example.com/003.p/1000",
    ]) {
      const e = decodeErrorOf(() => parseEntriesTilePath(bad));
      expect([e.code, e.offset], bad).toEqual([HashChainErrorCode.InvalidValue, 32]);
    }
  });

  it("partial widths 1 and 255 parse; 256 only as a full tile", () => {
    expect(parseEntriesTilePath("/entries-tile/example.com/003.p/1").width).toBe(1);
    expect(parseEntriesTilePath("/entries-tile/example.com/003.p/255").width).toBe(255);
    expect(parseEntriesTilePath("/entries-tile/example.com/003")).toEqual({
      domain: "example.com",
      index: 3n,
      width: 256,
    });
    expect(entriesTilePath("example.com", 3n, 256)).toBe("/entries-tile/example.com/003");
    expect(entriesTilePath("example.com", 3n, 1)).toBe("/entries-tile/example.com/003.p/1");
    expect(() => entriesTilePath("example.com", 3n, 0)).toThrow(RangeError);
    expect(() => entriesTilePath("example.com", 3n, 257)).toThrow(RangeError);
    expect(() => entriesTilePath("example.com", 3n, 2.5)).toThrow(RangeError);
  });

  it("reports where the index went wrong, relative to the whole path", () => {
    const e = decodeErrorOf(() => parseEntriesTilePath("/entries-tile/example.com/x001/0a1"));
    expect([e.code, e.offset]).toEqual([HashChainErrorCode.InvalidValue, 31]);
    const big = decodeErrorOf(() => parseEntriesTilePath("/entries-tile/example.com/x016/x777/216"));
    expect(big.code).toBe(HashChainErrorCode.Oversized);
    const last = parseEntriesTilePath("/entries-tile/example.com/x016/x777/215");
    expect(last.index).toBe((1n << 24n) - 1n);
    const lead = decodeErrorOf(() => parseEntriesTilePath("/entries-tile/example.com/x000/001"));
    expect([lead.code, lead.offset]).toEqual([HashChainErrorCode.NonCanonical, 26]);
  });

  it("domain: 1..255 characters of [A-Za-z0-9.-], nothing before or after", () => {
    expect(parseEntriesTilePath(`/entries-tile/${"a".repeat(255)}/000`).domain).toBe("a".repeat(255));
    for (const bad of [
      `/entries-tile/${"a".repeat(256)}/000`,
      "/entries-tile//000",
      "/entries-tile/a_b/000",
      "/entries-tile/a:1/000",
    ]) {
      const e = decodeErrorOf(() => parseEntriesTilePath(bad));
      expect([e.code, e.offset], bad).toEqual([HashChainErrorCode.InvalidValue, 14]);
    }
    const none = decodeErrorOf(() => parseEntriesTilePath("/entries-tile/example.com"));
    expect([none.code, none.offset]).toEqual([HashChainErrorCode.Truncated, 25]);
    const other = decodeErrorOf(() => parseEntriesTilePath("/entries-tiles/example.com/000"));
    expect([other.code, other.offset]).toEqual([HashChainErrorCode.InvalidValue, 0]);
    expect(() => entriesTilePath("a".repeat(256), 0)).toThrow(RangeError);
    expect(() => entriesTilePath("", 0)).toThrow(RangeError);
    expect(() => entriesTilePath("a\nb", 0)).toThrow(RangeError);
    expect(entriesTilePath("a".repeat(255), 0)).toBe(`/entries-tile/${"a".repeat(255)}/000`);
  });
});

describe("asset host vectors: exact maxima", () => {
  /** `n` distinct urls of `len` bytes each ("000xxx…", "001xxx…", …). */
  const urls = (n: number, len: number) =>
    Array.from({ length: n }, (_, i) => i.toString().padStart(3, "0") + "x".repeat(len - 3));

  it("a url of exactly 511 bytes round-trips; 512 is refused by both sides", () => {
    const max = "u".repeat(ASSET_HOST_URL_MAX);
    const b = encodeAssetHosts([max]);
    expect(b.length).toBe(2 + 2 + 511);
    expect(decodeAssetHosts(b)).toEqual([max]);
    expect(() => encodeAssetHosts(["u".repeat(512)])).toThrow(RangeError);
    const over = Uint8Array.from([0x02, 0x02, 0x02, 0x00, ...new Uint8Array(512).fill(0x75)]);
    const e = decodeErrorOf(() => decodeAssetHosts(over));
    expect([e.code, e.offset]).toEqual([HashChainErrorCode.Oversized, 2]);
  });

  it("a vector of exactly 8191 bytes round-trips; 8192 is refused by both sides", () => {
    // 15 urls of 511 bytes (15 * 513 = 7695) plus one of 494 bytes (496): 8191 bytes.
    const hosts = [...urls(15, 511), `zzz${"y".repeat(491)}`];
    const b = encodeAssetHosts(hosts);
    expect(b.length).toBe(2 + ASSET_HOSTS_MAX_BYTES);
    expect(decodeAssetHosts(b)).toEqual(hosts);
    const tooBig = [...urls(15, 511), `zzz${"y".repeat(492)}`];
    expect(() => encodeAssetHosts(tooBig)).toThrow(RangeError);
    // The same bytes with the outer length one larger (and one more url byte) are oversized.
    const body = Uint8Array.from([...b.subarray(2, 2 + 7695), 0x01, 0xef, ...new Uint8Array(495).fill(0x79)]);
    body[7695 + 2] = 0x7a;
    const over = Uint8Array.from([0x20, 0x00, ...body]);
    const e = decodeErrorOf(() => decodeAssetHosts(over));
    expect([e.code, e.offset]).toEqual([HashChainErrorCode.Oversized, 0]);
  });

  it("each decoder rejection, with its code and offset", () => {
    const cases: [number[], string, number][] = [
      [[0], HashChainErrorCode.Truncated, 1],
      [[0, 5, 0, 1], HashChainErrorCode.Truncated, 4],
      [[0, 1, 0], HashChainErrorCode.Truncated, 2],
      [[0, 3, 0, 2, 0x61], HashChainErrorCode.Truncated, 4],
      [[0, 4, 0, 1, 0x61, 0], HashChainErrorCode.Truncated, 5],
      [[0, 3, 0, 1, 0x61, 9], HashChainErrorCode.Trailing, 5],
      [[0, 5, 0, 1, 0x61, 0, 0], HashChainErrorCode.InvalidValue, 5],
      [[0, 6, 0, 1, 0x62, 0, 1, 0x61], HashChainErrorCode.NonCanonical, 5],
      [[0, 3, 0, 1, 0x80], HashChainErrorCode.InvalidValue, 4],
    ];
    for (const [bytes, code, offset] of cases) {
      const e = decodeErrorOf(() => decodeAssetHosts(Uint8Array.from(bytes)));
      expect([e.code, e.offset], JSON.stringify(bytes)).toEqual([code, offset]);
    }
    expect(decodeAssetHosts(Uint8Array.from([0, 7, 0, 1, 0x61, 0, 2, 0x61, 0x61]))).toEqual(["a", "aa"]);
    expect(decodeAssetHosts(Uint8Array.from([0, 4, 0, 2, 0xc3, 0xa9]))).toEqual(["é"]);
  });

  it("readAssetHosts at an offset: bounds are relative to the offset", () => {
    const inner = encodeAssetHosts(["https://a/"]);
    const buf = Uint8Array.from([9, 9, ...inner]);
    expect(readAssetHosts(buf, 2)).toEqual({ hosts: ["https://a/"], end: buf.length });
    const cut = decodeErrorOf(() => readAssetHosts(buf.subarray(0, buf.length - 1), 2));
    expect([cut.code, cut.offset]).toEqual([HashChainErrorCode.Truncated, buf.length - 1]);
    const noLen = decodeErrorOf(() => readAssetHosts(Uint8Array.of(9, 9, 0), 2));
    expect([noLen.code, noLen.offset]).toEqual([HashChainErrorCode.Truncated, 3]);
  });

  it("encoder: sorted bytewise with a shorter prefix first, duplicates refused", () => {
    expect(decodeAssetHosts(encodeAssetHosts(["b", "ab", "a", "B"]))).toEqual(["B", "a", "ab", "b"]);
    expect(() => encodeAssetHosts(["a", "a"])).toThrow(RangeError);
    expect(() => encodeAssetHosts("a" as unknown as string[])).toThrow(TypeError);
  });
});

describe("consistency: the rules of the replayed entries", () => {
  const c = chainOf(4);
  const older: ChainCheckpoint = c.checkpoint(2n);

  it("verifies the real extension and refuses a tampered entry of the right length", () => {
    const p = c.proveConsistency(2n);
    expect(verifyChainConsistency(older, c.checkpoint(), p)).toBe(true);
    const es = p.entries.map((e) => ({ ...e }));
    const h = es[1]!.resourceHash.slice();
    h[0]! ^= 0x80;
    es[1] = { ...es[1]!, resourceHash: h };
    expect(verifyChainConsistency(older, c.checkpoint(), { ...p, entries: es })).toBe(false);
  });

  it("refuses entries older than the trusted lastTime, and a wrong newer lastTime", () => {
    const p = c.proveConsistency(2n);
    expect(verifyChainConsistency({ ...older, lastTime: 1002n }, c.checkpoint(), p)).toBe(true);
    expect(verifyChainConsistency({ ...older, lastTime: 1003n }, c.checkpoint(), p)).toBe(false);
    expect(verifyChainConsistency(older, { ...c.checkpoint(), lastTime: 1004n }, p)).toBe(false);
    expect(verifyChainConsistency(older, { ...c.checkpoint(), lastTime: undefined }, p)).toBe(true);
  });

  it("equal sizes: only equal digests, an empty proof and agreeing lastTimes", () => {
    const same = c.checkpoint(2n);
    const empty = { oldSize: 2n, entries: [] };
    expect(verifyChainConsistency(same, same, empty)).toBe(true);
    expect(verifyChainConsistency(same, { ...same, lastTime: undefined }, empty)).toBe(true);
    expect(verifyChainConsistency({ ...same, lastTime: undefined }, same, empty)).toBe(true);
    expect(verifyChainConsistency(same, { ...same, lastTime: same.lastTime! + 1n }, empty)).toBe(false);
    expect(verifyChainConsistency(same, { ...same, digest: c.digestAt(1n) }, empty)).toBe(false);
  });

  it("refuses a proof for another old size, a shrinking chain and a wrong entry count", () => {
    const p = c.proveConsistency(2n);
    expect(verifyChainConsistency(older, c.checkpoint(), { ...p, oldSize: 1n })).toBe(false);
    expect(verifyChainConsistency(c.checkpoint(), older, { oldSize: 4n, entries: [] })).toBe(false);
    expect(verifyChainConsistency(older, c.checkpoint(), { ...p, entries: p.entries.slice(0, 1) })).toBe(
      false,
    );
    expect(verifyChainConsistency(older, c.checkpoint(3n), p)).toBe(false);
  });

  it("binds the newer size: a digest reached with fewer entries than the size claims is refused", () => {
    const p3 = c.proveConsistency(2n, 3n);
    expect(verifyChainConsistency(older, c.checkpoint(3n), p3)).toBe(true);
    expect(verifyChainConsistency(older, { ...c.checkpoint(3n), size: 4n, lastTime: undefined }, p3)).toBe(
      false,
    );
  });
});
