/**
 * `TsMlsEngine` check by check (mutation testing, issue 18), on real ts-mls: the suite options,
 * each reason a key package is refused (with a valid signature, so only the check under test can
 * refuse it), and the message kinds each operation refuses.
 */
import {
  type ClientState,
  createCommit,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackage,
  type PrivateKeyPackage,
} from "ts-mls";
import { beforeAll, describe, expect, it } from "vitest";
import { issueLifetime } from "../src/key-package-policy.ts";
import type { MlsSuite } from "../src/mls-suite.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";

/** The system clock: ts-mls checks key package lifetimes against it when adding and joining. */
const NOW = Math.floor(Date.now() / 1000);
const enc = new TextEncoder();
let engine: TsMlsEngine;
let xwing: TsMlsEngine;
beforeAll(async () => {
  [engine, xwing] = await Promise.all([
    TsMlsEngine.create({ now: () => NOW }),
    TsMlsEngine.create({ suite: 83, now: () => NOW }),
  ]);
});

/** A key package built with ts-mls directly (any credential, any lifetime), validly signed. */
async function rawKeyPackage(
  credential: Parameters<typeof generateKeyPackage>[0],
  lifetime = issueLifetime(NOW),
): Promise<Uint8Array> {
  const kp = await generateKeyPackage(credential, defaultCapabilities(), lifetime, [], engine.impl);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage });
}

/** a creates a group and adds b: both states, and b's key package. */
async function pair(): Promise<{ a: ClientState; b: ClientState }> {
  const ka = await engine.generateKeyPackage("a");
  const kb = await engine.generateKeyPackage("b");
  const g = await engine.createGroup(enc.encode("group"), ka.keyPackage, ka.secret);
  const c = await engine.commit(g, [kb.keyPackage], []);
  const b = await engine.joinGroup(c.welcome!, kb.keyPackage, kb.secret);
  return { a: c.group, b };
}

describe("TsMlsEngine options", () => {
  it("suite 1 by default; any suite but 1 and 83 is refused by the constructor and by create", async () => {
    expect((await TsMlsEngine.create()).suite).toBe(1);
    expect(new TsMlsEngine(engine.impl).suite).toBe(1);
    expect(xwing.suite).toBe(83);
    expect(() => new TsMlsEngine(engine.impl, { suite: 2 as MlsSuite })).toThrow(RangeError);
    await expect(TsMlsEngine.create({ suite: 2 as MlsSuite })).rejects.toThrow(RangeError);
    await expect(TsMlsEngine.create({ suite: "1" as unknown as MlsSuite })).rejects.toThrow(RangeError);
  });

  it("the default clock is the system clock", async () => {
    const system = await TsMlsEngine.create();
    const { keyPackage } = await system.generateKeyPackage("a");
    expect(await system.validateKeyPackage(keyPackage, "a")).toBe(true);
    const [m] = decodeMlsMessage(keyPackage, 0)!;
    if (m.wireformat !== "mls_key_package") throw new Error("kp");
    const after = Math.floor(Date.now() / 1000);
    const { notBefore } = m.keyPackage.leafNode.lifetime;
    expect(notBefore).toBeGreaterThanOrEqual(issueLifetime(NOW).notBefore);
    expect(notBefore).toBeLessThanOrEqual(issueLifetime(after).notBefore);
    // A fixed clock far from now refuses it.
    const past = await TsMlsEngine.create({ now: () => 1_000_000_000 });
    expect(await past.validateKeyPackage(keyPackage, "a")).toBe(false);
  });
});

describe("TsMlsEngine.validateKeyPackage", () => {
  it("a validly signed package is refused for a non-basic credential, a non-UTF-8 identity, a long lifetime", async () => {
    expect(
      await engine.validateKeyPackage(
        await rawKeyPackage({ credentialType: "basic", identity: enc.encode("a") }),
        "a",
      ),
    ).toBe(true);
    const x509 = await rawKeyPackage({ credentialType: "x509", certificates: [enc.encode("a")] });
    expect(await engine.validateKeyPackage(x509, "a")).toBe(false);
    const notUtf8 = await rawKeyPackage({ credentialType: "basic", identity: Uint8Array.of(0x61, 0xff) });
    expect(await engine.validateKeyPackage(notUtf8, "a\ufffd")).toBe(false);
    // The identity must be exactly the member id's bytes: a byte-order mark in front is another identity
    // (a TextDecoder that strips it would take it for "a").
    const bom = await rawKeyPackage({
      credentialType: "basic",
      identity: Uint8Array.of(0xef, 0xbb, 0xbf, 0x61),
    });
    expect(await engine.validateKeyPackage(bom, "a")).toBe(false);
    const forever = await rawKeyPackage(
      { credentialType: "basic", identity: enc.encode("a") },
      defaultLifetime,
    );
    expect(await engine.validateKeyPackage(forever, "a")).toBe(false);
  });

  it("only a key package is one: a Welcome or a commit is refused", async () => {
    const ka = await engine.generateKeyPackage("a");
    const kb = await engine.generateKeyPackage("b");
    const g = await engine.createGroup(enc.encode("g"), ka.keyPackage, ka.secret);
    const c = await engine.commit(g, [kb.keyPackage], []);
    expect(await engine.validateKeyPackage(c.welcome!, "b")).toBe(false);
    expect(await engine.validateKeyPackage(c.commit, "a")).toBe(false);
  });
});

describe("TsMlsEngine operations refuse the wrong message kinds", () => {
  it("processCommit: a PublicMessage commit applies; an application message, a Welcome or trailing bytes do not", async () => {
    const { a, b } = await pair();
    const app = await engine.createApplicationMessage(a, enc.encode("hi"));
    await expect(engine.processCommit(b, app.message)).rejects.toThrow();
    const priv = await engine.commit(a, [], []);
    await expect(engine.processCommit(b, Uint8Array.of(...priv.commit, 0))).rejects.toThrow();
    const kc = await engine.generateKeyPackage("c");
    const withC = await engine.commit(a, [kc.keyPackage], []);
    await expect(engine.processCommit(b, withC.welcome!)).rejects.toThrow();
    // The untouched private commit applies.
    expect(engine.epoch(await engine.processCommit(b, priv.commit))).toBe(2n);

    const fresh = await pair(); // processCommit wipes the old epoch's secrets
    const pub = await createCommit(
      { state: fresh.a, cipherSuite: engine.impl },
      { wireAsPublicMessage: true },
    );
    const after = await engine.processCommit(fresh.b, encodeMlsMessage(pub.commit));
    expect(engine.epoch(after)).toBe(2n);
    expect(engine.epochAuthenticator(after)).toEqual(engine.epochAuthenticator(pub.newState));
  });

  it("processApplicationMessage: a commit is not a chat message; a message of an epoch not yet held is refused", async () => {
    const { a, b } = await pair();
    const priv = await engine.commit(a, [], []);
    await expect(engine.processApplicationMessage(b, priv.commit)).rejects.toThrow();
    // a moves to epoch 2 and writes there; b, still at epoch 1, cannot read it.
    const later = await engine.createApplicationMessage(priv.group, enc.encode("from the future"));
    await expect(engine.processApplicationMessage(b, later.message)).rejects.toThrow();
    // b catches up and reads it, with the sender and its leaf.
    const b2 = await engine.processCommit(b, priv.commit);
    const r = await engine.processApplicationMessage(b2, later.message);
    expect(r).toMatchObject({ sender: "a", senderLeaf: 0, plaintext: enc.encode("from the future") });
  });

  it("joinGroup: a key package is not a Welcome; a key package of another suite is refused", async () => {
    const ka = await engine.generateKeyPackage("a");
    const kb = await engine.generateKeyPackage("b");
    const g = await engine.createGroup(enc.encode("g"), ka.keyPackage, ka.secret);
    const c = await engine.commit(g, [kb.keyPackage], []);
    await expect(engine.joinGroup(kb.keyPackage, kb.keyPackage, kb.secret)).rejects.toThrow();
    const pq = await xwing.generateKeyPackage("b");
    await expect(
      engine.joinGroup(c.welcome!, pq.keyPackage, pq.secret as unknown as PrivateKeyPackage),
    ).rejects.toThrow(/suite/);
    expect(engine.roster(await engine.joinGroup(c.welcome!, kb.keyPackage, kb.secret))).toEqual(
      new Map([
        [0, "a"],
        [1, "b"],
      ]),
    );
  });

  it("roster skips blank leaves and numbers leaves, not nodes; the suite id is the group's", async () => {
    const ks = await Promise.all(["a", "b", "c"].map((m) => engine.generateKeyPackage(m)));
    const g = await engine.createGroup(enc.encode("g"), ks[0]!.keyPackage, ks[0]!.secret);
    const c = await engine.commit(g, [ks[1]!.keyPackage, ks[2]!.keyPackage], []);
    const removed = await engine.commit(c.group, [], [1]);
    expect(engine.roster(removed.group)).toEqual(
      new Map([
        [0, "a"],
        [2, "c"],
      ]),
    );
    expect(engine.ownLeaf(removed.group)).toBe(0);
    expect(removed.welcome).toBeNull();
    expect(engine.cipherSuite(removed.group)).toBe(1);
  });

  /** A group "g" founded from a fresh key package with `credential`. */
  async function groupFoundedWith(credential: Parameters<typeof generateKeyPackage>[0]) {
    const kp = await generateKeyPackage(
      credential,
      defaultCapabilities(),
      issueLifetime(NOW),
      [],
      engine.impl,
    );
    const bytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: kp.publicPackage,
    });
    return engine.createGroup(enc.encode("g"), bytes, kp.privatePackage);
  }

  it("roster names are the credential identities exactly (a byte-order mark is kept)", async () => {
    const g = await groupFoundedWith({
      credentialType: "basic",
      identity: Uint8Array.of(0xef, 0xbb, 0xbf, 0x61),
    });
    expect(engine.roster(g)).toEqual(new Map([[0, "\ufeffa"]]));
  });

  it("a leaf without a basic credential has no member id: roster leaves it out", async () => {
    const g = await groupFoundedWith({ credentialType: "x509", certificates: [enc.encode("a")] });
    expect(engine.roster(g)).toEqual(new Map());
  });
});
