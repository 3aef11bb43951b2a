import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHAIN_NODE_SIZE,
  type ChainNode,
  DecodeError,
  decodeChainNode,
  decodeEntry,
  ENTRY_SIZE,
  encodeChainNode,
  encodeEntry,
  HashChainErrorCode,
  isTombstone,
  nextChainHash,
} from "../src/index.ts";
import { entryArb, fuzzDecoder, hash32, hex, nodeSha256 } from "./helpers.ts";

const entry = {
  positionInChain: 0x0102030405060708n,
  timeCreated: 0xfffffffffffffffen,
  resourceHash: new Uint8Array(32).fill(0xaa),
  assetHostsHash: new Uint8Array(32).fill(0xbb),
};

describe("Entry", () => {
  it("has the draft's 80-byte big-endian layout", () => {
    expect(ENTRY_SIZE).toBe(80);
    expect(hex(encodeEntry(entry))).toBe(
      `0102030405060708${"ff".repeat(7)}fe${"aa".repeat(32)}${"bb".repeat(32)}`,
    );
  });

  it("round-trips", () => {
    fc.assert(
      fc.property(entryArb, (e) => {
        expect(decodeEntry(encodeEntry(e))).toEqual(e);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects misuse with TypeError/RangeError naming the field", () => {
    expect(() => encodeEntry({ ...entry, positionInChain: -1n })).toThrow(/positionInChain/);
    expect(() => encodeEntry({ ...entry, timeCreated: 1n << 64n })).toThrow(RangeError);
    expect(() => encodeEntry({ ...entry, resourceHash: new Uint8Array(31) })).toThrow(/resourceHash/);
    expect(() => encodeEntry({ ...entry, timeCreated: 5 as unknown as bigint })).toThrow(TypeError);
  });

  it("decoder reports truncation and trailing bytes with offsets", () => {
    const b = encodeEntry(entry);
    const t = (() => {
      try {
        decodeEntry(b.subarray(0, 79));
      } catch (e) {
        return e;
      }
    })();
    expect(t).toBeInstanceOf(DecodeError);
    expect((t as DecodeError).code).toBe(HashChainErrorCode.Truncated);
    expect((t as DecodeError).offset).toBe(79);
    try {
      decodeEntry(Uint8Array.from([...b, 0]));
      expect.unreachable();
    } catch (e) {
      expect((e as DecodeError).code).toBe(HashChainErrorCode.Trailing);
      expect((e as DecodeError).offset).toBe(80);
    }
  });

  it("decoded hashes do not alias the input", () => {
    const b = encodeEntry(entry);
    const e = decodeEntry(b);
    b[20] = 0;
    expect(e.resourceHash[4]).toBe(0xaa);
  });

  it("tombstone = all-zero resource hash", () => {
    expect(isTombstone({ ...entry, resourceHash: new Uint8Array(32) })).toBe(true);
    const almost = new Uint8Array(32);
    almost[31] = 1;
    expect(isTombstone({ ...entry, resourceHash: almost })).toBe(false);
    expect(isTombstone(entry)).toBe(false);
  });

  it("fuzz: 10,000 inputs give a value that re-encodes or a DecodeError", () => {
    const s = fuzzDecoder(decodeEntry, encodeEntry, entryArb.map(encodeEntry));
    expect(s.ok + s.rejected).toBe(10_000);
    expect(s.rejected).toBeGreaterThan(1000);
  });
});

const nodeArb: fc.Arbitrary<ChainNode> = fc.record({ entry: entryArb, chainHash: hash32 });

describe("ChainNode", () => {
  it("is Entry || chain_hash, 112 bytes", () => {
    expect(CHAIN_NODE_SIZE).toBe(112);
    const n = { entry, chainHash: new Uint8Array(32).fill(0xcc) };
    expect(hex(encodeChainNode(n))).toBe(hex(encodeEntry(entry)) + "cc".repeat(32));
    expect(decodeChainNode(encodeChainNode(n))).toEqual(n);
  });

  it("nextChainHash = SHA-256('waict-ch' || node), checked with node:crypto", () => {
    fc.assert(
      fc.property(nodeArb, (n) => {
        const want = nodeSha256(Buffer.concat([Buffer.from("waict-ch"), encodeChainNode(n)]));
        expect(hex(nextChainHash(n))).toBe(hex(want));
        expect(hex(nextChainHash(n, nodeSha256))).toBe(hex(want));
      }),
      { numRuns: 500 },
    );
  });

  it("fuzz: 10,000 inputs give a value that re-encodes or a DecodeError", () => {
    const s = fuzzDecoder(decodeChainNode, encodeChainNode, nodeArb.map(encodeChainNode));
    expect(s.ok + s.rejected).toBe(10_000);
    expect(s.rejected).toBeGreaterThan(1000);
  });
});
