/**
 * Found by mutation testing (`pnpm mutate`, the fifth session's run of entries-tile, checkpoint,
 * entry, entry-vector, chain-node and bytes): the 24-bit helpers prefix-tree imports from
 * `@sealroom/hash-chain/bytes`, `bytesEqual` on different lengths, and `verifyEntries` on the empty
 * chain when the checkpoint names a last time.
 */
import { describe, expect, it } from "vitest";
import { bytesEqual, readU24, writeU24 } from "../src/bytes.ts";
import { verifyEntries } from "../src/index.ts";

describe("24-bit integers and byte equality", () => {
  it("writeU24 writes exactly three big-endian bytes at the offset; readU24 reads them back", () => {
    for (const v of [0, 1, 0xff, 0x100, 0x123456, 0xfffffe, 0xffffff]) {
      const b = new Uint8Array(6).fill(0xee);
      writeU24(b, 2, v);
      expect([...b]).toEqual([0xee, 0xee, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff, 0xee]);
      expect(readU24(b, 2)).toBe(v);
    }
    expect(readU24(Uint8Array.of(9, 0x01, 0x02, 0x03, 9), 1)).toBe(0x010203);
  });

  it("bytesEqual: different lengths are unequal, whichever is longer", () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    expect(bytesEqual(new Uint8Array(0), Uint8Array.of(0))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
  });
});

describe("verifyEntries on the empty chain", () => {
  it("no entries match a size-0 checkpoint, with or without a last time", () => {
    const zero = new Uint8Array(32);
    expect(verifyEntries({ size: 0n, digest: zero }, [])).toBe(true);
    expect(verifyEntries({ size: 0n, digest: zero, lastTime: 0n }, [])).toBe(true);
    expect(verifyEntries({ size: 0n, digest: new Uint8Array(32).fill(1), lastTime: 0n }, [])).toBe(false);
  });
});
