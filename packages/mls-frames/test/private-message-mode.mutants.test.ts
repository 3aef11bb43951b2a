/**
 * `PrivateMessageFrameCipher` (src/private-message-mode.ts) with real ts-mls groups: the exact drop
 * reason of each refusal, the counters, serialised calls and `setState` (mutation testing,
 * `pnpm mutate`; mls-groups.test.ts covers the round trips and the fuzz).
 */
import { type CiphersuiteImpl, type ClientState, createCommit, encodeMlsMessage } from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { PrivateMessageFrameCipher } from "../src/index.ts";
import { randomBytes, toHex, vp8Frame } from "./helpers.ts";
import { applyCommit, groupOf, keyPackageOf, suite1 } from "./mls-group.ts";

let impl: CiphersuiteImpl;
let alice: ClientState;
let bob: ClientState;
/** Epoch 2 states (after an empty commit by alice) and the commit's MLSMessage bytes. */
let alice2: ClientState;
let bob2: ClientState;
let commitBytes: Uint8Array;
let keyPackageBytes: Uint8Array;

beforeAll(async () => {
  impl = await suite1();
  [alice, bob] = (await groupOf("pm-room", ["alice", "bob"], impl)) as [ClientState, ClientState];
  const next = await createCommit({ state: alice, cipherSuite: impl }, {});
  if (next.commit.wireformat !== "mls_private_message") throw new Error("expected a private commit");
  alice2 = next.newState;
  commitBytes = encodeMlsMessage(next.commit);
  bob2 = await applyCommit(bob, next.commit, impl);
  keyPackageBytes = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_key_package",
    keyPackage: (await keyPackageOf("carol", impl)).publicPackage,
  });
});

async function sealed(tx: PrivateMessageFrameCipher, frame: Uint8Array, codec: string): Promise<Uint8Array> {
  const r = await tx.encryptFrame(frame, codec);
  if (!r.ok) throw new Error(r.reason);
  return r.data;
}

describe("PrivateMessageFrameCipher", () => {
  it("passes empty frames both ways and counts each outcome", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const empty = new Uint8Array(0);
    expect(await tx.encryptFrame(empty, "h264")).toEqual({ ok: true, data: empty });
    expect(await rx.decryptFrame(empty, "h264")).toEqual({ ok: true, data: empty });
    const f = randomBytes(40);
    const r = await tx.encryptFrame(f, "opus");
    expect(r.ok && r.senderLeaf).toBe(alice.privatePath.leafIndex);
    const d = await rx.decryptFrame((r as { data: Uint8Array }).data, "opus");
    expect(d.ok && toHex(d.data)).toBe(toHex(f));
    expect(tx.stats).toMatchObject({ passedEmpty: 1, encrypted: 1, decrypted: 0 });
    expect(rx.stats).toMatchObject({ passedEmpty: 1, encrypted: 0, decrypted: 1 });
    // A copy: changing it does not change the cipher's counters.
    const s = rx.stats;
    s.decrypted = 99;
    expect(rx.stats.decrypted).toBe(1);
  });

  it("refuses unsupported codecs both ways, a VP8 keyframe under 10 bytes, and frames no longer than their prefix", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const good = await sealed(tx, randomBytes(30), "opus");
    expect(await rx.decryptFrame(good, "video/AV1")).toEqual({ ok: false, reason: "unsupported-codec" });
    expect(await tx.encryptFrame(vp8Frame(true, 9), "vp8")).toEqual({ ok: false, reason: "malformed-frame" });
    // Exactly 10 bytes: a keyframe with an empty body is sent.
    const ten = await sealed(tx, vp8Frame(true, 10), "vp8");
    expect(toHex(ten.subarray(0, 10))).toBe(toHex(vp8Frame(true, 10)));
    expect(await rx.decryptFrame(vp8Frame(true, 10), "vp8")).toEqual({ ok: false, reason: "truncated" });
    expect(await rx.decryptFrame(Uint8Array.of(0x11), "vp8")).toEqual({ ok: false, reason: "truncated" });
    expect(rx.stats).toMatchObject({ "unsupported-codec": 1, truncated: 2 });
    expect(tx.stats["malformed-frame"]).toBe(1);
    // The refusals left the receiver able to read the genuine frames, in order.
    const d = await rx.decryptFrame(good, "opus");
    expect(d.ok).toBe(true);
    const d10 = await rx.decryptFrame(ten, "vp8");
    expect(d10.ok && toHex(d10.data)).toBe(toHex(vp8Frame(true, 10)));
  });

  it("a trailing byte, another wire format or a handshake message is a bad header; the group state is untouched", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const good = await sealed(tx, randomBytes(30), "opus");
    const longer = Uint8Array.from([...good, 0]);
    expect(await rx.decryptFrame(longer, "opus")).toEqual({ ok: false, reason: "bad-header" });
    expect(await rx.decryptFrame(good.subarray(0, good.length - 1), "opus")).toEqual({
      ok: false,
      reason: "bad-header",
    });
    expect(await rx.decryptFrame(keyPackageBytes, "opus")).toEqual({ ok: false, reason: "bad-header" });
    expect(await rx.decryptFrame(commitBytes, "opus")).toEqual({ ok: false, reason: "bad-header" });
    expect(rx.state).toBe(bob);
    expect(rx.stats["bad-header"]).toBe(4);
    expect((await rx.decryptFrame(good, "opus")).ok).toBe(true);
  });

  it("a frame of another epoch is unknown-epoch; after setState the new epoch's frames decrypt", async () => {
    const old = await sealed(new PrivateMessageFrameCipher(alice, impl), randomBytes(20), "opus");
    const rx = new PrivateMessageFrameCipher(bob2, impl);
    expect(await rx.decryptFrame(old, "opus")).toEqual({ ok: false, reason: "unknown-epoch" });
    const tx = new PrivateMessageFrameCipher(alice, impl);
    tx.setState(alice2);
    expect(tx.state).toBe(alice2);
    const f = randomBytes(20);
    const fresh = await sealed(tx, f, "opus");
    const back = new PrivateMessageFrameCipher(bob, impl);
    expect(await back.decryptFrame(fresh, "opus")).toEqual({ ok: false, reason: "unknown-epoch" });
    back.setState(bob2);
    const d = await back.decryptFrame(fresh, "opus");
    expect(d.ok && toHex(d.data)).toBe(toHex(f));
  });

  it("a changed clear prefix or ciphertext fails authentication", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const frame = vp8Frame(true, 200);
    const c = await sealed(tx, frame, "vp8");
    const prefix = c.slice();
    prefix[4] = (prefix[4] as number) ^ 1;
    expect(await rx.decryptFrame(prefix, "vp8")).toEqual({ ok: false, reason: "auth-failed" });
    const body = c.slice();
    body[body.length - 2] = (body[body.length - 2] as number) ^ 1;
    expect(await rx.decryptFrame(body, "vp8")).toEqual({ ok: false, reason: "auth-failed" });
    expect(rx.stats["auth-failed"]).toBe(2);
    const d = await rx.decryptFrame(c, "vp8");
    expect(d.ok && toHex(d.data)).toBe(toHex(frame));
    expect(rx.stats.internal).toBe(0);
  });

  it("calls started together run one after another: each frame gets its own generation", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const rx = new PrivateMessageFrameCipher(bob, impl);
    const frames = [randomBytes(10), randomBytes(11), randomBytes(12)];
    const out = await Promise.all(frames.map((f) => tx.encryptFrame(f, "opus")));
    const plain = await Promise.all(
      out.map((o) => rx.decryptFrame((o as { data: Uint8Array }).data, "opus")),
    );
    expect(plain.map((p) => p.ok && toHex(p.data))).toEqual(frames.map(toHex));
    // A failing call does not stop the queue.
    const after = await Promise.all([
      tx.encryptFrame(vp8Frame(true, 3), "vp8"),
      tx.encryptFrame(frames[0] as Uint8Array, "opus"),
    ]);
    expect(after.map((a) => a.ok)).toEqual([false, true]);
  });

  it("an unexpected failure inside MLS is an internal drop, never a throw", async () => {
    const tx = new PrivateMessageFrameCipher(alice, impl);
    const good = await sealed(tx, randomBytes(20), "opus");
    tx.setState({} as ClientState);
    expect(await tx.encryptFrame(randomBytes(20), "opus")).toEqual({ ok: false, reason: "internal" });
    const rx = new PrivateMessageFrameCipher({} as ClientState, impl);
    expect(await rx.decryptFrame(good, "opus")).toEqual({ ok: false, reason: "internal" });
    expect([tx.stats.internal, rx.stats.internal]).toEqual([1, 1]);
  });
});
