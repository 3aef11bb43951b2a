import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chainHashPath,
  DecodeError,
  decodeEntriesTile,
  ENTRY_SIZE,
  encodeEntriesTile,
  entriesTilePath,
  FULL_TILE_SIZE,
  formatTileIndex,
  parseEntriesTilePath,
  parseTileIndex,
  SiteChain,
  tilesForSize,
  verifyChainConsistency,
  verifyEntries,
} from "../src/index.ts";
import { entryArb, fuzzDecoder, hex } from "./helpers.ts";

function chainOf(n: number): SiteChain {
  const c = new SiteChain();
  for (let i = 0; i < n; i++) {
    c.append({
      timeCreated: BigInt(1000 + i),
      resourceHash: new Uint8Array(32).fill(i & 0xff),
      ...(i === 0 ? { assetHosts: ["https://assets.example/"] } : {}),
    });
  }
  return c;
}

describe("tile index paths (C2SP tlog-tiles)", () => {
  it("formats the spec's example and edge cases", () => {
    expect(formatTileIndex(1234067)).toBe("x001/x234/067");
    expect(formatTileIndex(0)).toBe("000");
    expect(formatTileIndex(5n)).toBe("005");
    expect(formatTileIndex(999)).toBe("999");
    expect(formatTileIndex(1000)).toBe("x001/000");
    expect(formatTileIndex((1n << 64n) - 1n)).toBe("x018/x446/x744/x073/x709/x551/615");
    expect(() => formatTileIndex(-1)).toThrow(RangeError);
    expect(() => formatTileIndex(1n << 64n)).toThrow(RangeError);
  });

  it("parse inverts format and accepts nothing else", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        expect(parseTileIndex(formatTileIndex(n))).toBe(n);
      }),
      { numRuns: 1000 },
    );
    for (const bad of [
      "",
      "1",
      "01",
      "0000",
      "x000/001",
      "001/001",
      "x1/001",
      "x001/",
      "/001",
      "x001/x002",
      "00a",
    ]) {
      expect(() => parseTileIndex(bad), bad).toThrow(DecodeError);
    }
  });

  it("parse fuzz: 10,000 strings give the canonical index or a DecodeError", () => {
    const alphabet = fc.constantFrom(..."0123456789x/.p".split(""));
    const s = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 30 }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => formatTileIndex(n)),
    );
    fc.assert(
      fc.property(s, (str) => {
        try {
          expect(formatTileIndex(parseTileIndex(str))).toBe(str);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it("builds and parses endpoint paths", () => {
    expect(entriesTilePath("example.com", 1234067)).toBe("/entries-tile/example.com/x001/x234/067");
    expect(entriesTilePath("example.com", 3n, 17)).toBe("/entries-tile/example.com/003.p/17");
    expect(parseEntriesTilePath("/entries-tile/example.com/x001/x234/067.p/255")).toEqual({
      domain: "example.com",
      index: 1234067n,
      width: 255,
    });
    expect(chainHashPath("a.example", 4294967295n)).toBe("/chain-hash/a.example/x004/x294/x967/295");
    expect(() => entriesTilePath("example.com", 1n << 24n)).toThrow(RangeError);
    expect(() => entriesTilePath("ex/ample", 1)).toThrow(RangeError);
    expect(() => chainHashPath("a.example", 1n << 32n)).toThrow(RangeError);
    for (const bad of [
      "/entries-tile/example.com/001.p/0",
      "/entries-tile/example.com/001.p/256",
      "/entries-tile/example.com/001.p/017",
      "/entries-tile/example.com/x016/x777/216",
      "/entries-tile/example.com",
      "/tile/example.com/001",
      "/entries-tile/exa mple/001",
    ]) {
      expect(() => parseEntriesTilePath(bad), bad).toThrow(DecodeError);
    }
  });
});

describe("entries tiles", () => {
  it("lists full tiles then one partial", () => {
    expect(tilesForSize(0n)).toEqual([]);
    expect(tilesForSize(256n)).toEqual([{ index: 0n, width: 256 }]);
    expect(tilesForSize(700n)).toEqual([
      { index: 0n, width: 256 },
      { index: 1n, width: 256 },
      { index: 2n, width: 188 },
    ]);
  });

  it("a chain's tiles decode back to its entries and verify against its digest", () => {
    const c = chainOf(600);
    const all = [];
    for (const t of tilesForSize(c.size)) {
      const bytes = c.entriesTile(t.index);
      expect(bytes.length).toBe(t.width * ENTRY_SIZE);
      if (t.width === 256) expect(bytes.length).toBe(FULL_TILE_SIZE);
      const es = decodeEntriesTile(bytes, t.index, t.width);
      expect(hex(encodeEntriesTile(es))).toBe(hex(bytes));
      all.push(...es);
    }
    expect(verifyEntries(c.checkpoint(), all)).toBe(true);
    // A monitor holding /chain-hash for entry 255 can check tile 1 alone.
    const tile1 = decodeEntriesTile(c.entriesTile(1n), 1n);
    const older = { size: 256n, digest: c.chainHashAfter(255n) };
    expect(verifyChainConsistency(older, c.checkpoint(512n), { oldSize: 256n, entries: tile1 })).toBe(true);
  });

  it("rejects wrong lengths and misplaced positions", () => {
    const c = chainOf(3);
    const b = c.entriesTile(0n);
    expect(() => decodeEntriesTile(b, 0n)).toThrow(DecodeError); // partial read as full
    expect(() => decodeEntriesTile(b, 1n, 3)).toThrow(DecodeError); // wrong tile index
    expect(() => decodeEntriesTile(b.subarray(0, 200), 0n, 3)).toThrow(DecodeError);
    expect(() => encodeEntriesTile(c.entries().slice(1))).toThrow(RangeError);
  });

  it("decoder fuzz: 10,000 inputs for tile 0", () => {
    const valid = fc
      .array(entryArb, { minLength: 1, maxLength: 4 })
      .map((es) => encodeEntriesTile(es.map((e, i) => ({ ...e, positionInChain: BigInt(i) }))));
    const r = fuzzDecoder(
      (b) => decodeEntriesTile(b, 0n, Math.max(1, Math.floor(b.length / 80))),
      encodeEntriesTile,
      valid,
    );
    expect(r.ok + r.rejected).toBe(10_000);
    expect(r.rejected).toBeGreaterThan(1000);
  });
});
