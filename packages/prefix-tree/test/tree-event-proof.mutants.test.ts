/**
 * Tree event codec and proof verifier edges found by mutation testing (`pnpm mutate`,
 * tooling/mutate/RESULTS.md): arguments that are not events or bytes, `readTreeEvent` bounded by
 * `end` inside the asset hosts, and proofs that fold to the root they are checked against but are
 * not well formed (a partial segment, r not strictly decreasing, an absence proof cut short).
 */
import { hash as nodeHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodeTreeEvent,
  decodeTreeEventBatch,
  encodeTreeEvent,
  encodeTreeEventBatch,
  type TreeEvent,
  verifyInclusion,
  verifyNonInclusion,
} from "../src/index.ts";
import { PROOF_MAGIC } from "../src/proof.ts";
import { readTreeEvent } from "../src/tree-event.ts";

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = new Uint8Array(nodeHash("sha256", Buffer.concat(parts), "buffer"));
  return h;
};

function rejection(f: () => unknown): [string, number] | "accepted" {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return [e.code, e.offset];
  }
  return "accepted";
}

const ev: TreeEvent = {
  domain: "a.io",
  assetHosts: null,
  newResourceHash: new Uint8Array(32).fill(7),
  timestamp: 258n,
};

describe("tree events: arguments", () => {
  it("an event or batch that is not an object is a TypeError", () => {
    for (const bad of [5, "a.io", true, undefined, null]) {
      expect(() => encodeTreeEvent(bad as unknown as TreeEvent), String(bad)).toThrow(TypeError);
      expect(() => encodeTreeEventBatch({ events: [ev, bad as unknown as TreeEvent] }), String(bad)).toThrow(
        TypeError,
      );
    }
  });

  it("a one-character domain is the shortest that encodes", () => {
    const one = encodeTreeEvent({ ...ev, domain: "a" });
    expect([one[0], one[1]]).toEqual([1, 0x61]);
    expect(decodeTreeEvent(one)).toEqual({ ...ev, domain: "a" });
    expect(() => encodeTreeEvent({ ...ev, domain: "" })).toThrow(RangeError);
  });

  it("decoders take only a Uint8Array, not an array of the same bytes", () => {
    const one = encodeTreeEvent(ev);
    const batch = encodeTreeEventBatch({ events: [ev] });
    expect(decodeTreeEvent(one)).toEqual(ev);
    expect(decodeTreeEventBatch(batch)).toEqual({ events: [ev] });
    expect(() => decodeTreeEvent(Array.from(one) as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => decodeTreeEventBatch(Array.from(batch) as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("readTreeEvent reads the asset hosts only up to `end`", () => {
    // domain "a.io", changed, a 5-byte vector holding one 3-byte url "a\xffb" (not UTF-8), hash, time
    const b = Uint8Array.from([
      4,
      0x61,
      0x2e,
      0x69,
      0x6f,
      0,
      0,
      5,
      0,
      3,
      0x61,
      0xff,
      0x62,
      ...new Uint8Array(40),
    ]);
    expect(rejection(() => readTreeEvent(b, 0, b.length))[0]).toBe("malformed");
    // cut inside the url: what lies past `end` is never read, so the vector is truncated there
    for (const end of [8, 10, 11, 12]) {
      expect(
        rejection(() => readTreeEvent(b, 0, end)),
        `end ${end}`,
      ).toEqual(rejection(() => decodeTreeEvent(b.subarray(0, end))));
      expect(rejection(() => readTreeEvent(b, 0, end))[0], `end ${end}`).toBe("truncated");
    }
  });
});

/** The root that `segments` fold `leaf` to, computed here, without the verifier's checks. */
function fold(leafHash: Uint8Array, key: Uint8Array, segments: [number, Uint8Array][]): Uint8Array {
  let cur = leafHash;
  for (const [r, sib] of segments) {
    const bit = ((key[r >>> 3] as number) >>> (7 - (r & 7))) & 1;
    cur = bit === 0 ? sha(cur, sib, Uint8Array.of(r)) : sha(sib, cur, Uint8Array.of(r));
  }
  return cur;
}

const cat = (...p: Uint8Array[]) => Uint8Array.from(Buffer.concat(p));
const seg = (r: number, sib: Uint8Array) => cat(Uint8Array.of(r), sib);

describe("proofs that fold to the root but are not well formed", () => {
  const key = new Uint8Array(32).fill(0x5a);
  const value = new Uint8Array(32).fill(0x33);
  const leafHash = sha(key, value);
  const s1 = new Uint8Array(32).fill(1);
  const s2 = new Uint8Array(32).fill(2);

  it("segments whose r is equal or increasing are refused", () => {
    const good: [number, Uint8Array][] = [
      [9, s1],
      [5, s2],
    ];
    const head = cat(PROOF_MAGIC, Uint8Array.of(1), value);
    expect(verifyInclusion(fold(leafHash, key, good), key, value, cat(head, seg(9, s1), seg(5, s2)))).toBe(
      true,
    );
    for (const rs of [
      [5, 5],
      [5, 9],
      [0, 0],
    ]) {
      const segs: [number, Uint8Array][] = [
        [rs[0] as number, s1],
        [rs[1] as number, s2],
      ];
      const root = fold(leafHash, key, segs);
      const proof = cat(head, seg(rs[0] as number, s1), seg(rs[1] as number, s2));
      expect(verifyInclusion(root, key, value, proof), `r = ${rs}`).toBe(false);
    }
  });

  it("a proof one byte short of a whole segment is refused even if the missing byte were 0", () => {
    const sib = new Uint8Array(32).fill(4);
    sib[31] = 0;
    const root = fold(leafHash, key, [[7, sib]]);
    const whole = cat(PROOF_MAGIC, Uint8Array.of(1), value, seg(7, sib));
    expect(verifyInclusion(root, key, value, whole)).toBe(true);
    expect(verifyInclusion(root, key, value, whole.subarray(0, whole.length - 1))).toBe(false);
    // the same for an absence proof of another key
    const other = key.slice();
    other[31] = 0x5b; // same bit 7 as key
    const non = cat(PROOF_MAGIC, Uint8Array.of(2), key, value, seg(7, sib));
    expect(verifyNonInclusion(root, other, non)).toBe(true);
    expect(verifyNonInclusion(root, other, non.subarray(0, non.length - 1))).toBe(false);
  });

  it("an absence proof cut inside its alt key is refused even if the missing bytes were 0", () => {
    // a one-leaf tree whose key ends in a zero byte and whose value is all zeros
    const alt = new Uint8Array(32).fill(0x70);
    alt[31] = 0;
    const root = sha(alt, new Uint8Array(32));
    const probe = new Uint8Array(32).fill(0x71);
    const whole = cat(PROOF_MAGIC, Uint8Array.of(2), alt, new Uint8Array(32));
    expect(verifyNonInclusion(root, probe, whole)).toBe(true);
    // 40 bytes: 73 - 40 = 33, a whole number of "segments" short
    expect(verifyNonInclusion(root, probe, whole.subarray(0, 40))).toBe(false);
    for (let n = 9; n < 73; n++)
      expect(verifyNonInclusion(root, probe, whole.subarray(0, n)), `${n}`).toBe(false);
  });
});
