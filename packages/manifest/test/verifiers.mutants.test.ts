/**
 * The verifiers' argument contracts and rarely taken branches, found by mutation testing
 * (`pnpm mutate`, the fifth session's run of verify-transparency, cosigned-root and
 * verify-preload-list): no response without a preload policy, bytes that are not bytes, an
 * explicit origin, a forced Ed25519 backend, a cosignature loader that fails, witness keys given
 * parsed or of the wrong type or size, a trusted signature line of the wrong length, the preload
 * verifier's quorum argument, a service with no preload chain domain, a held list of another
 * service, and the returned response being a copy.
 */

import { createHash } from "node:crypto";
import {
  formatVerifierKey,
  NoteSignatureType,
  noteKeyId,
  parseVerifierKey,
} from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import { parseWitnessKey } from "../src/cosigned-root.ts";
import { encodeChainHeadWithProof, encodeManifestResponse, verifyTransparency } from "../src/index.ts";
import { PreloadListKind } from "../src/preload-list.ts";
import { encodePreloadListResponse } from "../src/preload-list-response.ts";
import { verifyPreloadList } from "../src/verify-preload-list.ts";
import { verifyTransparencyWith } from "../src/verify-transparency.ts";
import { DAY, PreloadWorld } from "./helpers/preload-world.ts";
import { makeWorld, NOW, optionsFor, pseudoRandom32, type World } from "./helpers/world.ts";

const T = PreloadListKind.transparency;
const M0 = JSON.stringify({ hashes: { "/": `${"A".repeat(42)}A` } });

/** The world's response with its signed root replaced by `signedRoot`. */
function withSignedRoot(w: World, signedRoot: string): Uint8Array {
  const proof = encodeChainHeadWithProof({
    head: w.head,
    incProof: w.incProof,
    signedPrefixRoot: new TextEncoder().encode(signedRoot),
  });
  return encodeManifestResponse(w.manifestLine, proof);
}

/** A published list v0 of one site in `world` (service name as given). */
function published(world = new PreloadWorld(), o: { chainDomain?: string } = {}) {
  world.append("a.example", M0, NOW - 100);
  world.seal(NOW - 100);
  const list = world.publishList(T, { time: NOW - 90, expires: NOW + DAY, ...o });
  world.seal(NOW - 60);
  return { world, list };
}

describe("verifyTransparency: arguments and rare branches", () => {
  it("no response and no preload policy: manifest_unavailable / no_manifest", async () => {
    const w = makeWorld();
    expect(await verifyTransparency(undefined, optionsFor(w))).toMatchObject({
      ok: false,
      reason: "manifest_unavailable",
      detail: "no_manifest",
    });
  });

  it("a response that is not bytes is a TypeError, not a verdict", async () => {
    const w = makeWorld();
    await expect(verifyTransparency(null as unknown as Uint8Array, optionsFor(w))).rejects.toThrow(TypeError);
  });

  it("relative keys are checked against the explicit origin when one is given", async () => {
    const w = makeWorld();
    expect(
      await verifyTransparency(w.response, optionsFor(w, { origin: "https://site.example" })),
    ).toMatchObject({ ok: true });
    // An unparseable origin makes every relative key non-canonical.
    expect(await verifyTransparency(w.response, optionsFor(w, { origin: "not an origin" }))).toMatchObject({
      ok: false,
      reason: "invalid_manifest",
      detail: "bad_url",
    });
  });

  it("a forced Ed25519 backend is the one that checks every trusted line", async () => {
    const w = makeWorld();
    let calls = 0;
    const refuse = () => {
      calls++;
      return false;
    };
    expect(await verifyTransparency(w.response, optionsFor(w, { ed25519: refuse }))).toMatchObject({
      ok: false,
      detail: "bad_cosignature",
    });
    expect(calls).toBe(3);
    const accept = () => true;
    expect(await verifyTransparency(w.response, optionsFor(w, { ed25519: accept }))).toMatchObject({
      ok: true,
    });
  });

  it("an early failure leaves no unhandled rejection of a failed cosignature loader", async () => {
    const w = makeWorld();
    const seen: unknown[] = [];
    const onUnhandled = (e: unknown) => seen.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const load = () => Promise.reject(new Error("chunk failed to load"));
      const r = await verifyTransparencyWith(load, Uint8Array.of(0x7b), optionsFor(w));
      expect(r).toMatchObject({ ok: false, reason: "invalid_manifest", detail: "framing" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("witness keys may be given parsed", async () => {
    const w = makeWorld();
    const parsed = w.vkeys.map(parseWitnessKey);
    expect(await verifyTransparency(w.response, optionsFor(w, { witnessKeys: parsed }))).toMatchObject({
      ok: true,
    });
    expect(
      await verifyTransparency(w.response, optionsFor(w, { witnessKeys: w.vkeys.map(parseVerifierKey) })),
    ).toMatchObject({ ok: true });
  });

  it("a witness key that is not a WAICT cosigner key (type 0x06, 32 bytes) is a TypeError", async () => {
    const w = makeWorld();
    const publicKey = pseudoRandom32(5);
    // A valid plain Ed25519 signed-note key (type 0x01) with a correct key ID.
    const ed = formatVerifierKey({
      name: "witness-0.example",
      keyId: noteKeyId("witness-0.example", NoteSignatureType.Ed25519, publicKey),
      type: NoteSignatureType.Ed25519,
      publicKey,
    });
    expect(parseVerifierKey(ed).type).toBe(0x01);
    await expect(
      verifyTransparency(w.response, optionsFor(w, { witnessKeys: [ed, ...w.vkeys] })),
    ).rejects.toThrow(TypeError);
    // A key type without a hashed key ID, 20 bytes: parsed by signed-note, refused here.
    const short = formatVerifierKey({
      name: "w.example",
      keyId: 1,
      type: 0x05,
      publicKey: new Uint8Array(20),
    });
    expect(parseVerifierKey(short).publicKey.length).toBe(20);
    expect(() => parseWitnessKey(short)).toThrow(TypeError);
    const long32 = formatVerifierKey({ name: "w.example", keyId: 1, type: 0x05, publicKey });
    expect(parseWitnessKey(long32).publicKey).toEqual(publicKey);
    await expect(verifyTransparency(w.response, optionsFor(w, { witnessKeys: [long32] }))).rejects.toThrow(
      TypeError,
    );
  });

  it("a trusted line whose payload is not time || signature rejects the note", async () => {
    const w = makeWorld();
    const lines = new TextDecoder().decode(w.signedRoot).split("\n");
    const i = lines.findIndex((l) => l.startsWith("\u2014 witness-0.example "));
    expect(i).toBeGreaterThan(0);
    const [dash, name, b64] = lines[i]!.split(" ");
    const raw = Buffer.from(b64!, "base64");
    // Key ID kept (so the line is the trusted key's), payload cut to 8 + 40 bytes.
    lines[i] = `${dash} ${name} ${Buffer.from(raw.subarray(0, 4 + 48)).toString("base64")}`;
    const r = await verifyTransparency(withSignedRoot(w, lines.join("\n")), optionsFor(w, { quorum: 1 }));
    expect(r).toMatchObject({ ok: false, reason: "invalid_transparency_proof", detail: "bad_cosignature" });
  });
});

describe("verifyPreloadList: arguments and rare branches", () => {
  it("quorum: 1 is accepted, 0 and fractions are a RangeError", async () => {
    const { world, list } = published();
    const res = world.listResponse(T, list);
    expect(await verifyPreloadList(res, { kind: T, ...world.trust({ quorum: 1 }) })).toMatchObject({
      ok: true,
    });
    for (const quorum of [0, -1, 1.5]) {
      await expect(verifyPreloadList(res, { kind: T, ...world.trust({ quorum }) })).rejects.toThrow(
        RangeError,
      );
    }
  });

  it("a response that is not bytes is a TypeError, not a verdict", async () => {
    const { world } = published();
    await expect(
      verifyPreloadList(null as unknown as Uint8Array, { kind: T, ...world.trust() }),
    ).rejects.toThrow(TypeError);
  });

  it("a forced Ed25519 backend is the one used", async () => {
    const { world, list } = published();
    const res = world.listResponse(T, list);
    let calls = 0;
    const refuse = () => {
      calls++;
      return false;
    };
    expect(await verifyPreloadList(res, { kind: T, ...world.trust({ ed25519: refuse }) })).toMatchObject({
      ok: false,
      reason: "invalid_transparency_proof",
      detail: "bad_cosignature",
    });
    expect(calls).toBe(3);
  });

  it("a trusted service with no preload chain domain: bad_domain", async () => {
    // Four labels of 63, 63, 63 and 57 characters: a valid 249-character service name, but
    // "preload." + it is longer than a DNS name may be.
    const service = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(57)].join(".");
    expect(service.length).toBe(249);
    const { world, list } = published(new PreloadWorld({ service }), { chainDomain: "x.example" });
    const response = encodePreloadListResponse({
      listBytes: list,
      headProof: world.latest!.proofs.get("x.example")!,
      consistency: world.chains.get("x.example")!.proveConsistency(1n, 1n),
    });
    const r = await verifyPreloadList(response, { kind: T, ...world.trust() });
    expect(r).toMatchObject({ ok: false, reason: "invalid_preload_list", detail: "bad_domain" });
  });

  it("a held list from another service: previous_mismatch", async () => {
    const { world, list } = published();
    const other = published(new PreloadWorld({ service: "other.example" }));
    const held = other.world.listResponse(T, other.list);
    const r = await verifyPreloadList(world.listResponse(T, list), {
      kind: T,
      ...world.trust({ previous: held }),
    });
    expect(r).toMatchObject({ ok: false, reason: "invalid_preload_list", detail: "previous_mismatch" });
  });

  it("the returned response is a copy of the input", async () => {
    const { world, list } = published();
    const res = world.listResponse(T, list);
    const r = await verifyPreloadList(res, { kind: T, ...world.trust() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const before = createHash("sha256").update(r.response).digest("hex");
    res.fill(0);
    expect(createHash("sha256").update(r.response).digest("hex")).toBe(before);
  });
});
