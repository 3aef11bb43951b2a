/**
 * FrameCryptor edge cases found by mutation testing (`pnpm mutate`): option bounds, exact length
 * boundaries of the two truncation checks, each drop reason reached on purpose, what a result carries,
 * epochs that expire while a newer one is installed, and key material owned by the cryptor.
 */
import { describe, expect, it } from "vitest";
import {
  type CipherSuite,
  DropReason,
  type EpochKeys,
  encodeSFrameHeader,
  FrameCryptor,
  readSFrameHeader,
} from "../src/index.ts";
import { randomBytes, toHex, vp8Frame } from "./helpers.ts";

const leaves = [0, 1, 2];
const keysOf = (epoch: bigint, ownLeaf: number, baseKey: Uint8Array, suite: CipherSuite = 4): EpochKeys => ({
  epoch,
  suite,
  baseKey,
  ownLeaf,
  leaves,
});

async function ok(p: Promise<{ ok: boolean; data?: Uint8Array; reason?: string }>): Promise<Uint8Array> {
  const r = await p;
  if (!r.ok) throw new Error(`unexpected drop: ${r.reason}`);
  return r.data as Uint8Array;
}

function pair(suite: CipherSuite = 4, options: ConstructorParameters<typeof FrameCryptor>[0] = {}) {
  const base = randomBytes(suite === 5 ? 32 : suite <= 3 ? 48 : 16);
  const alice = new FrameCryptor(options);
  const bob = new FrameCryptor(options);
  alice.setEpoch(keysOf(1n, 0, base, suite));
  bob.setEpoch(keysOf(1n, 1, base, suite));
  return { alice, bob, base };
}

/** A copy of `frame` (no clear prefix) with its header replaced by the one for (kid, ctr). */
function reheader(frame: Uint8Array, kid: bigint, ctr: bigint): Uint8Array {
  const { length } = readSFrameHeader(frame, 0);
  return Uint8Array.from([...encodeSFrameHeader({ kid, ctr }), ...frame.subarray(length)]);
}

describe("FrameCryptor options", () => {
  it("epochBits must be an integer in 1..16; defaults are 4 bits, 10 s, 256 frames, context 15", () => {
    for (const bad of [0, 17, 1.5, Number.NaN]) {
      expect(() => new FrameCryptor({ epochBits: bad })).toThrow(RangeError);
    }
    expect(new FrameCryptor({ epochBits: 1 }).epochBits).toBe(1);
    expect(new FrameCryptor({ epochBits: 16 }).epochBits).toBe(16);
    const c = new FrameCryptor();
    expect([c.epochBits, c.graceMs, c.replayWindow, c.maxContext]).toEqual([4, 10_000, 256, 15]);
    const d = new FrameCryptor({ graceMs: 5, replayWindow: 8, maxContext: 2 });
    expect([d.graceMs, d.replayWindow, d.maxContext]).toEqual([5, 8, 2]);
  });

  it("the old `now` option is refused rather than silently ignored (its clock would not be used)", () => {
    expect(() => new FrameCryptor({ now: () => 0 } as never)).toThrow(TypeError);
    expect(() => new FrameCryptor({ now: undefined } as never)).toThrow(TypeError);
    let calls = 0;
    const c = new FrameCryptor({
      clockMs: () => {
        calls++;
        return 0;
      },
    });
    c.setEpoch(keysOf(1n, 0, randomBytes(16)));
    expect(calls).toBe(1);
  });

  it("epochBits decides which KID bits name the epoch: 16 epochs apart collide only at E=4", async () => {
    const base = randomBytes(16);
    for (const [bits, collide] of [
      [4, true],
      [5, false],
    ] as const) {
      const alice = new FrameCryptor({ epochBits: bits });
      const bob = new FrameCryptor({ epochBits: bits });
      alice.setEpoch(keysOf(2n, 0, base));
      bob.setEpoch(keysOf(2n, 1, base));
      const f = await ok(alice.encryptFrame(randomBytes(20), "opus"));
      bob.setEpoch(keysOf(18n, 1, randomBytes(16)));
      const r = await bob.decryptFrame(f, "opus");
      expect(r.ok).toBe(!collide);
    }
  });

  it("epoch and suite report the sending epoch", () => {
    const c = new FrameCryptor();
    expect(c.epoch).toBeUndefined();
    expect(c.suite).toBeUndefined();
    c.setEpoch(keysOf(3n, 0, randomBytes(32), 5));
    expect(c.epoch).toBe(3n);
    expect(c.suite).toBe(5);
    c.setEpoch(keysOf(4n, 0, randomBytes(16), 4));
    expect(c.suite).toBe(4);
    c.clear();
    expect(c.epoch).toBeUndefined();
    expect(c.sendKid()).toBeUndefined();
  });

  it("setEpoch refuses non-bigint or negative epochs and non-byte keys", () => {
    const c = new FrameCryptor();
    expect(() => c.setEpoch({ ...keysOf(1n, 0, randomBytes(16)), epoch: -1n })).toThrow(TypeError);
    expect(() => c.setEpoch({ ...keysOf(1n, 0, randomBytes(16)), epoch: 1 as unknown as bigint })).toThrow(
      TypeError,
    );
    expect(() =>
      c.setEpoch({ ...keysOf(1n, 0, randomBytes(16)), baseKey: Array(16).fill(0) as unknown as Uint8Array }),
    ).toThrow(RangeError);
    expect(c.epoch).toBeUndefined();
    c.setEpoch(keysOf(0n, 0, randomBytes(16)));
    expect(c.epoch).toBe(0n);
  });

  it("the cryptor copies the base key: the caller's array is neither used later nor zeroed", async () => {
    const base = randomBytes(16);
    const copy = base.slice();
    const alice = new FrameCryptor();
    const bob = new FrameCryptor();
    alice.setEpoch(keysOf(1n, 0, base));
    bob.setEpoch(keysOf(1n, 1, copy.slice()));
    base.fill(9); // the caller reuses its buffer
    expect((await bob.decryptFrame(await ok(alice.encryptFrame(randomBytes(9), "opus")), "opus")).ok).toBe(
      true,
    );
    base.set(copy);
    alice.clear();
    expect(toHex(base)).toBe(toHex(copy));
  });

  it("the stats getter returns a snapshot", async () => {
    const c = new FrameCryptor();
    const s = c.stats;
    s.encrypted = 99;
    expect(c.stats.encrypted).toBe(0);
  });
});

describe("FrameCryptor epochs sharing low bits", () => {
  it("a new epoch with the same low bits drops the old one at once, so it never resurfaces", async () => {
    let t = 0;
    const clockMs = () => t;
    const k3 = randomBytes(16);
    const k19 = randomBytes(16);
    const alice = new FrameCryptor({ clockMs });
    const bob = new FrameCryptor({ clockMs });
    alice.setEpoch(keysOf(19n, 0, k19));
    const f = await ok(alice.encryptFrame(randomBytes(30), "opus"));
    bob.setEpoch(keysOf(3n, 1, k3));
    bob.setEpoch(keysOf(19n, 1, k19)); // 19 = 3 mod 16: epoch 3 is removed now, not after its grace
    bob.setEpoch(keysOf(20n, 1, randomBytes(16)));
    t = 60_000; // epoch 19's grace period is over
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: DropReason.expiredEpoch });
    // Epoch 19 is gone with its frame; nothing else holds those low bits.
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: DropReason.unknownEpoch });
  });
});

describe("FrameCryptor send side", () => {
  it("a result carries the KID of its context and the own leaf; each context counts from 0", async () => {
    const { alice, bob } = pair();
    for (const context of [0n, 1n, 2n]) {
      for (let i = 0n; i < 3n; i++) {
        const r = await alice.encryptFrame(randomBytes(12), "opus", context);
        if (!r.ok) throw new Error(r.reason);
        expect(r.kid).toBe(alice.sendKid(context));
        expect(r.senderLeaf).toBe(0);
        expect(readSFrameHeader(r.data)).toMatchObject({ kid: alice.sendKid(context), ctr: i });
        const d = await bob.decryptFrame(r.data, "opus");
        expect(d).toMatchObject({ ok: true, kid: alice.sendKid(context), senderLeaf: 0 });
      }
    }
    expect(alice.sendKid()).toBe(alice.sendKid(0n));
    expect(alice.stats.encrypted).toBe(9);
    expect(bob.stats.decrypted).toBe(9);
  });

  it("empty frames are returned as is and counted; nothing else is", async () => {
    const { alice, bob } = pair();
    const empty = new Uint8Array(0);
    expect(await alice.encryptFrame(empty, "opus")).toEqual({ ok: true, data: empty });
    expect((await alice.encryptFrame(empty, "h264")).ok).toBe(true);
    expect((await bob.decryptFrame(empty, "nonsense")).ok).toBe(true);
    expect(alice.stats.passedEmpty).toBe(2);
    expect(alice.stats.encrypted).toBe(0);
    expect(bob.stats.passedEmpty).toBe(1);
  });

  it("a frame that is not a byte array is an internal drop, both ways, never a throw", async () => {
    const { alice, bob } = pair();
    const bogus = { length: 40 } as unknown as Uint8Array;
    expect(await alice.encryptFrame(bogus, "opus")).toEqual({ ok: false, reason: DropReason.internal });
    // Its first "byte" is the header of alice's KID, so the receive path gets as far as the body.
    const header = encodeSFrameHeader({ kid: alice.sendKid() as bigint, ctr: 0n });
    expect(header.length).toBe(1);
    const bogusIn = { length: 40, 0: header[0] } as unknown as Uint8Array;
    expect(await bob.decryptFrame(bogusIn, "opus")).toEqual({ ok: false, reason: DropReason.internal });
    expect(alice.stats.internal).toBe(1);
    expect(bob.stats.internal).toBe(1);
  });

  it("codec names are remembered whether valid or not, and the answer does not change", async () => {
    const { alice, bob } = pair();
    for (let i = 0; i < 70; i++) {
      expect(await alice.encryptFrame(Uint8Array.of(1), `x-${i}`)).toEqual({
        ok: false,
        reason: DropReason.unsupportedCodec,
      });
    }
    for (let i = 0; i < 3; i++) {
      const f = await ok(alice.encryptFrame(Uint8Array.of(1, 2), "audio/opus"));
      expect(toHex(await ok(bob.decryptFrame(f, "opus")))).toBe("0102");
      expect((await alice.encryptFrame(Uint8Array.of(1), "x-0")).ok).toBe(false);
    }
    expect(alice.stats["unsupported-codec"]).toBe(73);
  });
});

describe("FrameCryptor receive side", () => {
  it("a frame shorter than header + 4-byte tag is truncated before its header is read", async () => {
    const { alice, bob } = pair(3);
    const f = await ok(alice.encryptFrame(Uint8Array.of(0x42), "opus"));
    expect(f.length).toBe(1 + 1 + 4); // header, one byte, 4-byte tag
    // Header + 4 bytes is long enough to reach the tag check (empty ciphertext, wrong tag).
    expect(await bob.decryptFrame(f.subarray(0, 5), "opus")).toEqual({
      ok: false,
      reason: DropReason.authFailed,
    });
    expect(toHex(await ok(bob.decryptFrame(f, "opus")))).toBe("42");
    expect(await bob.decryptFrame(f.subarray(0, 4), "opus")).toEqual({
      ok: false,
      reason: DropReason.truncated,
    });
    // Too short even though the header itself would not parse: truncated, not bad-header.
    expect(await bob.decryptFrame(Uint8Array.of(0x80, 0x01, 0, 0), "opus")).toEqual({
      ok: false,
      reason: DropReason.truncated,
    });
    // VP8 delta frame: one clear byte before the header.
    const v = await ok(alice.encryptFrame(Uint8Array.of(0x11, 0x42), "vp8"));
    expect(v.length).toBe(1 + 1 + 1 + 4);
    expect(await bob.decryptFrame(v.subarray(0, 6), "vp8")).toEqual({
      ok: false,
      reason: DropReason.authFailed,
    });
    expect(await bob.decryptFrame(Uint8Array.of(0x11, 0x80, 0x01, 0, 0), "vp8")).toEqual({
      ok: false,
      reason: DropReason.truncated,
    });
    expect(toHex(await ok(bob.decryptFrame(v, "vp8")))).toBe("1142");
    expect(bob.stats.truncated).toBe(3);
  });

  it("the epoch's own tag length bounds the body: Nt bytes reach the tag check, Nt - 1 are truncated", async () => {
    const { alice, bob } = pair(4);
    const f = await ok(alice.encryptFrame(Uint8Array.of(1, 2, 3), "opus"));
    const { length: h } = readSFrameHeader(f);
    // Header + 16 bytes: long enough for suite 4's tag, but not the right tag.
    expect(await bob.decryptFrame(f.subarray(0, h + 16), "opus")).toEqual({
      ok: false,
      reason: DropReason.authFailed,
    });
    expect(await bob.decryptFrame(f.subarray(0, h + 15), "opus")).toEqual({
      ok: false,
      reason: DropReason.truncated,
    });
    expect(toHex(await ok(bob.decryptFrame(f, "opus")))).toBe("010203");
  });

  it("a header that does not parse is bad-header", async () => {
    const { bob } = pair();
    const nonMinimal = Uint8Array.from([0x80, 0x01, ...randomBytes(20)]);
    expect(await bob.decryptFrame(nonMinimal, "opus")).toEqual({ ok: false, reason: DropReason.badHeader });
    const truncatedHeader = Uint8Array.from([0xff, ...randomBytes(10)]);
    expect(await bob.decryptFrame(truncatedHeader, "opus")).toEqual({
      ok: false,
      reason: DropReason.badHeader,
    });
    expect(bob.stats["bad-header"]).toBe(2);
  });

  it("a CTR at 2^53 is refused before any decryption; just below is an ordinary tag failure", async () => {
    const { alice, bob } = pair();
    const f = await ok(alice.encryptFrame(randomBytes(20), "opus"));
    const kid = alice.sendKid() as bigint;
    expect(await bob.decryptFrame(reheader(f, kid, 1n << 53n), "opus")).toEqual({
      ok: false,
      reason: DropReason.ctrOutOfRange,
    });
    expect(await bob.decryptFrame(reheader(f, kid, (1n << 53n) - 1n), "opus")).toEqual({
      ok: false,
      reason: DropReason.authFailed,
    });
    expect((await bob.decryptFrame(f, "opus")).ok).toBe(true);
  });

  it("a failed tag does not consume the CTR: the genuine frame still decrypts afterwards", async () => {
    const { alice, bob } = pair();
    const f = await ok(alice.encryptFrame(randomBytes(20), "opus"));
    const bad = f.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    expect(await bob.decryptFrame(bad, "opus")).toEqual({ ok: false, reason: DropReason.authFailed });
    expect((await bob.decryptFrame(f, "opus")).ok).toBe(true);
    expect(await bob.decryptFrame(f, "opus")).toEqual({ ok: false, reason: DropReason.replay });
  });

  it("a refused sender or context leaves no state: a valid frame under the same epoch still decrypts", async () => {
    const { alice, bob } = pair(4, { maxContext: 1 });
    const wide = await ok(alice.encryptFrame(randomBytes(10), "opus", 2n));
    expect(await bob.decryptFrame(wide, "opus")).toEqual({ ok: false, reason: DropReason.badContext });
    expect(await bob.decryptFrame(wide, "opus")).toEqual({ ok: false, reason: DropReason.badContext });
    const edge = await ok(alice.encryptFrame(randomBytes(10), "opus", 1n));
    expect((await bob.decryptFrame(edge, "opus")).ok).toBe(true);
    expect(bob.stats["bad-context"]).toBe(2);
  });

  it("an epoch already past its grace period is forgotten when a newer one is installed", async () => {
    let now = 0;
    const clock = () => now;
    const k1 = randomBytes(16);
    const alice = new FrameCryptor({ clockMs: clock });
    const bob = new FrameCryptor({ clockMs: clock });
    alice.setEpoch(keysOf(1n, 0, k1));
    bob.setEpoch(keysOf(1n, 1, k1));
    const old = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    bob.setEpoch(keysOf(2n, 1, randomBytes(16))); // epoch 1 usable until now + 10 000
    now = 9_999;
    bob.setEpoch(keysOf(3n, 1, randomBytes(16))); // epoch 1 still in grace: kept
    expect((await bob.decryptFrame(old, "opus")).ok).toBe(true);
    const old2 = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    now = 10_000;
    bob.setEpoch(keysOf(4n, 1, randomBytes(16))); // exactly at expiry: forgotten, not kept as expired
    expect(await bob.decryptFrame(old2, "opus")).toEqual({ ok: false, reason: DropReason.unknownEpoch });
    expect(bob.stats["expired-epoch"]).toBe(0);
  });

  it("the grace period is measured from the switch, with a custom graceMs", async () => {
    let now = 500;
    const clock = () => now;
    const k1 = randomBytes(16);
    const alice = new FrameCryptor({ clockMs: clock, graceMs: 100 });
    const bob = new FrameCryptor({ clockMs: clock, graceMs: 100 });
    alice.setEpoch(keysOf(1n, 0, k1));
    bob.setEpoch(keysOf(1n, 1, k1));
    const a = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    const b = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    now = 1_000;
    bob.setEpoch(keysOf(2n, 1, randomBytes(16)));
    now = 1_099;
    expect((await bob.decryptFrame(a, "opus")).ok).toBe(true);
    now = 1_100;
    expect(await bob.decryptFrame(b, "opus")).toEqual({ ok: false, reason: DropReason.expiredEpoch });
    expect(bob.epoch).toBe(2n);
  });

  it("dropping an expired epoch on receipt keeps the current epoch's keys working", async () => {
    let now = 0;
    const clock = () => now;
    const k1 = randomBytes(16);
    const k2 = randomBytes(16);
    const alice = new FrameCryptor({ clockMs: clock, graceMs: 10 });
    const bob = new FrameCryptor({ clockMs: clock, graceMs: 10 });
    alice.setEpoch(keysOf(1n, 0, k1));
    bob.setEpoch(keysOf(1n, 1, k1));
    const old = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    alice.setEpoch(keysOf(2n, 0, k2));
    bob.setEpoch(keysOf(2n, 1, k2));
    const current = await ok(alice.encryptFrame(randomBytes(10), "opus"));
    now = 10;
    expect(await bob.decryptFrame(old, "opus")).toEqual({ ok: false, reason: DropReason.expiredEpoch });
    expect((await bob.decryptFrame(current, "opus")).ok).toBe(true);
    expect(bob.epoch).toBe(2n);
  });

  it("a frame moved out of the window while it was being decrypted is too-old, not a replay", async () => {
    const { alice, bob } = pair(4, { replayWindow: 4 });
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) frames.push(await ok(alice.encryptFrame(randomBytes(20), "opus")));
    expect((await bob.decryptFrame(frames[1]!, "opus")).ok).toBe(true); // keys derived, window at 1
    // Both pass the first window check; CTR 9 is accepted first and moves the window past CTR 0.
    const [late, early] = await Promise.all([
      bob.decryptFrame(frames[9]!, "opus"),
      bob.decryptFrame(frames[0]!, "opus"),
    ]);
    expect(late.ok).toBe(true);
    expect(early).toEqual({ ok: false, reason: DropReason.tooOld });
  });

  it("an unexpected error while reading the header is an internal drop, not bad-header", async () => {
    const { bob } = pair();
    // Not bytes: its first "byte" is a bigint, which the header parser cannot do arithmetic on.
    const weird = { length: 40, 0: 1n } as unknown as Uint8Array;
    expect(await bob.decryptFrame(weird, "opus")).toEqual({ ok: false, reason: DropReason.internal });
    expect(bob.stats["bad-header"]).toBe(0);
  });

  it("a VP8 keyframe of exactly its 10 clear bytes is sent (empty ciphertext); 9 bytes are malformed", async () => {
    const { alice, bob } = pair();
    const ten = vp8Frame(true, 10);
    const f = await ok(alice.encryptFrame(ten, "vp8"));
    expect(toHex(await ok(bob.decryptFrame(f, "vp8")))).toBe(toHex(ten));
    expect(await alice.encryptFrame(vp8Frame(true, 9), "vp8")).toEqual({
      ok: false,
      reason: DropReason.malformedFrame,
    });
  });

  it("a VP8 keyframe keeps its 10 clear bytes in front of the plaintext", async () => {
    const { alice, bob } = pair();
    const plain = vp8Frame(true, 64);
    const f = await ok(alice.encryptFrame(plain, "vp8"));
    expect(toHex(f.subarray(0, 10))).toBe(toHex(plain.subarray(0, 10)));
    const d = await ok(bob.decryptFrame(f, "vp8"));
    expect(toHex(d)).toBe(toHex(plain));
    // Opus (no clear prefix): the plaintext exactly.
    const o = randomBytes(33);
    expect(toHex(await ok(bob.decryptFrame(await ok(alice.encryptFrame(o, "opus")), "opus")))).toBe(toHex(o));
  });
});
