/**
 * `decodePageRow` against the row layout of README "Page rows", written out here independently:
 * every row it accepts must satisfy the layout's rules and re-encode to the same bytes, every valid
 * row of any stratum must decode to its fields, and each rule, broken on its own, is refused with
 * its own error code at its own offset. (The fuzz test in tree.test.ts only checked that nothing
 * but a `DecodeError` escapes, so a decoder that dropped a check still passed it: mutation testing,
 * tooling/mutate/RESULTS.md.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodePageRow,
  MemoryPageStore,
  type PageRow,
  PrefixTree,
  PrefixTreeErrorCode,
} from "../src/index.ts";
import { randomBytes } from "./helpers.ts";
import { scaled } from "./scale.ts";

const HEX = "0123456789abcdef";
const LEAF = 0;
const CHILD = 1;

/** One item as the layout describes it. */
type Item =
  | { kind: 0; key: Uint8Array; value: Uint8Array; hash: Uint8Array }
  | { kind: 1; byte: number; hash: Uint8Array };

interface RowSpec {
  version?: number;
  flags: number;
  stratum: number;
  row: number;
  count?: number;
  items: Item[];
  nodeHashes: Uint8Array;
}

/** The layout: header, items, inner hashes. */
function encode(r: RowSpec): Uint8Array {
  const parts: number[] = [r.version ?? 2, r.flags, r.stratum, r.row];
  const m = r.count ?? r.items.length;
  parts.push(m >>> 8, m & 0xff);
  for (const it of r.items) {
    parts.push(it.kind);
    if (it.kind === LEAF) parts.push(...it.key, ...it.value, ...it.hash);
    else parts.push(it.byte, ...it.hash);
  }
  parts.push(...r.nodeHashes);
  return Uint8Array.from(parts);
}

/** A decoded row back in the layout (child items take key byte `stratum`). */
function reencode(row: PageRow): Uint8Array {
  const items: Item[] = [];
  for (let j = 0; j < row.count; j++) {
    const key = row.keys.subarray(j * 32, j * 32 + 32);
    const hash = row.itemHash.subarray(j * 32, j * 32 + 32);
    if (row.kinds[j] === LEAF)
      items.push({ kind: LEAF, key, value: row.values.subarray(j * 32, j * 32 + 32), hash });
    else items.push({ kind: CHILD, byte: key[row.stratum] as number, hash });
  }
  return encode({
    flags: row.split ? 1 : 0,
    stratum: row.stratum,
    row: row.row,
    items,
    nodeHashes: row.nodeHashes,
  });
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** The layout's rules for a decoded row with id `id`, checked from its fields. */
function expectFollowsLayout(id: string, row: PageRow): void {
  const s = row.stratum;
  expect(id).toMatch(/^([0-9a-f]{2})*[0-9a-f]$/);
  expect(id.length).toBe(2 * s + 1);
  expect(id[2 * s]).toBe(HEX[row.row]);
  expect(row.count).toBeGreaterThan(0);
  for (const col of [row.keys, row.values, row.itemHash]) expect(col.length).toBe(32 * row.count);
  expect(row.kinds.length).toBe(row.count);
  expect(row.nodeHashes.length).toBe(32 * (row.count - 1));
  const prefix = Buffer.from(id.slice(0, 2 * s), "hex");
  for (let j = 0; j < row.count; j++) {
    const key = row.keys.subarray(j * 32, j * 32 + 32);
    expect(key.subarray(0, s)).toEqual(new Uint8Array(prefix));
    expect((key[s] as number) >>> 4).toBe(row.row);
    if (row.kinds[j] === CHILD) {
      expect(row.split).toBe(true);
      expect(key.subarray(s + 1).every((b) => b === 0)).toBe(true);
      expect(row.values.subarray(j * 32, j * 32 + 32).every((b) => b === 0)).toBe(true);
    } else expect(row.kinds[j]).toBe(LEAF);
    if (j > 0) {
      const prev = row.keys.subarray(j * 32 - 32, j * 32);
      if (row.split) expect(key[s] as number).toBeGreaterThan(prev[s] as number);
      else expect(compareKeys(prev, key)).toBeLessThan(0);
    }
  }
}

/** Stored rows of a tree with pages at strata 0..4 (keys share their first bytes in 8 ways). */
function storedRows(): [string, Uint8Array][] {
  const store = new MemoryPageStore();
  const t = new PrefixTree({ store, maxLeavesPerPage: 6 });
  const n = 300;
  const keys = randomBytes(n * 32, 77);
  for (let i = 0; i < n; i++)
    for (let b = 0; b < 3; b++) keys[i * 32 + b] = (keys[i * 32 + b] as number) & 0x81;
  t.setMany(keys, randomBytes(n * 32, 78));
  return [...store.pages.entries()];
}
const samples = storedRows();

function decodeError(id: string, bytes: Uint8Array): { code: string; offset: number } | undefined {
  try {
    decodePageRow(id, bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset };
  }
  return undefined;
}

/** A valid row of `count` items at stratum `s`, nibble `r`, prefix `prefix` (split when `split`). */
function validRow(
  prefix: Uint8Array,
  r: number,
  count: number,
  split: boolean,
  seed: number,
): { id: string; spec: RowSpec } {
  const s = prefix.length;
  const bytes = randomBytes(count * 200 + 64, seed);
  // `count` distinct low nibbles, ascending: the next key byte of each item in a split page.
  const order = [...Array(16).keys()].sort((x, y) => (bytes[x] as number) - (bytes[y] as number) || x - y);
  const lows = order.slice(0, count).sort((x, y) => x - y);
  const items: Item[] = [];
  for (let j = 0; j < count; j++) {
    const hash = bytes.slice(64 + j * 200, 96 + j * 200);
    const byte = (r << 4) | (lows[j] as number);
    if (split && j % 2 === 1) items.push({ kind: CHILD, byte, hash });
    else {
      const key = bytes.slice(100 + j * 200, 132 + j * 200);
      key.set(prefix);
      if (split || s === 31) key[s] = byte;
      else {
        key[s] = (r << 4) | (lows[0] as number);
        key[s + 1] = j; // ascending in the byte after
      }
      items.push({ kind: LEAF, key, value: bytes.slice(140 + j * 200, 172 + j * 200), hash });
    }
  }
  const id = Buffer.from(prefix).toString("hex") + HEX[r];
  return {
    id,
    spec: {
      flags: split ? 1 : 0,
      stratum: s,
      row: r,
      items,
      nodeHashes: randomBytes(32 * (count - 1), seed + 1),
    },
  };
}

describe("decodePageRow follows the row layout", () => {
  it("every stored row of a tree decodes to its fields and re-encodes to the same bytes", () => {
    const strata = new Set(samples.map(([id]) => (id.length - 1) / 2));
    expect([...strata].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(samples.some(([, b]) => b[1] === 1)).toBe(true);
    for (const [id, bytes] of samples) {
      const row = decodePageRow(id, bytes);
      expectFollowsLayout(id, row);
      expect(reencode(row)).toEqual(bytes);
    }
  });

  it("valid rows of every stratum 0..31, both page types, 1..16 items decode to exactly their fields", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        fc.nat(),
        (s, r, count, split, seed) => {
          const { id, spec } = validRow(
            randomBytes(s, seed + 5),
            r,
            split ? Math.min(count, 16) : count,
            split,
            seed,
          );
          const bytes = encode(spec);
          const row = decodePageRow(id, bytes);
          expectFollowsLayout(id, row);
          expect(reencode(row)).toEqual(bytes);
          expect([row.split, row.stratum, row.row, row.count]).toEqual([split, s, r, spec.items.length]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("mutated, cut, extended and random rows are refused, or decode to a row of the layout with the same bytes", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: samples.length - 1 }),
        fc.oneof(
          fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
          fc.record({ kind: fc.constant("set" as const), at: fc.nat({ max: 40 }), v: fc.nat({ max: 255 }) }),
          fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
          fc.record({
            kind: fc.constant("extend" as const),
            extra: fc.uint8Array({ minLength: 1, maxLength: 40 }),
          }),
          fc.record({ kind: fc.constant("random" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
        ),
        (which, m) => {
          const [id, orig] = samples[which] as [string, Uint8Array];
          let b: Uint8Array;
          if (m.kind === "flip" || m.kind === "set") {
            b = orig.slice();
            const at = m.at % b.length;
            b[at] = m.kind === "flip" ? (b[at] as number) ^ (1 << m.bit) : m.v;
          } else if (m.kind === "cut") b = orig.slice(0, m.at % orig.length);
          else if (m.kind === "extend") b = Uint8Array.from([...orig, ...m.extra]);
          else b = m.bytes;
          let row: PageRow;
          try {
            row = decodePageRow(id, b);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
            return;
          }
          expectFollowsLayout(id, row);
          expect(reencode(row)).toEqual(b);
        },
      ),
      { numRuns: scaled(10_000, 2_000) },
    );
  });
});

describe("decodePageRow refuses each broken rule with its code and offset", () => {
  const prefix = Uint8Array.of(0x3f, 0x10);
  const leafRow = validRow(prefix, 7, 3, false, 11); // id "3f107", three leaves
  const splitRow = validRow(prefix, 7, 4, true, 12); // leaves and children
  expect(splitRow.spec.items.some((it) => it.kind === CHILD)).toBe(true);
  const leafBytes = encode(leafRow.spec);
  const splitBytes = encode(splitRow.spec);
  const expectRefused = (id: string, bytes: Uint8Array, code: string, offset: number) =>
    expect(decodeError(id, bytes)).toEqual({ code, offset });
  const patched = (bytes: Uint8Array, at: number, ...v: number[]) => {
    const b = bytes.slice();
    b.set(v, at);
    return b;
  };

  it("header: length, version, flags, empty", () => {
    expect(decodeError(leafRow.id, leafBytes)).toBeUndefined();
    expectRefused(leafRow.id, leafBytes.slice(0, 5), PrefixTreeErrorCode.Truncated, 5);
    expectRefused(leafRow.id, leafBytes.slice(0, 6), PrefixTreeErrorCode.Truncated, 6); // items missing
    // Six bytes saying zero items: the header is all there, the row is empty.
    expectRefused(leafRow.id, patched(leafBytes.slice(0, 6), 4, 0, 0), PrefixTreeErrorCode.Malformed, 4);
    expectRefused(leafRow.id, patched(leafBytes, 4, 0, 0), PrefixTreeErrorCode.Malformed, 4);
    expectRefused(leafRow.id, patched(leafBytes, 0, 1), PrefixTreeErrorCode.BadVersion, 0);
    expectRefused(leafRow.id, patched(leafBytes, 0, 3), PrefixTreeErrorCode.BadVersion, 0);
    expectRefused(leafRow.id, patched(leafBytes, 1, 2), PrefixTreeErrorCode.Malformed, 1);
    expectRefused(leafRow.id, patched(leafBytes, 1, 0x81), PrefixTreeErrorCode.Malformed, 1);
  });

  it("stratum and nibble must match the id, and the id must be lowercase hex", () => {
    expectRefused("3f1007", patched(leafBytes, 2, 3), PrefixTreeErrorCode.Malformed, 2); // fits the id's length
    expectRefused("3f7", leafBytes, PrefixTreeErrorCode.Malformed, 2);
    expectRefused(leafRow.id, patched(leafBytes, 2, 1), PrefixTreeErrorCode.Malformed, 2);
    // Stratum 32 is out of range even with an id of its length (65 hex digits).
    expectRefused(`${"00".repeat(32)}7`, patched(leafBytes, 2, 32), PrefixTreeErrorCode.Malformed, 2);
    expectRefused(`${"00".repeat(33)}7`, patched(leafBytes, 2, 33), PrefixTreeErrorCode.Malformed, 2);
    expectRefused("3f108", leafBytes, PrefixTreeErrorCode.Malformed, 3);
    expectRefused("3f106", leafBytes, PrefixTreeErrorCode.Malformed, 3);
    expectRefused(leafRow.id, patched(leafBytes, 3, 8), PrefixTreeErrorCode.Malformed, 3);
    expectRefused(leafRow.id, patched(leafBytes, 3, 16), PrefixTreeErrorCode.Malformed, 3);
    expectRefused(leafRow.id, patched(leafBytes, 3, 0x17), PrefixTreeErrorCode.Malformed, 3);
    expectRefused("3F107", leafBytes, PrefixTreeErrorCode.Malformed, 2);
    expectRefused("3g107", leafBytes, PrefixTreeErrorCode.Malformed, 2);
    expectRefused("3f10A", patched(leafBytes, 3, 10), PrefixTreeErrorCode.Malformed, 3);
  });

  it("stratum 31, the largest, decodes; its child items have no bytes after the prefix byte", () => {
    const p31 = randomBytes(31, 3);
    for (const split of [false, true]) {
      const { id, spec } = validRow(p31, 12, 5, split, 4);
      const row = decodePageRow(id, encode(spec));
      expect(row.stratum).toBe(31);
      expectFollowsLayout(id, row);
    }
  });

  it("items: truncated, unknown kinds, children outside split pages", () => {
    const first = 6; // the first item's kind byte
    expectRefused(leafRow.id, leafBytes.slice(0, first + 97), PrefixTreeErrorCode.Truncated, first + 97);
    expectRefused(leafRow.id, leafBytes.slice(0, first + 96), PrefixTreeErrorCode.Truncated, first + 96);
    expectRefused(leafRow.id, leafBytes.slice(0, first + 10), PrefixTreeErrorCode.Truncated, first + 10);
    // Only the kind byte: refused as cut short before the key is compared with the prefix.
    expectRefused(leafRow.id, leafBytes.slice(0, first + 1), PrefixTreeErrorCode.Truncated, first + 1);
    expectRefused(leafRow.id, patched(leafBytes, first, 2), PrefixTreeErrorCode.Malformed, first);
    expectRefused(leafRow.id, patched(leafBytes, first, 1), PrefixTreeErrorCode.Malformed, first);
    expectRefused(splitRow.id, patched(splitBytes, first, 2), PrefixTreeErrorCode.Malformed, first);
    expectRefused(splitRow.id, patched(splitBytes, first, 0xff), PrefixTreeErrorCode.Malformed, first);
    // A child item cut short, in a split page.
    const childAt = first + 97; // the second item is a child
    expect(splitBytes[childAt]).toBe(CHILD);
    expectRefused(
      splitRow.id,
      splitBytes.slice(0, childAt + 33),
      PrefixTreeErrorCode.Truncated,
      childAt + 33,
    );
    expect(decodeError(splitRow.id, splitBytes.slice(0, childAt + 34))?.code).toBe(
      PrefixTreeErrorCode.Truncated,
    );
    // Only the child's kind byte: cut short, not "outside the row" from a key byte that is not there.
    expectRefused(splitRow.id, splitBytes.slice(0, childAt + 1), PrefixTreeErrorCode.Truncated, childAt + 1);
    // A one-item row of nibble 0 with an unknown kind: refused at the kind, whatever would follow.
    const lone = validRow(prefix, 0, 1, false, 13);
    expectRefused(lone.id, patched(encode(lone.spec), first, 2), PrefixTreeErrorCode.Malformed, first);
    // The same bytes read as a bottom page: the child is refused by kind.
    expectRefused(splitRow.id, patched(splitBytes, 1, 0), PrefixTreeErrorCode.Malformed, childAt);
  });

  it("keys must lie under the prefix and in the row's nibble", () => {
    const first = 6;
    for (const i of [0, 1]) {
      const b = patched(leafBytes, first + 1 + i, (leafBytes[first + 1 + i] as number) ^ 1);
      expectRefused(leafRow.id, b, PrefixTreeErrorCode.Malformed, first + 1);
    }
    // Key byte s (after the prefix) with another high nibble: found after the item (offset = next item).
    expectRefused(
      leafRow.id,
      patched(leafBytes, first + 1 + 2, 0x87),
      PrefixTreeErrorCode.Malformed,
      first + 97,
    );
    expectRefused(
      splitRow.id,
      patched(splitBytes, first + 97 + 1, 0x60),
      PrefixTreeErrorCode.Malformed,
      first + 97 + 34,
    );
    // A prefix of stratum 0 has nothing to check; the nibble still counts.
    const root = validRow(new Uint8Array(0), 2, 2, false, 9);
    const rb = encode(root.spec);
    expect(decodeError(root.id, rb)).toBeUndefined();
    expectRefused(root.id, patched(rb, 7, 0x31), PrefixTreeErrorCode.Malformed, 6 + 97);
  });

  it("items must strictly increase: full keys in a bottom page, the next byte in a split page", () => {
    const first = 6;
    const second = first + 97;
    // Bottom page: the second key equal to the first, then one below it.
    const equal = leafBytes.slice();
    equal.set(leafBytes.subarray(first + 1, first + 33), second + 1);
    expectRefused(leafRow.id, equal, PrefixTreeErrorCode.Malformed, second + 97);
    const below = equal.slice();
    below[first + 32] = 1; // last byte of the first key
    below[second + 32] = 0; // the second key: the first one less one
    expectRefused(leafRow.id, below, PrefixTreeErrorCode.Malformed, second + 97);
    // Split page: the child's byte equal to the leaf's key byte s before it.
    const s = 2;
    const dup = patched(splitBytes, second + 1, splitBytes[first + 1 + s] as number);
    expectRefused(splitRow.id, dup, PrefixTreeErrorCode.Malformed, second + 34);
    // Two leaves with the same byte s and larger full keys: fine in a bottom page, not in a split one.
    const leaves = encode(validRow(prefix, 7, 2, false, 13).spec);
    expect(decodeError(leafRow.id, leaves)).toBeUndefined();
    expectRefused(leafRow.id, patched(leaves, 1, 1), PrefixTreeErrorCode.Malformed, 6 + 2 * 97);
  });

  it("inner hashes: exactly count - 1 of them", () => {
    const end = leafBytes.length;
    expectRefused(leafRow.id, leafBytes.slice(0, end - 1), PrefixTreeErrorCode.Truncated, end - 1);
    expectRefused(leafRow.id, leafBytes.slice(0, end - 32), PrefixTreeErrorCode.Truncated, end - 32);
    expectRefused(leafRow.id, Uint8Array.from([...leafBytes, 0]), PrefixTreeErrorCode.Trailing, end);
    const one = validRow(prefix, 7, 1, false, 14);
    const ob = encode(one.spec);
    expect(decodePageRow(one.id, ob).nodeHashes.length).toBe(0);
    expectRefused(
      one.id,
      Uint8Array.from([...ob, ...new Uint8Array(32)]),
      PrefixTreeErrorCode.Trailing,
      ob.length,
    );
  });
});
