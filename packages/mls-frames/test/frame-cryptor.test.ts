/** FrameCryptor: codec paths, tampering, epochs and grace period, replay, strict drops, fuzz. */
import { createDecipheriv, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CipherSuite,
  DropReason,
  decodeMlsKid,
  type EpochKeys,
  encodeMlsKid,
  FrameCryptor,
  readSFrameHeader,
  senderIndexBits,
} from "../src/index.ts";
import { sframeLabel } from "../src/sframe-entry.ts";
import { randomBytes, toHex, vp8Frame } from "./helpers.ts";

const leaves = [0, 1, 2];
function secret(
  epoch: bigint,
  ownLeaf: number,
  baseKey: Uint8Array,
  members = leaves,
  suite: CipherSuite = 4,
): EpochKeys {
  return { epoch, suite, baseKey, ownLeaf, leaves: members };
}

function pair(opts: { now?: () => number; suite?: CipherSuite } = {}) {
  const suite = opts.suite ?? 4;
  const nk = suite === 5 ? 32 : suite <= 3 ? 48 : 16;
  const base = randomBytes(nk);
  const alice = new FrameCryptor(opts.now ? { clockMs: opts.now } : {});
  const bob = new FrameCryptor(opts.now ? { clockMs: opts.now } : {});
  alice.setEpoch(secret(1n, 0, base, leaves, suite));
  bob.setEpoch(secret(1n, 1, base, leaves, suite));
  return { alice, bob, base };
}

async function must(p: Promise<{ ok: boolean; data?: Uint8Array; reason?: string }>): Promise<Uint8Array> {
  const r = await p;
  if (!r.ok) throw new Error(`unexpected drop: ${r.reason}`);
  return r.data as Uint8Array;
}

describe("codec paths", () => {
  const cases: [string, Uint8Array, number][] = [
    ["vp8 keyframe", vp8Frame(true, 3000), 10],
    ["vp8 delta", vp8Frame(false, 800), 1],
    ["vp9", randomBytes(1500), 0],
    ["opus", randomBytes(120), 0],
  ];
  for (const [name, frame, prefix] of cases) {
    it(`${name}: round trip, ${prefix} clear bytes, header after them, 22 bytes or less overhead`, async () => {
      const codec = name.split(" ")[0] as string;
      const { alice, bob } = pair();
      const enc = await must(alice.encryptFrame(frame, codec, codec === "opus" ? 0n : 1n));
      expect(toHex(enc.subarray(0, prefix))).toBe(toHex(frame.subarray(0, prefix)));
      // the payload after the prefix is not the plaintext
      expect(toHex(enc.subarray(prefix, prefix + 16))).not.toBe(toHex(frame.subarray(prefix, prefix + 16)));
      const h = readSFrameHeader(enc, prefix);
      expect(h.kid).toBe(alice.sendKid(codec === "opus" ? 0n : 1n));
      expect(h.ctr).toBe(0n);
      expect(enc.length - frame.length).toBeLessThanOrEqual(22);
      const dec = await must(
        bob.decryptFrame(enc, `${codec === "opus" ? "audio" : "video"}/${codec.toUpperCase()}`),
      );
      expect(toHex(dec)).toBe(toHex(frame));
    });
  }

  it("VP8 keyframe test reads bit 0 of byte 0 (not the Orange Meets E2EE post's >> 7)", async () => {
    const { alice } = pair();
    const f = vp8Frame(true, 100);
    f[0] = 0x80; // top bit set, bit 0 clear: a keyframe
    const enc = await must(alice.encryptFrame(f, "vp8"));
    expect(toHex(enc.subarray(0, 10))).toBe(toHex(f.subarray(0, 10)));
    const g = vp8Frame(false, 100);
    g[0] = 0x01; // top bit clear, bit 0 set: an interframe
    const enc2 = await must(alice.encryptFrame(g, "vp8"));
    expect(enc2[0]).toBe(0x01);
    expect(toHex(enc2.subarray(1, 10))).not.toBe(toHex(g.subarray(1, 10)));
  });

  it("a VP8 keyframe shorter than 10 bytes is dropped, not sent", async () => {
    const { alice } = pair();
    const r = await alice.encryptFrame(vp8Frame(true, 7), "vp8");
    expect(r).toEqual({ ok: false, reason: DropReason.malformedFrame });
  });

  it("empty frames pass untouched both ways, even without keys", async () => {
    const c = new FrameCryptor();
    const empty = new Uint8Array(0);
    expect(await c.encryptFrame(empty, "vp8")).toEqual({ ok: true, data: empty });
    expect(await c.decryptFrame(empty, "vp8")).toEqual({ ok: true, data: empty });
    expect(c.stats.passedEmpty).toBe(2);
  });

  it("H.264, AV1 and unknown codecs are refused with a counted reason", async () => {
    const { alice, bob } = pair();
    for (const codec of ["video/H264", "AV1", "video/H265", "audio/PCMU", ""]) {
      expect(await alice.encryptFrame(randomBytes(50), codec)).toEqual({
        ok: false,
        reason: "unsupported-codec",
      });
      expect(await bob.decryptFrame(randomBytes(50), codec)).toEqual({
        ok: false,
        reason: "unsupported-codec",
      });
    }
    expect(alice.stats["unsupported-codec"]).toBe(5);
  });

  it("without an epoch, a sender drops instead of sending plaintext", async () => {
    const c = new FrameCryptor();
    expect(await c.encryptFrame(randomBytes(10), "opus")).toEqual({ ok: false, reason: "no-send-key" });
  });
});

describe("authentication", () => {
  it("flipping any bit of any byte of a VP8 keyframe ciphertext fails", async () => {
    const { alice, bob } = pair();
    const enc = await must(alice.encryptFrame(vp8Frame(true, 64), "vp8"));
    for (let i = 0; i < enc.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = enc.slice();
        bad[i] = (bad[i] as number) ^ bit;
        const r = await bob.decryptFrame(bad, "vp8");
        expect(r.ok, `byte ${i} bit ${bit}`).toBe(false);
      }
    }
    // the genuine frame still decrypts afterwards (failures did not consume its CTR)
    expect((await bob.decryptFrame(enc, "vp8")).ok).toBe(true);
  });

  it("flipping any byte of an Opus frame fails; suites 1-3 and 5 too", async () => {
    for (const suite of [1, 2, 3, 4, 5] as const) {
      const { alice, bob } = pair({ suite });
      const enc = await must(alice.encryptFrame(randomBytes(40), "opus"));
      for (let i = 0; i < enc.length; i++) {
        const bad = enc.slice();
        bad[i] = (bad[i] as number) ^ 0x04;
        expect((await bob.decryptFrame(bad, "opus")).ok, `suite ${suite} byte ${i}`).toBe(false);
      }
      expect((await bob.decryptFrame(enc, "opus")).ok).toBe(true);
    }
  });

  it("truncation and extension are dropped", async () => {
    const { alice, bob } = pair();
    const enc = await must(alice.encryptFrame(randomBytes(100), "opus"));
    for (let n = 1; n < enc.length; n++)
      expect((await bob.decryptFrame(enc.subarray(0, n), "opus")).ok).toBe(false);
    expect((await bob.decryptFrame(new Uint8Array([...enc, 0]), "opus")).ok).toBe(false);
  });

  it("ciphertext matches an independent computation with node:crypto", async () => {
    const { alice, base } = pair();
    const frame = vp8Frame(true, 500);
    const enc = await must(alice.encryptFrame(frame, "vp8", 1n));
    const { kid, ctr, length } = readSFrameHeader(enc, 10);
    const prk = createHmac("sha256", Buffer.alloc(0)).update(base).digest();
    const expand = (info: Uint8Array, n: number) =>
      createHmac("sha256", prk)
        .update(Buffer.concat([info, Buffer.of(1)]))
        .digest()
        .subarray(0, n);
    const key = expand(sframeLabel("key", kid, 4), 16);
    const nonce = Buffer.from(expand(sframeLabel("salt", kid, 4), 12));
    nonce.writeBigUInt64BE(nonce.readBigUInt64BE(4) ^ ctr, 4);
    const header = enc.subarray(10, 10 + length);
    const body = enc.subarray(10 + length);
    const d = createDecipheriv("aes-128-gcm", key, nonce);
    d.setAAD(Buffer.concat([header, frame.subarray(0, 10)]));
    d.setAuthTag(body.subarray(body.length - 16));
    const pt = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
    expect(pt.toString("hex")).toBe(toHex(frame.subarray(10)));
  });
});

describe("KIDs, members and replay", () => {
  it("KID layout follows RFC 9605 §5.2 (the RFC's figure: E=4, S=6)", () => {
    expect(encodeMlsKid(0n, 3, 14n, 6, 4)).toBe(0x3en);
    expect(encodeMlsKid(0n, 20, 14n, 6, 4)).toBe(0x14en);
    expect(encodeMlsKid(2n, 2, 16n, 6, 4)).toBe(0x820n);
    expect(encodeMlsKid(3n, 2, 16n, 6, 4)).toBe(0xc20n);
    expect(encodeMlsKid(0n, 51, 17n, 6, 4)).toBe(0x331n);
    expect(decodeMlsKid(0xc20n, 6, 4)).toEqual({ context: 3n, senderIndex: 2, epochLow: 0 });
    expect(senderIndexBits([0])).toBe(0);
    expect(senderIndexBits([0, 1])).toBe(1);
    expect(senderIndexBits([0, 5])).toBe(3);
    expect(senderIndexBits(Array.from({ length: 64 }, (_, i) => i))).toBe(6);
    expect(() => encodeMlsKid(0n, 4, 0n, 2)).toThrow(RangeError);
  });

  it("a replayed frame is dropped; reordering inside the window is accepted", async () => {
    const { alice, bob } = pair();
    const frames = [];
    for (let i = 0; i < 5; i++) frames.push(await must(alice.encryptFrame(randomBytes(30), "opus")));
    expect((await bob.decryptFrame(frames[3] as Uint8Array, "opus")).ok).toBe(true);
    expect((await bob.decryptFrame(frames[1] as Uint8Array, "opus")).ok).toBe(true);
    expect(await bob.decryptFrame(frames[3] as Uint8Array, "opus")).toEqual({ ok: false, reason: "replay" });
    expect(bob.stats.replay).toBe(1);
  });

  it("frames older than the window are dropped", async () => {
    const base = randomBytes(16);
    const alice = new FrameCryptor();
    const bob = new FrameCryptor({ replayWindow: 4 });
    alice.setEpoch(secret(1n, 0, base));
    bob.setEpoch(secret(1n, 1, base));
    const frames = [];
    for (let i = 0; i < 6; i++) frames.push(await must(alice.encryptFrame(randomBytes(30), "opus")));
    expect((await bob.decryptFrame(frames[5] as Uint8Array, "opus")).ok).toBe(true);
    expect(await bob.decryptFrame(frames[0] as Uint8Array, "opus")).toEqual({ ok: false, reason: "too-old" });
  });

  it("frames under our own KID or a non-member's index are dropped", async () => {
    const { alice, base } = pair();
    const own = await must(alice.encryptFrame(randomBytes(30), "opus"));
    expect(await alice.decryptFrame(own, "opus")).toEqual({ ok: false, reason: "unknown-sender" });
    const outsider = new FrameCryptor();
    outsider.setEpoch(secret(1n, 3, base, [0, 1, 2, 3]));
    const bob = new FrameCryptor();
    bob.setEpoch(
      secret(
        1n,
        1,
        base,
        [0, 1, 2, 3].filter((l) => l !== 3),
      ),
    );
    // same S (2 bits) for both rosters, so the KID names leaf 3, which bob's roster lacks
    const f = await must(outsider.encryptFrame(randomBytes(30), "opus"));
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: "unknown-sender" });
  });

  it("contexts above maxContext are dropped", async () => {
    const { alice, bob } = pair();
    const f = await must(alice.encryptFrame(randomBytes(30), "opus", 16n));
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: "bad-context" });
    const g = await must(alice.encryptFrame(randomBytes(30), "opus", 15n));
    expect((await bob.decryptFrame(g, "opus")).ok).toBe(true);
  });
});

describe("epochs", () => {
  it("old-epoch frames decrypt within the grace period and not after", async () => {
    let now = 1_000;
    const clock = () => now;
    const k1 = randomBytes(16);
    const k2 = randomBytes(16);
    const alice = new FrameCryptor({ clockMs: clock });
    const bob = new FrameCryptor({ clockMs: clock });
    alice.setEpoch(secret(7n, 0, k1));
    bob.setEpoch(secret(7n, 1, k1));
    const old1 = await must(alice.encryptFrame(randomBytes(30), "opus"));
    const old2 = await must(alice.encryptFrame(randomBytes(30), "opus"));
    alice.setEpoch(secret(8n, 0, k2));
    bob.setEpoch(secret(8n, 1, k2));
    const fresh = await must(alice.encryptFrame(randomBytes(30), "opus"));
    expect(readSFrameHeader(fresh).ctr).toBe(0n); // new KID, new counter
    expect((await bob.decryptFrame(fresh, "opus")).ok).toBe(true);
    now += 9_999;
    expect((await bob.decryptFrame(old1, "opus")).ok).toBe(true);
    now += 1;
    expect(await bob.decryptFrame(old2, "opus")).toEqual({ ok: false, reason: "expired-epoch" });
    expect(await bob.decryptFrame(old2, "opus")).toEqual({ ok: false, reason: "unknown-epoch" });
  });

  it("frames of an epoch not yet installed are dropped as unknown-epoch", async () => {
    const k1 = randomBytes(16);
    const alice = new FrameCryptor();
    const bob = new FrameCryptor();
    alice.setEpoch(secret(1n, 0, k1));
    bob.setEpoch(secret(1n, 1, k1));
    alice.setEpoch(secret(2n, 0, randomBytes(16)));
    const f = await must(alice.encryptFrame(randomBytes(30), "opus"));
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: "unknown-epoch" });
  });

  it("an epoch with the same low bits replaces the old one at once (RFC 9605 §5.2)", async () => {
    const k = randomBytes(16);
    const alice = new FrameCryptor();
    const bob = new FrameCryptor();
    alice.setEpoch(secret(3n, 0, k));
    bob.setEpoch(secret(3n, 1, k));
    const f = await must(alice.encryptFrame(randomBytes(30), "opus"));
    bob.setEpoch(secret(19n, 1, randomBytes(16))); // 19 = 3 mod 16
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: "auth-failed" });
  });

  it("rejects going back in epochs and malformed secrets", () => {
    const c = new FrameCryptor();
    c.setEpoch(secret(5n, 0, randomBytes(16)));
    expect(() => c.setEpoch(secret(5n, 0, randomBytes(16)))).toThrow(RangeError);
    expect(() => c.setEpoch(secret(6n, 0, randomBytes(15)))).toThrow(RangeError);
    expect(() => c.setEpoch(secret(6n, 9, randomBytes(16)))).toThrow(RangeError);
    expect(c.epoch).toBe(5n);
  });
});

describe("decrypt fuzz", () => {
  it("never throws and never accepts a mutated frame (10,000 cases)", async () => {
    const { alice, bob } = pair();
    const originals: Uint8Array[] = [];
    for (let i = 0; i < 8; i++)
      originals.push(await must(alice.encryptFrame(vp8Frame(i % 2 === 0, 40 + i), "vp8")));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 7 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        async (which, flips, lenDelta) => {
          const src = originals[which] as Uint8Array;
          let f = src.slice();
          for (const [pos, x] of flips) f[pos % f.length] = (f[pos % f.length] as number) ^ x;
          if (lenDelta < 0) f = f.subarray(0, f.length + lenDelta);
          else if (lenDelta > 0) f = new Uint8Array([...f, ...new Uint8Array(lenDelta)]);
          // two flips of one byte can cancel out; an unchanged frame is not a mutation
          if (toHex(f) === toHex(src)) return;
          const r = await bob.decryptFrame(f, "vp8");
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 10_000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 64 }), async (bytes) => {
        const r = await bob.decryptFrame(bytes, "opus");
        expect(r.ok).toBe(bytes.length === 0);
      }),
      { numRuns: 2_000 },
    );
    expect(bob.stats.internal).toBe(0);
    expect(bob.stats.decrypted).toBe(0);
  });
});

describe("concurrency", () => {
  it("the same frame decrypted twice concurrently is accepted once", async () => {
    const { alice, bob } = pair();
    const f = await must(alice.encryptFrame(randomBytes(500), "opus"));
    const results = await Promise.all([bob.decryptFrame(f, "opus"), bob.decryptFrame(f, "opus")]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "replay" });
  });
});
