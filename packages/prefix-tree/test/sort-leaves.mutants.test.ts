/**
 * `sortLeaves` (the sort behind `bulkBuild`) against a plain comparison sort, on key sets shaped to
 * reach each of its paths: buckets of one key, small buckets sorted by insertion (also the first
 * and the last bucket, keys starting 0x000000 and 0xffffff), large buckets of keys clustered under
 * one prefix, and sizes on both sides of the 16..24 counting bits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortLeaves } from "../src/prefix-tree.ts";
import { randomBytes } from "./helpers.ts";

function referenceSort(keys: Uint8Array, values: Uint8Array, n: number) {
  const order = [...Array(n).keys()].sort((a, b) =>
    Buffer.compare(keys.subarray(a * 32, a * 32 + 32), keys.subarray(b * 32, b * 32 + 32)),
  );
  const sk = new Uint8Array(n * 32);
  const sv = new Uint8Array(n * 32);
  order.forEach((x, i) => {
    sk.set(keys.subarray(x * 32, x * 32 + 32), i * 32);
    sv.set(values.subarray(x * 32, x * 32 + 32), i * 32);
  });
  return { keys: sk, values: sv };
}

/** n distinct keys; `head` picks the first three bytes from a few values so that buckets fill up. */
function clustered(n: number, heads: number[], seed: number): Uint8Array {
  const keys = randomBytes(n * 32, seed);
  for (let i = 0; i < n; i++) {
    const h = heads[(keys[i * 32 + 3] as number) % heads.length] as number;
    keys[i * 32] = h >>> 16;
    keys[i * 32 + 1] = (h >>> 8) & 0xff;
    keys[i * 32 + 2] = h & 0xff;
    keys[i * 32 + 31] = i & 0xff; // with byte 30, distinct
    keys[i * 32 + 30] = i >>> 8;
  }
  return keys;
}

describe("sortLeaves", () => {
  it("sorts keys, carrying each value along, for every bucket shape", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.array(fc.constantFrom(0x000000, 0x000001, 0x0000ff, 0x7fff00, 0x800000, 0xfffffe, 0xffffff), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (n, heads, seed) => {
          const keys = clustered(n, heads, seed);
          const values = randomBytes(n * 32, seed + 1);
          const got = sortLeaves(keys, values, n);
          const want = referenceSort(keys, values, n);
          expect(got.keys).toEqual(want.keys);
          expect(got.values).toEqual(want.values);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sorts uniformly random keys at sizes around the counting bits (2^16..2^17 keys)", () => {
    for (const n of [1, 2, 3, 70_000]) {
      const keys = randomBytes(n * 32, n);
      const values = randomBytes(n * 32, n + 1);
      const got = sortLeaves(keys, values, n);
      const want = referenceSort(keys, values, n);
      expect(Buffer.compare(got.keys, want.keys)).toBe(0);
      expect(Buffer.compare(got.values, want.values)).toBe(0);
    }
  });

  it("a small last bucket and a small first bucket, in reverse order", () => {
    const n = 10;
    const keys = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      const first = i < 5;
      keys.fill(first ? 0 : 0xff, i * 32, i * 32 + 3);
      keys[i * 32 + 3] = 100 - i; // reversed inside each bucket
    }
    const values = randomBytes(n * 32, 5);
    const got = sortLeaves(keys, values, n);
    const want = referenceSort(keys, values, n);
    expect(got.keys).toEqual(want.keys);
    expect(got.values).toEqual(want.values);
  });
});
