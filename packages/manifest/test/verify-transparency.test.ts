/**
 * Every failure path of verifyTransparency, each from a real proof (real PrefixTree, real Ed25519
 * witness keys through @sealroom/prefix-tree's cosignature API) with exactly one thing broken.
 */
import {
  formatCosignerVerifierKey,
  formatSignedPrefixRoot,
  generateCosignerKey,
  signCosignature,
} from "@sealroom/prefix-tree/note";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { encodeManifestResponse } from "../src/manifest-response.ts";
import { type TransparencyResult, verifyTransparency } from "../src/verify-transparency.ts";
import { makeWorld, NOW, optionsFor, pseudoRandom32, type World } from "./helpers/world.ts";

const DAY = 86400;
const base = makeWorld();

function outcome(r: TransparencyResult): string {
  return r.ok ? `ok:${r.status}` : `${r.reason}:${r.detail}`;
}
async function run(w: World, extra: Record<string, unknown> = {}, response = w.response): Promise<string> {
  return outcome(await verifyTransparency(response, optionsFor(w, extra)));
}

describe("verifyTransparency: the valid proof", () => {
  it("verifies and reports what it checked", async () => {
    const r = await verifyTransparency(base.response, optionsFor(base));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.status).toBe("verified");
    expect(r.service).toBe("transparency.example");
    expect(r.treeSize).toBe(42n);
    expect(r.root).toEqual(base.root);
    expect(r.cosigners.map((c) => c.name)).toEqual([
      "witness-0.example",
      "witness-1.example",
      "witness-2.example",
    ]);
    expect(new TextDecoder().decode(r.manifestBytes)).toBe(new TextDecoder().decode(base.manifestLine));
    expect(r.manifest.hashes["/app.js"]).toBeDefined();
  });
  it("normalizes the page domain (case, one trailing dot) before deriving the key", async () => {
    expect(await run(base, { domain: "SITE.Example." })).toBe("ok:verified");
  });
  it("accepts cosignatures exactly at maxAge and within the future skew", async () => {
    const w = makeWorld({ cosignTimes: [NOW - 7 * DAY, NOW + 300, NOW] });
    expect(await run(w, { quorum: 3 })).toBe("ok:verified");
  });
});

describe("verifyTransparency: one time convention (Unix seconds as a number)", () => {
  it("a Date, a bigint, milliseconds or a fraction is a TypeError naming the option, not a verdict", async () => {
    for (const now of [new Date(NOW * 1000), BigInt(NOW), NOW * 1000, NOW + 0.5, Number.NaN]) {
      await expect(verifyTransparency(base.response, optionsFor(base, { now }))).rejects.toThrow(/"now"/);
      await expect(verifyTransparency(undefined, optionsFor(base, { now }))).rejects.toThrow(TypeError);
    }
    await expect(verifyTransparency(base.response, optionsFor(base, { maxAge: 10n }))).rejects.toThrow(
      /"maxAge"/,
    );
    await expect(verifyTransparency(base.response, optionsFor(base, { maxFutureSkew: 0.5 }))).rejects.toThrow(
      /"maxFutureSkew"/,
    );
    // Infinity is "no age limit"; an omitted `now` is the system clock.
    const old = makeWorld({ cosignTimes: [NOW - 90 * DAY, NOW - 90 * DAY, NOW - 90 * DAY] });
    expect((await verifyTransparency(old.response, optionsFor(old, { maxAge: Infinity }))).ok).toBe(true);
    expect((await verifyTransparency(old.response, optionsFor(old))).ok).toBe(false);
  });
});

describe("verifyTransparency: one thing broken", () => {
  it("wrong domain: the key comes from the page's domain, never from the proof", async () => {
    expect(await run(base, { domain: "evil.example" })).toBe("invalid_transparency_proof:inclusion_failed");
    expect(await run(base, { domain: "site.example.com" })).toBe(
      "invalid_transparency_proof:inclusion_failed",
    );
    expect(await run(base, { domain: "bad domain" })).toBe("invalid_transparency_proof:bad_domain");
  });
  it("a proof for another domain in the same tree does not verify for this one", async () => {
    const other = makeWorld({ domain: "other.example" });
    expect(await run(other, { domain: "other.example" })).toBe("ok:verified");
    expect(await run(other, { domain: "site.example" })).toBe("invalid_transparency_proof:inclusion_failed");
  });
  it("wrong service", async () => {
    expect(await run(base, { trustedServices: ["other-service.example"] })).toBe(
      "invalid_transparency_proof:untrusted_service",
    );
    const w = makeWorld({ service: "rogue.example" });
    expect(await run(w, { trustedServices: ["transparency.example"] })).toBe(
      "invalid_transparency_proof:untrusted_service",
    );
  });
  it("stale cosignatures", async () => {
    const w = makeWorld({ cosignTimes: [NOW - 7 * DAY - 1, NOW - 8 * DAY, NOW - 60] });
    expect(await run(w)).toBe("invalid_transparency_proof:stale_cosignatures");
    expect(await run(w, { quorum: 1 })).toBe("ok:verified");
    expect(await run(w, { maxAge: 9 * DAY })).toBe("ok:verified");
  });
  it("cosignatures from the future", async () => {
    const w = makeWorld({ cosignTimes: [NOW + 301, NOW + DAY, NOW] });
    expect(await run(w)).toBe("invalid_transparency_proof:future_cosignatures");
    expect(await run(w, { maxFutureSkew: DAY })).toBe("ok:verified");
  });
  it("too few cosignatures", async () => {
    expect(await run(base, { quorum: 4 })).toBe("invalid_transparency_proof:too_few_cosignatures");
    const two = makeWorld({ witnesses: 1 });
    expect(await run(two)).toBe("invalid_transparency_proof:too_few_cosignatures");
    await expect(verifyTransparency(base.response, optionsFor(base, { quorum: 0 }))).rejects.toThrow(
      RangeError,
    );
  });
  it("a duplicated line of one witness counts once", async () => {
    const sig = base.signatures[0]!;
    const cp = { tdomain: base.service, size: 42n, root: base.root };
    const note = new TextEncoder().encode(
      formatSignedPrefixRoot({ checkpoint: cp, signatures: [sig, sig, sig] }),
    );
    const proof = encodeChainHeadWithProof({
      head: base.head,
      incProof: base.incProof,
      signedPrefixRoot: note,
    });
    const resp = encodeManifestResponse(base.manifestLine, proof);
    expect(await run(base, {}, resp)).toBe("invalid_transparency_proof:too_few_cosignatures");
    expect(await run(base, { quorum: 1 }, resp)).toBe("ok:verified");
  });
  it("quorum counts witnesses, not keys: two trusted keys with one name count once", async () => {
    // witness-0.example holds a second trusted key and cosigns with both; witness-1 cosigns once.
    const extra = generateCosignerKey("witness-0.example", pseudoRandom32(6000));
    const cp = { tdomain: base.service, size: 42n, root: base.root };
    const signatures = [base.signatures[0]!, signCosignature(extra, cp, NOW - 30)];
    const respFor = (sigs: typeof signatures) =>
      encodeManifestResponse(
        base.manifestLine,
        encodeChainHeadWithProof({
          head: base.head,
          incProof: base.incProof,
          signedPrefixRoot: new TextEncoder().encode(
            formatSignedPrefixRoot({ checkpoint: cp, signatures: sigs }),
          ),
        }),
      );
    const keys = [...base.vkeys, formatCosignerVerifierKey(extra)];
    expect(await run(base, { witnessKeys: keys, quorum: 1 }, respFor(signatures))).toBe("ok:verified");
    expect(await run(base, { witnessKeys: keys, quorum: 2 }, respFor(signatures))).toBe(
      "invalid_transparency_proof:too_few_cosignatures",
    );
    const three = [...signatures, base.signatures[1]!];
    const r = await verifyTransparency(respFor(three), optionsFor(base, { witnessKeys: keys, quorum: 2 }));
    expect(r.ok && r.cosigners.map((c) => c.name)).toEqual(["witness-0.example", "witness-1.example"]);
    expect(await run(base, { witnessKeys: keys, quorum: 3 }, respFor(three))).toBe(
      "invalid_transparency_proof:too_few_cosignatures",
    );
  });
  it("a line renamed to an unknown key is ignored, not fatal: the rest may still make the quorum", async () => {
    const text = new TextDecoder()
      .decode(base.signedRoot)
      .replace("— witness-0.example ", "— witness-9.example ");
    const proof = encodeChainHeadWithProof({
      head: base.head,
      incProof: base.incProof,
      signedPrefixRoot: new TextEncoder().encode(text),
    });
    const resp = encodeManifestResponse(base.manifestLine, proof);
    expect(await run(base, { quorum: 2 }, resp)).toBe("ok:verified");
    expect(await run(base, { quorum: 3 }, resp)).toBe("invalid_transparency_proof:too_few_cosignatures");
  });
  it("unknown witness keys are ignored", async () => {
    const strangers = [0, 1, 2].map((i) =>
      formatCosignerVerifierKey(generateCosignerKey(`witness-${i}.example`, pseudoRandom32(5000 + i))),
    );
    expect(await run(base, { witnessKeys: strangers, quorum: 1 })).toBe(
      "invalid_transparency_proof:too_few_cosignatures",
    );
    expect(await run(base, { witnessKeys: [strangers[0], base.vkeys[1], base.vkeys[2]] })).toBe(
      "ok:verified",
    );
    expect(await run(base, { witnessKeys: [strangers[0], base.vkeys[1]] })).toBe(
      "invalid_transparency_proof:too_few_cosignatures",
    );
  });
  it("a bad signature from a trusted key rejects the note", async () => {
    const sigs = base.signatures.map((s, i) => {
      if (i !== 1) return s;
      const b = s.signature.slice();
      b[20] = b[20]! ^ 1;
      return { ...s, signature: b };
    });
    const cp = { tdomain: base.service, size: 42n, root: base.root };
    const note = new TextEncoder().encode(formatSignedPrefixRoot({ checkpoint: cp, signatures: sigs }));
    const proof = encodeChainHeadWithProof({
      head: base.head,
      incProof: base.incProof,
      signedPrefixRoot: note,
    });
    expect(await run(base, { quorum: 1 }, encodeManifestResponse(base.manifestLine, proof))).toBe(
      "invalid_transparency_proof:bad_cosignature",
    );
  });
  it("tampered manifest byte", async () => {
    const text = new TextDecoder().decode(base.manifestLine).replace("/app.js", "/app.jt");
    const resp = encodeManifestResponse(text, base.proof);
    expect(await run(base, {}, resp)).toBe("invalid_transparency_proof:resource_hash_mismatch");
    // Semantically equal JSON, different bytes: still rejected (the hash is over the exact bytes).
    const spaced = encodeManifestResponse(` ${new TextDecoder().decode(base.manifestLine)}`, base.proof);
    expect(await run(base, {}, spaced)).toBe("invalid_transparency_proof:resource_hash_mismatch");
  });
  it("every single tampered proof byte is rejected with invalid_transparency_proof", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < base.proof.length; i++) {
      const p = base.proof.slice();
      p[i] = p[i]! ^ 0x01;
      // quorum 3 of 3: a flip that turns one signature line into an unknown key's line (e.g. in the
      // key name) is then fatal too; with a lower quorum such a line is rightly ignored.
      const r = await verifyTransparency(
        encodeManifestResponse(base.manifestLine, p),
        optionsFor(base, { quorum: 3 }),
      );
      expect(r.ok, `byte ${i}`).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe("invalid_transparency_proof");
        seen.add(r.detail);
      }
    }
    // The flips hit every layer: head (inclusion), proof segments, note parsing and signatures.
    expect(seen).toContain("inclusion_failed");
    expect(seen).toContain("bad_cosignature");
    expect(seen).toContain("bad_signed_root");
  });
  it("tombstone head: the site unenrolled (status, not failure) but only with a fresh quorum", async () => {
    const w = makeWorld({ tombstone: true });
    expect(await run(w)).toBe("ok:unenrolled");
    expect(
      await run(makeWorld({ tombstone: true, cosignTimes: [NOW - 30 * DAY, NOW - 30 * DAY, NOW] })),
    ).toBe("invalid_transparency_proof:stale_cosignatures");
    expect(await run(w, { domain: "evil.example" })).toBe("invalid_transparency_proof:inclusion_failed");
  });
  it("emergency_opt_out manifest: logged tombstone manifest", async () => {
    const w = makeWorld({ manifest: '{"hashes":{},"emergency_opt_out":true}' });
    expect(await run(w)).toBe("ok:emergency_opt_out");
    const unlogged = encodeManifestResponse('{"hashes":{},"emergency_opt_out":true}', base.proof);
    expect(await run(base, {}, unlogged)).toBe("invalid_transparency_proof:resource_hash_mismatch");
  });
  it("malformed responses map to the spec's reasons", async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const line = new TextDecoder().decode(base.manifestLine);
    expect(await run(base, {}, enc(`${line}\n`))).toBe("invalid_manifest:framing");
    expect(await run(base, {}, enc(`${line}\n\n`))).toBe("invalid_transparency_proof:empty");
    expect(await run(base, {}, enc(`${line}\n!!!!\n`))).toBe("invalid_transparency_proof:bad_base64");
    expect(await run(base, {}, enc(`${line}\nAAAA\n`))).toBe("invalid_transparency_proof:truncated");
    expect(await run(base, {}, enc(`{"hashes":1}\nAAAA\n`))).toBe("invalid_manifest:bad_type");
    expect(await run(base, {}, enc("not json\nAAAA\n"))).toBe("invalid_manifest:bad_json");
    const extra = new Uint8Array([...base.response, 0x41]);
    expect(await run(base, {}, extra)).toBe("invalid_manifest:framing");
  });
  it("fuzz: one random byte change anywhere in the response never verifies and never throws", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(base.response.length - 1), fc.integer({ min: 1, max: 255 }), async (i, x) => {
        const r = base.response.slice();
        r[i] = r[i]! ^ x;
        const out = await verifyTransparency(r, optionsFor(base, { quorum: 3 }));
        expect(out.ok).toBe(false);
        if (!out.ok) expect(["invalid_manifest", "invalid_transparency_proof"]).toContain(out.reason);
      }),
      { numRuns: 400 },
    );
  });
  it("fuzz: arbitrary bytes never throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        const out = await verifyTransparency(b, optionsFor(base));
        expect(out.ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("cross-check with prefix-tree's own signed-root verifier", () => {
  it("agrees with verifySignedPrefixRoot on random cosignature times, key subsets and quorums", async () => {
    const { parseSignedPrefixRoot, verifySignedPrefixRoot } = await import("@sealroom/prefix-tree/note");
    const { parseWitnessKey } = await import("../src/cosigned-root.ts");
    const tree = makeWorld({ leaves: 8 }).tree;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -10 * DAY, max: DAY }), { minLength: 3, maxLength: 3 }),
        fc.subarray([0, 1, 2]),
        fc.integer({ min: 1, max: 3 }),
        async (offsets, trusted, quorum) => {
          const w = makeWorld({ tree, cosignTimes: offsets.map((o) => NOW + o) });
          const keys = trusted.map((i) => w.vkeys[i]!);
          const mine = await verifyTransparency(w.response, optionsFor(w, { witnessKeys: keys, quorum }));
          const theirs = verifySignedPrefixRoot(
            parseSignedPrefixRoot(w.signedRoot),
            keys.map(parseWitnessKey),
            {
              now: NOW,
              maxAge: 7 * DAY,
              maxFutureSkew: 300,
              quorum,
            },
          );
          expect(mine.ok).toBe(theirs);
        },
      ),
      { numRuns: 60 },
    );
  });
});
