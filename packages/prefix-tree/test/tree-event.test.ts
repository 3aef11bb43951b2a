import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodeTreeEvent,
  decodeTreeEventBatch,
  encodeTreeEvent,
  encodeTreeEventBatch,
  type TreeEvent,
} from "../src/index.ts";

const arbHost = fc.stringMatching(/^https:\/\/[a-z0-9.]{1,20}$/);
export const arbEvent: fc.Arbitrary<TreeEvent> = fc.record({
  domain: fc.stringMatching(/^[a-z0-9]{1,10}\.[a-z]{2,5}$/),
  assetHosts: fc.option(fc.uniqueArray(arbHost, { minLength: 1, maxLength: 4 }), { nil: null }),
  newResourceHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  timestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
});

function sorted(e: TreeEvent): TreeEvent {
  return { ...e, assetHosts: e.assetHosts ? [...e.assetHosts].sort() : null };
}

/**
 * Round trip or reject, never "anything goes": `bytes` either decode to a value that encodes back
 * to exactly `bytes` (the decoder accepts only canonical encodings), or throw a `DecodeError`
 * whose offset lies inside the input. Returns whether the input was accepted.
 */
function expectRoundTripOrReject<T>(
  bytes: Uint8Array,
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
): boolean {
  let v: T;
  try {
    v = decode(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).offset).toBeGreaterThanOrEqual(0);
    expect((e as DecodeError).offset).toBeLessThanOrEqual(bytes.length);
    return false;
  }
  expect(Buffer.from(encode(v)).toString("hex")).toBe(Buffer.from(bytes).toString("hex"));
  return true;
}

describe("TreeEvent codec", () => {
  it("round-trips events and batches", () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { minLength: 1, maxLength: 5 }), (events) => {
        const b = encodeTreeEventBatch({ events });
        expect(decodeTreeEventBatch(b)).toEqual({ events: events.map(sorted) });
        for (const e of events) expect(decodeTreeEvent(encodeTreeEvent(e))).toEqual(sorted(e));
      }),
      { numRuns: 300 },
    );
  });

  it("has the exact byte layout", () => {
    const ev: TreeEvent = {
      domain: "a.io",
      assetHosts: ["x"],
      newResourceHash: new Uint8Array(32).fill(7),
      timestamp: 258n,
    };
    const b = encodeTreeEventBatch({ events: [ev] });
    const body = [
      4,
      0x61,
      0x2e,
      0x69,
      0x6f,
      0,
      0,
      3,
      0,
      1,
      0x78,
      ...new Array(32).fill(7),
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      2,
    ];
    expect([...b]).toEqual([0, 1, 0, 0, body.length, ...body]);
    const un = encodeTreeEvent({ ...ev, assetHosts: null });
    expect(un[5]).toBe(1);
    expect(un.length).toBe(1 + 4 + 1 + 40);
  });

  it("checks both counts and bounds", () => {
    const ev: TreeEvent = {
      domain: "a.io",
      assetHosts: null,
      newResourceHash: new Uint8Array(32),
      timestamp: 1n,
    };
    const b = encodeTreeEventBatch({ events: [ev, ev] });
    const fewer = b.slice();
    fewer[1] = 1;
    expect(() => decodeTreeEventBatch(fewer)).toThrow(DecodeError);
    const more = b.slice();
    more[1] = 3;
    expect(() => decodeTreeEventBatch(more)).toThrow(/num_events/);
    const longer = b.slice();
    longer[4] = (longer[4] as number) + 1;
    expect(() => decodeTreeEventBatch(longer)).toThrow(DecodeError);
    const trailing = new Uint8Array(b.length + 1);
    trailing.set(b);
    expect(() => decodeTreeEventBatch(trailing)).toThrow(DecodeError);
    expect(() => decodeTreeEventBatch(Uint8Array.of(0, 0, 0, 0, 0))).toThrow(DecodeError);
    expect(() => encodeTreeEventBatch({ events: [] })).toThrow(RangeError);
    const unsorted = encodeTreeEvent({ ...ev, assetHosts: ["a", "b"] });
    // swap the two one-byte urls: "b" then "a"
    unsorted[1 + 4 + 1 + 2 + 2] = 0x62;
    unsorted[1 + 4 + 1 + 2 + 5] = 0x61;
    expect(() => decodeTreeEvent(unsorted)).toThrow(/sorted/);
    const badTag = encodeTreeEvent(ev);
    badTag[5] = 2;
    expect(() => decodeTreeEvent(badTag)).toThrow(DecodeError);
  });

  it("decodeTreeEventBatch: >= 10,000 random, truncated, extended and mutated inputs round-trip or give a DecodeError", () => {
    const seen = { ok: 0, rejected: 0 };
    const valid = fc
      .array(arbEvent, { minLength: 1, maxLength: 3 })
      .map((events) => encodeTreeEventBatch({ events }));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(valid, fc.nat()).map(([b, n]) => b.slice(0, n % b.length)),
          fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([b, x]) => {
            const o = new Uint8Array(b.length + x.length);
            o.set(b);
            o.set(x, b.length);
            return o;
          }),
          fc.tuple(valid, fc.nat(), fc.nat({ max: 7 })).map(([b, at, bit]) => {
            const o = b.slice();
            o[at % o.length] = (o[at % o.length] as number) ^ (1 << bit);
            return o;
          }),
        ),
        (bytes) => {
          if (expectRoundTripOrReject(bytes, decodeTreeEventBatch, encodeTreeEventBatch)) seen.ok++;
          else seen.rejected++;
        },
      ),
      { numRuns: 10_000 },
    );
    // Both outcomes are exercised: mutated bytes inside hashes and timestamps still decode.
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.rejected).toBeGreaterThan(3000);
  });

  it("decodeTreeEvent: >= 10,000 random, truncated and mutated inputs round-trip or give a DecodeError", () => {
    const seen = { ok: 0, rejected: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          fc.tuple(arbEvent, fc.nat(), fc.nat({ max: 7 })).map(([e, at, bit]) => {
            const o = encodeTreeEvent(e);
            o[at % o.length] = (o[at % o.length] as number) ^ (1 << bit);
            return o;
          }),
          fc.tuple(arbEvent, fc.nat()).map(([e, n]) => {
            const b = encodeTreeEvent(e);
            return b.slice(0, n % b.length);
          }),
        ),
        (bytes) => {
          if (expectRoundTripOrReject(bytes, decodeTreeEvent, encodeTreeEvent)) seen.ok++;
          else seen.rejected++;
        },
      ),
      { numRuns: 10_000 },
    );
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.rejected).toBeGreaterThan(3000);
  });
});
