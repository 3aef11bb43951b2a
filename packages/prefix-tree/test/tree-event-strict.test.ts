/**
 * TreeEvent / TreeEventBatch decoders and encoders at their exact limits (issue 18, mutation
 * testing): each rejection reason with its code and offset, trailing bytes, non-UTF-8 and
 * duplicate hosts, and the largest values each bound admits.
 */
import { describe, expect, it } from "vitest";
import {
  BATCH_MAX_BYTES,
  DecodeError,
  decodeTreeEvent,
  decodeTreeEventBatch,
  encodeTreeEvent,
  encodeTreeEventBatch,
  PrefixTreeErrorCode,
  type TreeEvent,
} from "../src/index.ts";
import { readTreeEvent } from "../src/tree-event.ts";

const ev = (over: Partial<TreeEvent> = {}): TreeEvent => ({
  domain: "a.io",
  assetHosts: null,
  newResourceHash: new Uint8Array(32).fill(7),
  timestamp: 258n,
  ...over,
});

function rejectionOf(f: () => unknown): [string, number] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return [(e as DecodeError).code, (e as DecodeError).offset];
  }
  return ["accepted", -1];
}

/** domain "a.io" (5 bytes), tag `changed`, then the given AssetHost vector bytes, then hash + time. */
function changedEvent(vector: number[]): Uint8Array {
  return Uint8Array.from([
    4,
    0x61,
    0x2e,
    0x69,
    0x6f,
    0,
    ...vector,
    ...new Uint8Array(32).fill(7),
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    2,
  ]);
}

describe("TreeEvent decoder: each rejection", () => {
  const unchanged = encodeTreeEvent(ev());

  it("trailing bytes after one event", () => {
    expect(rejectionOf(() => decodeTreeEvent(Uint8Array.from([...unchanged, 0])))).toEqual([
      PrefixTreeErrorCode.Trailing,
      unchanged.length,
    ]);
    expect(decodeTreeEvent(unchanged)).toEqual(ev());
  });

  it("truncation at every field boundary", () => {
    for (let n = 0; n < unchanged.length; n++) {
      const [code, offset] = rejectionOf(() => decodeTreeEvent(unchanged.subarray(0, n)));
      expect(code, `cut at ${n}`).toBe(PrefixTreeErrorCode.Truncated);
      expect(offset, `cut at ${n}`).toBe(n);
    }
  });

  it("empty domain, unknown tag", () => {
    expect(rejectionOf(() => decodeTreeEvent(Uint8Array.from([0, 1, ...new Uint8Array(40)])))).toEqual([
      PrefixTreeErrorCode.Malformed,
      0,
    ]);
    const bad = unchanged.slice();
    bad[5] = 2;
    expect(rejectionOf(() => decodeTreeEvent(bad))).toEqual([PrefixTreeErrorCode.BadTag, 5]);
    bad[5] = 0xff;
    expect(rejectionOf(() => decodeTreeEvent(bad))).toEqual([PrefixTreeErrorCode.BadTag, 5]);
  });

  it("asset host vectors: non-UTF-8, duplicate, unsorted, empty, oversized, crossing the end", () => {
    const cases: [number[], string, number][] = [
      [[0, 3, 0, 1, 0xff], PrefixTreeErrorCode.Malformed, 10],
      [[0, 4, 0, 2, 0xc3, 0x28], PrefixTreeErrorCode.Malformed, 10],
      [[0, 6, 0, 1, 0x61, 0, 1, 0x61], PrefixTreeErrorCode.NonCanonical, 11],
      [[0, 7, 0, 2, 0x61, 0x62, 0, 1, 0x61], PrefixTreeErrorCode.NonCanonical, 12],
      // Empty vector / url: hash-chain's invalid-value, passed through as malformed.
      [[0, 0], PrefixTreeErrorCode.Malformed, 6],
      [[0x20, 0x00], PrefixTreeErrorCode.Oversized, 6],
      [[0, 2, 0, 0], PrefixTreeErrorCode.Malformed, 8],
      [[0, 3, 0x02, 0x00, 0x61], PrefixTreeErrorCode.Oversized, 8],
      [[0, 1, 0], PrefixTreeErrorCode.Truncated, 8],
      [[0, 3, 0, 2, 0x61], PrefixTreeErrorCode.Truncated, 10],
    ];
    for (const [vector, code, offset] of cases) {
      expect(
        rejectionOf(() => decodeTreeEvent(changedEvent(vector))),
        JSON.stringify(vector),
      ).toEqual([code, offset]);
    }
    expect(decodeTreeEvent(changedEvent([0, 7, 0, 1, 0x61, 0, 2, 0x61, 0x61])).assetHosts).toEqual([
      "a",
      "aa",
    ]);
    expect(decodeTreeEvent(changedEvent([0, 4, 0, 2, 0xc3, 0xa9])).assetHosts).toEqual(["é"]);
    // The asset host vector runs past the event.
    expect(rejectionOf(() => decodeTreeEvent(changedEvent([0, 200, 0, 1, 0x61])))).toEqual([
      PrefixTreeErrorCode.Truncated,
      51,
    ]);
  });

  it("a url of exactly 511 bytes and a vector of exactly 8191 bytes round-trip", () => {
    const url = "u".repeat(511);
    const one = encodeTreeEvent(ev({ assetHosts: [url] }));
    expect(decodeTreeEvent(one).assetHosts).toEqual([url]);
    const hosts = [
      ...Array.from({ length: 15 }, (_, i) => `${i.toString().padStart(3, "0")}${"x".repeat(508)}`),
      `zzz${"y".repeat(491)}`,
    ];
    const max = encodeTreeEvent(ev({ assetHosts: hosts }));
    expect((max[6]! << 8) | max[7]!).toBe(8191);
    expect(decodeTreeEvent(max).assetHosts).toEqual(hosts);
    expect(() =>
      encodeTreeEvent(ev({ assetHosts: [...hosts.slice(0, 15), `zzz${"y".repeat(492)}`] })),
    ).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ assetHosts: ["u".repeat(512)] }))).toThrow(RangeError);
  });

  it("readTreeEvent stops at `end`, not at the end of the buffer", () => {
    const two = Uint8Array.from([...unchanged, ...unchanged]);
    expect(readTreeEvent(two, 0, two.length).end).toBe(unchanged.length);
    expect(readTreeEvent(two, unchanged.length, two.length)).toEqual({ event: ev(), end: two.length });
    expect(rejectionOf(() => readTreeEvent(two, 0, unchanged.length - 1))).toEqual([
      PrefixTreeErrorCode.Truncated,
      unchanged.length - 1,
    ]);
  });
});

describe("TreeEvent encoder: bounds", () => {
  it("domain of 1..255 Latin-1 characters", () => {
    const d255 = "a".repeat(255);
    expect(decodeTreeEvent(encodeTreeEvent(ev({ domain: d255 }))).domain).toBe(d255);
    expect(encodeTreeEvent(ev({ domain: d255 }))[0]).toBe(255);
    expect(() => encodeTreeEvent(ev({ domain: "a".repeat(256) }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ domain: "" }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ domain: 5 as unknown as string }))).toThrow(RangeError);
    // Latin-1 bytes are carried as they are (the replay decides whether the name is valid).
    expect(decodeTreeEvent(encodeTreeEvent(ev({ domain: "\u00ff\u0080" }))).domain).toBe("\u00ff\u0080");
    expect(() => encodeTreeEvent(ev({ domain: "a\u0100" }))).toThrow(RangeError);
  });

  it("hosts: null or a non-empty array; hash 32 bytes; timestamp u64", () => {
    expect(() => encodeTreeEvent(ev({ assetHosts: [] }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ assetHosts: "h" as unknown as string[] }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ assetHosts: ["h", "h"] }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ newResourceHash: new Uint8Array(33) }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ timestamp: -1n }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ timestamp: 1n << 64n }))).toThrow(RangeError);
    expect(() => encodeTreeEvent(ev({ timestamp: 1 as unknown as bigint }))).toThrow(RangeError);
    const max = (1n << 64n) - 1n;
    expect(decodeTreeEvent(encodeTreeEvent(ev({ timestamp: max }))).timestamp).toBe(max);
    expect(() => encodeTreeEvent(null as unknown as TreeEvent)).toThrow(TypeError);
  });
});

describe("TreeEventBatch: counts and lengths", () => {
  const one = encodeTreeEvent(ev());

  it("header: num_events and the u24 byte length", () => {
    const b = encodeTreeEventBatch({ events: [ev(), ev({ timestamp: 9n })] });
    expect([...b.subarray(0, 5)]).toEqual([0, 2, 0, 0, 2 * one.length]);
    expect(rejectionOf(() => decodeTreeEventBatch(b.subarray(0, 4)))).toEqual([
      PrefixTreeErrorCode.Truncated,
      4,
    ]);
    expect(rejectionOf(() => decodeTreeEventBatch(Uint8Array.of(0, 1, 0, 0, 0)))).toEqual([
      PrefixTreeErrorCode.Malformed,
      2,
    ]);
    expect(rejectionOf(() => decodeTreeEventBatch(b.subarray(0, b.length - 1)))).toEqual([
      PrefixTreeErrorCode.Truncated,
      b.length - 1,
    ]);
    expect(rejectionOf(() => decodeTreeEventBatch(Uint8Array.from([...b, 0])))).toEqual([
      PrefixTreeErrorCode.Trailing,
      b.length,
    ]);
  });

  it("num_events must equal the events present, either way", () => {
    const b = encodeTreeEventBatch({ events: [ev(), ev()] });
    const fewer = b.slice();
    fewer[1] = 1;
    expect(rejectionOf(() => decodeTreeEventBatch(fewer))).toEqual([
      PrefixTreeErrorCode.CountMismatch,
      5 + one.length,
    ]);
    const more = b.slice();
    more[1] = 3;
    expect(rejectionOf(() => decodeTreeEventBatch(more))).toEqual([
      PrefixTreeErrorCode.CountMismatch,
      b.length,
    ]);
    const zero = b.slice();
    zero[1] = 0;
    expect(rejectionOf(() => decodeTreeEventBatch(zero))).toEqual([PrefixTreeErrorCode.CountMismatch, 5]);
  });

  it("an event cut by the batch length is truncated inside the batch", () => {
    const b = encodeTreeEventBatch({ events: [ev()] });
    const inner = Uint8Array.from([0, 1, 0, 0, one.length - 1, ...one.subarray(0, one.length - 1)]);
    expect(rejectionOf(() => decodeTreeEventBatch(inner))).toEqual([
      PrefixTreeErrorCode.Truncated,
      inner.length,
    ]);
    expect(decodeTreeEventBatch(b)).toEqual({ events: [ev()] });
  });

  it("encoder: 1..65535 events and at most 2^24 - 1 bytes of events", () => {
    expect(() => encodeTreeEventBatch({ events: [] })).toThrow(RangeError);
    expect(() => encodeTreeEventBatch({ events: new Array(65_536).fill(ev()) })).toThrow(RangeError);
    const max = encodeTreeEventBatch({ events: new Array(65_535).fill(ev()) });
    expect([max[0], max[1]]).toEqual([0xff, 0xff]);
    expect(() => encodeTreeEventBatch(null as unknown as { events: TreeEvent[] })).toThrow(TypeError);
    expect(() => encodeTreeEventBatch({} as { events: TreeEvent[] })).toThrow(TypeError);
  });

  it("encoder: events of exactly 2^24 - 1 bytes fit, one byte more does not", () => {
    // 1,976 events of 8,490 bytes (255-byte domain, 8,191 bytes of hosts) plus one of 975 bytes
    // (255-byte domain, hosts of 511 + 161 bytes) = 16,777,215 bytes.
    const hosts = [
      ...Array.from({ length: 15 }, (_, i) => `${i.toString().padStart(3, "0")}${"x".repeat(508)}`),
      `zzz${"y".repeat(491)}`,
    ];
    const big = ev({ domain: "d".repeat(255), assetHosts: hosts });
    expect(encodeTreeEvent(big).length).toBe(8490);
    const last = ev({ domain: "d".repeat(255), assetHosts: ["a".repeat(511), "b".repeat(161)] });
    expect(encodeTreeEvent(last).length).toBe(975);
    const events = [...new Array(1976).fill(big), last];
    const b = encodeTreeEventBatch({ events });
    expect(b.length).toBe(5 + BATCH_MAX_BYTES);
    expect([b[2], b[3], b[4]]).toEqual([0xff, 0xff, 0xff]);
    const over = ev({ domain: "d".repeat(255), assetHosts: ["a".repeat(511), "b".repeat(162)] });
    expect(() => encodeTreeEventBatch({ events: [...new Array(1976).fill(big), over] })).toThrow(RangeError);
  });
});
