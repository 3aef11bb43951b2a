/**
 * With real ts-mls groups (suite 1): RFC 9605 §5.2 keys from the MLS exporter, per-epoch base keys, the
 * PrivateMessage mode, and removal — a removed member cannot decrypt frames of the next epoch.
 */

import fc from "fast-check";
import { type CiphersuiteImpl, type ClientState, createCommit, encodeMlsMessage, mlsExporter } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createFrameTransform,
  type EncodedFrameLike,
  epochKeysFromClientState,
  FrameCryptor,
  PrivateMessageFrameCipher,
} from "../src/index.ts";
import { randomBytes, SyntheticFrame, toHex, vp8Frame } from "./helpers.ts";
import { applyCommit as applyWith, groupOf, type MlsCommit, suite1 } from "./mls-group.ts";

let impl: CiphersuiteImpl;

const applyCommit = (state: ClientState, commit: MlsCommit) => applyWith(state, commit, impl);

async function cryptorFor(state: ClientState): Promise<FrameCryptor> {
  const c = new FrameCryptor();
  c.setEpoch(await epochKeysFromClientState(state, impl));
  return c;
}

let alice: ClientState;
let bob: ClientState;
let carol: ClientState;
/** The Remove commit of the second test, replayed onto the media path in the third. */
let removeCommitBytes: Uint8Array | undefined;

beforeAll(async () => {
  impl = await suite1();
  [alice, bob, carol] = (await groupOf("room-1", ["alice", "bob", "carol"], impl)) as [
    ClientState,
    ClientState,
    ClientState,
  ];
});

describe("SFrame keyed by MLS (RFC 9605 §5.2)", () => {
  it("every member derives the same base key and roster; frames flow between all of them", async () => {
    const secrets = await Promise.all([alice, bob, carol].map((s) => epochKeysFromClientState(s, impl)));
    expect(secrets.map((s) => s.ownLeaf)).toEqual([0, 1, 2]);
    for (const s of secrets) {
      expect(s.epoch).toBe(1n);
      expect(s.leaves).toEqual([0, 1, 2]);
      expect(toHex(s.baseKey)).toBe(toHex(secrets[0]?.baseKey as Uint8Array));
    }
    // the base key is exactly MLS-Exporter("SFrame 1.0 Base Key", "", 16)
    const direct = await mlsExporter(
      alice.keySchedule.exporterSecret,
      "SFrame 1.0 Base Key",
      new Uint8Array(0),
      16,
      impl,
    );
    expect(toHex(secrets[0]?.baseKey as Uint8Array)).toBe(toHex(direct));

    const [ca, cb, cc] = await Promise.all([alice, bob, carol].map(cryptorFor));
    const frame = vp8Frame(true, 2000);
    const r = await ca!.encryptFrame(frame, "vp8", 1n);
    if (!r.ok) throw new Error(r.reason);
    for (const rx of [cb!, cc!]) {
      const d = await rx.decryptFrame(r.data, "vp8");
      expect(d.ok && toHex(d.data)).toBe(toHex(frame));
      expect(d.ok && d.senderLeaf).toBe(0);
    }
  });

  it("base keys agree within an epoch and change with it; a removed member cannot decrypt the next epoch", async () => {
    const keysOf = async (s: ClientState) => toHex((await epochKeysFromClientState(s, impl)).baseKey);
    const sn = await Promise.all([alice, bob, carol].map(keysOf));
    expect(new Set(sn).size).toBe(1);

    const carolCryptor = await cryptorFor(carol);
    const oldCarolState = carol;

    const remove = await createCommit(
      { state: alice, cipherSuite: impl },
      { extraProposals: [{ proposalType: "remove", remove: { removed: 2 } }] },
    );
    alice = remove.newState;
    removeCommitBytes = encodeMlsMessage(remove.commit);
    bob = await applyCommit(bob, remove.commit);
    expect(alice.groupContext.epoch).toBe(2n);

    const sn2 = await Promise.all([alice, bob].map(keysOf));
    expect(sn2[0]).toBe(sn2[1]);
    expect(sn2[0]).not.toBe(sn[0]);

    const [ca, cb] = await Promise.all([alice, bob].map(cryptorFor));
    const secretA = await epochKeysFromClientState(alice, impl);
    expect(secretA.leaves).toEqual([0, 1]);
    const frame = randomBytes(200);
    const r = await ca!.encryptFrame(frame, "opus");
    if (!r.ok) throw new Error(r.reason);
    const d = await cb!.decryptFrame(r.data, "opus");
    expect(d.ok && toHex(d.data)).toBe(toHex(frame));

    // Carol holds only epoch 1: the frame names epoch 2.
    expect(await carolCryptor.decryptFrame(r.data, "opus")).toEqual({ ok: false, reason: "unknown-epoch" });
    // Carol tries to follow the commit herself: ts-mls refuses, or leaves her without epoch-2 secrets.
    let carolNext: ClientState | undefined;
    try {
      carolNext = await applyCommit(oldCarolState, remove.commit);
    } catch {
      carolNext = undefined;
    }
    // Her best guesses at an epoch-2 base key — her epoch-1 exporter, and whatever state ts-mls left
    // her — all fail authentication.
    const guesses = [await epochKeysFromClientState(oldCarolState, impl)];
    if (carolNext !== undefined) guesses.push(await epochKeysFromClientState(carolNext, impl));
    for (const g of guesses) {
      const attacker = new FrameCryptor();
      attacker.setEpoch({ epoch: 2n, suite: g.suite, baseKey: g.baseKey, ownLeaf: 1, leaves: [0, 1] });
      expect(await attacker.decryptFrame(r.data, "opus")).toEqual({ ok: false, reason: "auth-failed" });
    }
  });
});

describe("MLS PrivateMessage per frame (the Orange Meets E2EE post's framing)", () => {
  it("round trips, authenticates the clear prefix, rejects tampering and replays", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const frame = vp8Frame(true, 1000);
    const r = await tx.encryptFrame(frame, "vp8");
    if (!r.ok) throw new Error(r.reason);
    expect(toHex(r.data.subarray(0, 10))).toBe(toHex(frame.subarray(0, 10)));

    const tampered = r.data.slice();
    tampered[5] = (tampered[5] as number) ^ 1; // inside the clear prefix
    expect((await rx.decryptFrame(tampered, "vp8")).ok).toBe(false);
    const tampered2 = r.data.slice();
    tampered2[tampered2.length - 3] = (tampered2[tampered2.length - 3] as number) ^ 1;
    expect((await rx.decryptFrame(tampered2, "vp8")).ok).toBe(false);

    const d = await rx.decryptFrame(r.data, "vp8");
    expect(d.ok && toHex(d.data)).toBe(toHex(frame));
    expect((await rx.decryptFrame(r.data, "vp8")).ok).toBe(false); // generation already consumed

    const opus = randomBytes(100);
    const r2 = await tx.encryptFrame(opus, "opus");
    if (!r2.ok) throw new Error(r2.reason);
    const d2 = await rx.decryptFrame(r2.data, "opus");
    expect(d2.ok && toHex(d2.data)).toBe(toHex(opus));
    expect(await rx.decryptFrame(randomBytes(50), "opus")).toMatchObject({ ok: false });
    expect(await tx.encryptFrame(randomBytes(50), "video/H264")).toEqual({
      ok: false,
      reason: "unsupported-codec",
    });
    expect(rx.stats.internal).toBe(0);

    // A handshake message smuggled onto the media path is dropped before it reaches the group state.
    const epochBefore = rx.state.groupContext.epoch;
    expect(await rx.decryptFrame(removeCommitBytes ?? new Uint8Array(1), "opus")).toEqual({
      ok: false,
      reason: "bad-header",
    });
    expect(rx.state.groupContext.epoch).toBe(epochBefore);
  });

  it("decoder fuzz: random bytes (10,000) and mutated genuine frames (300) never throw or get accepted", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        expect((await rx.decryptFrame(bytes, "opus")).ok).toBe(false);
      }),
      { numRuns: 10_000 },
    );
    const genuine = await tx.encryptFrame(randomBytes(64), "opus");
    if (!genuine.ok) throw new Error(genuine.reason);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, x) => {
        const f = genuine.data.slice();
        f[pos % f.length] = (f[pos % f.length] as number) ^ x;
        expect((await rx.decryptFrame(f, "opus")).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(rx.stats.internal).toBe(0);
    expect((await rx.decryptFrame(genuine.data, "opus")).ok).toBe(true);
  });

  it("runs behind the same encoded transform as SFrame", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const send = createFrameTransform(tx, { direction: "send", codec: "video/VP8" });
    const recv = createFrameTransform(rx, { direction: "receive", codec: "video/VP8" });
    const out = send.readable.pipeThrough(recv).getReader();
    const w = send.writable.getWriter();
    const frames = [vp8Frame(true, 900, 1), vp8Frame(false, 300, 2), new Uint8Array(0)];
    for (const f of frames) {
      void w.write(new SyntheticFrame(f, "video/VP8"));
      const r = await out.read();
      expect(toHex(new Uint8Array((r.value as EncodedFrameLike).data))).toBe(toHex(f));
    }
    void w.close();
  });
});
