import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assetHostsHash,
  DecodeError,
  decodeAssetHosts,
  encodeAssetHosts,
  HashChainErrorCode,
  readAssetHosts,
} from "../src/index.ts";
import { fuzzDecoder, hex, nodeSha256 } from "./helpers.ts";

const hostArb = fc.string({ minLength: 1, maxLength: 40 });
const hostsArb = fc.uniqueArray(hostArb, { minLength: 1, maxLength: 8 });

describe("asset hosts", () => {
  it("serializes as u16 vector of u16-prefixed urls, sorted bytewise", () => {
    const b = encodeAssetHosts(["https://b/", "https://B/"]);
    // "https://B/" (0x42) sorts before "https://b/" (0x62).
    const want = `0018000a${Buffer.from("https://B/").toString("hex")}000a${Buffer.from("https://b/").toString("hex")}`;
    expect(hex(b)).toBe(want);
    expect(decodeAssetHosts(b)).toEqual(["https://B/", "https://b/"]);
  });

  it("sorts a shorter prefix first", () => {
    expect(decodeAssetHosts(encodeAssetHosts(["ab", "a"]))).toEqual(["a", "ab"]);
  });

  it("hash is independent of input order and equals H('waict-ah' || vector)", () => {
    fc.assert(
      fc.property(hostsArb, (hosts) => {
        const h = assetHostsHash(hosts);
        expect(hex(assetHostsHash([...hosts].reverse()))).toBe(hex(h));
        expect(hex(h)).toBe(
          hex(nodeSha256(Buffer.concat([Buffer.from("waict-ah"), encodeAssetHosts(hosts)]))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("rejects empty sets, empty/oversized urls, duplicates and > 8191 bytes with RangeError", () => {
    expect(() => assetHostsHash([])).toThrow(RangeError);
    expect(() => assetHostsHash([""])).toThrow(RangeError);
    expect(() => assetHostsHash(["x".repeat(512)])).toThrow(RangeError);
    expect(() => assetHostsHash(["x".repeat(511)])).not.toThrow();
    expect(() => assetHostsHash(["é".repeat(256)])).toThrow(RangeError); // 512 UTF-8 bytes
    expect(() => assetHostsHash(["a", "b", "a"])).toThrow(RangeError);
    // 16 hosts of 511 bytes = 16 * 513 = 8208 bytes > 8191.
    const many = Array.from({ length: 16 }, (_, i) => i.toString(16).padStart(2, "0") + "x".repeat(509));
    expect(() => assetHostsHash(many)).toThrow(RangeError);
    expect(() => assetHostsHash(many.slice(0, 15))).not.toThrow();
    expect(() => assetHostsHash([1 as unknown as string])).toThrow(TypeError);
  });

  it("decoder rejects unsorted, duplicate, empty and non-UTF-8 hosts", () => {
    const code = (b: number[]): string => {
      try {
        decodeAssetHosts(Uint8Array.from(b));
        return "ok";
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        return (e as DecodeError).code;
      }
    };
    expect(code([0, 6, 0, 1, 0x62, 0, 1, 0x61])).toBe(HashChainErrorCode.NonCanonical);
    expect(code([0, 6, 0, 1, 0x61, 0, 1, 0x61])).toBe(HashChainErrorCode.NonCanonical);
    expect(code([0, 0])).toBe(HashChainErrorCode.InvalidValue);
    expect(code([0, 2, 0, 0])).toBe(HashChainErrorCode.InvalidValue);
    expect(code([0, 3, 0, 1, 0xff])).toBe(HashChainErrorCode.InvalidValue);
    expect(code([0x20, 0, 0, 1, 0x61])).toBe(HashChainErrorCode.Oversized);
    expect(code([0, 4, 0x02, 0, 0x61, 0x61])).toBe(HashChainErrorCode.Oversized);
    expect(code([0, 3, 0, 1, 0x61])).toBe("ok");
  });

  it("a url starting with a byte-order mark keeps it: decoded hosts re-encode to the same bytes", () => {
    const bom = encodeAssetHosts(["\uFEFFa"]);
    expect(hex(bom)).toBe("00060004efbbbf61");
    expect(decodeAssetHosts(bom)).toEqual(["\uFEFFa"]);
    expect(hex(encodeAssetHosts(decodeAssetHosts(bom)))).toBe(hex(bom));
    // With the mark stripped, this set of two distinct urls would decode as a duplicate.
    const two = encodeAssetHosts(["a", "\uFEFFa"]);
    expect(decodeAssetHosts(two)).toEqual(["a", "\uFEFFa"]);
    expect(hex(assetHostsHash(decodeAssetHosts(two)))).toBe(hex(assetHostsHash(["\uFEFFa", "a"])));
    expect(hex(assetHostsHash(["\uFEFFa"]))).not.toBe(hex(assetHostsHash(["a"])));
  });

  it("readAssetHosts reads inside a larger buffer", () => {
    const inner = encodeAssetHosts(["https://a/"]);
    const buf = Uint8Array.from([9, 9, ...inner, 7]);
    expect(readAssetHosts(buf, 2)).toEqual({ hosts: ["https://a/"], end: 2 + inner.length });
  });

  it("fuzz: 10,000 inputs give hosts that re-encode or a DecodeError", () => {
    const s = fuzzDecoder(decodeAssetHosts, encodeAssetHosts, hostsArb.map(encodeAssetHosts));
    expect(s.ok + s.rejected).toBe(10_000);
    expect(s.rejected).toBeGreaterThan(1000);
  });
});
