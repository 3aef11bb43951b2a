import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { decodeBase64 as base64Decode } from "@sealroom/hash-chain/base64";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../src/errors.ts";
import {
  COSIGNATURE_V1_TYPE,
  cosignatureTime,
  cosignatureV1Message,
  cosignerKeyFromSignerKey,
  cosignersOf,
  cosignerVerifierKey,
  DEFAULT_MAX_AGE,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  formatPrefixTreeCheckpoint,
  formatSignatureLine,
  formatSignedPrefixRoot,
  generateCosignerKey,
  noteKeyId,
  type PrefixTreeCheckpoint,
  parseNote,
  parsePrefixTreeCheckpoint,
  parseSignatureLines,
  parseSignedPrefixRoot,
  parseSignerKey,
  parseVerifierKey,
  signCosignature,
  signCosignatureV1,
  tallyWitnesses,
  verifyCosignature,
  verifyCosignatureV1,
  verifySignedPrefixRoot,
  WAICT_COSIGNATURE_HEADER,
  WAICT_COSIGNATURE_TYPE,
  waictCosignatureKeyId,
  waictCosignatureMessage,
} from "../src/note.ts";

const dec = new TextDecoder();

/** The blocks between `----` marker lines of a vectors/c2sp file, each with its final newline. */
function blocks(file: string): string[] {
  const text = readFileSync(new URL(`../vectors/c2sp/${file}`, import.meta.url), "utf8");
  const out: string[] = [];
  let cur: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line === "----") {
      if (cur === undefined) cur = [];
      else {
        out.push(`${cur.join("\n")}\n`);
        cur = undefined;
      }
    } else if (cur !== undefined) cur.push(line);
  }
  return out;
}
const root = Uint8Array.from({ length: 32 }, (_, i) => i);
const cp: PrefixTreeCheckpoint = { tdomain: "transparency.example", size: 42n, root };
const T = 1_763_900_000;
const w1 = generateCosignerKey("witness.example/w1", new Uint8Array(32).fill(1));
const w2 = generateCosignerKey("witness.example/w2", new Uint8Array(32).fill(2));
const w3 = generateCosignerKey("witness.example/w3", new Uint8Array(32).fill(3));
const v1 = cosignerVerifierKey(w1);
const v2 = cosignerVerifierKey(w2);
const v3 = cosignerVerifierKey(w3);

describe("WAICT cosignature message and key ID", () => {
  it("signs exactly the draft's five lines", () => {
    expect(WAICT_COSIGNATURE_TYPE).toBe(0x06);
    expect(dec.decode(waictCosignatureMessage(cp, BigInt(T)))).toBe(
      `waict-cosignature/v1\ntime ${T}\ntransparency.example/prefix-tree\n42\n${Buffer.from(root).toString("base64")}\n`,
    );
    expect(formatPrefixTreeCheckpoint({ ...cp, size: 0n })).toBe(
      `transparency.example/prefix-tree\n0\n${Buffer.from(root).toString("base64")}\n`,
    );
  });

  it("key ID = SHA-256(name || '\\n' || 0x06 || pubkey)[:4] (node:crypto)", () => {
    const h = createHash("sha256")
      .update(Buffer.concat([Buffer.from("witness.example/w1\n"), Buffer.from([0x06]), w1.publicKey]))
      .digest();
    expect(w1.keyId).toBe(h.readUInt32BE(0));
    expect(waictCosignatureKeyId(w1.name, w1.publicKey)).toBe(w1.keyId);
    expect(w1.keyId).not.toBe(noteKeyId(w1.name, COSIGNATURE_V1_TYPE, w1.publicKey));
  });

  it("payload is keyid || u64 time || Ed25519 sig, and node:crypto verifies the signature", () => {
    const sig = signCosignature(w1, cp, T);
    const line = formatSignatureLine(sig);
    expect(line.startsWith("\u2014 witness.example/w1 ")).toBe(true);
    const raw = base64Decode(line.trim().split(" ")[2]!)!;
    expect(raw.length).toBe(4 + 8 + 64);
    expect(Buffer.from(raw).readUInt32BE(0)).toBe(w1.keyId);
    expect(Buffer.from(raw).readBigUInt64BE(4)).toBe(BigInt(T));
    const pub = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(w1.publicKey).toString("base64url") },
      format: "jwk",
    });
    expect(nodeVerify(null, waictCosignatureMessage(cp, BigInt(T)), pub, raw.subarray(12))).toBe(true);
    expect(cosignatureTime(sig)).toBe(BigInt(T));
  });
});

describe("signCosignature / verifyCosignature", () => {
  const sig = signCosignature(w1, cp, T);

  it("verifies its own cosignature", () => {
    expect(verifyCosignature(v1, cp, sig)).toBe(true);
  });

  it("fails for any other statement, key, name, id, type or time", () => {
    const otherRoot = root.slice();
    otherRoot[31] = 0xff;
    expect(verifyCosignature(v1, { ...cp, root: otherRoot }, sig)).toBe(false);
    expect(verifyCosignature(v1, { ...cp, size: 43n }, sig)).toBe(false);
    expect(verifyCosignature(v1, { ...cp, tdomain: "other.example" }, sig)).toBe(false);
    expect(verifyCosignature(v2, cp, sig)).toBe(false);
    expect(verifyCosignature({ ...v1, name: "witness.example/other" }, cp, sig)).toBe(false);
    expect(verifyCosignature({ ...v1, keyId: v1.keyId ^ 1 }, cp, sig)).toBe(false);
    expect(verifyCosignature({ ...v1, type: COSIGNATURE_V1_TYPE }, cp, sig)).toBe(false);
    const later = encodeTimestampedSignature({
      timestamp: BigInt(T) + 1n,
      signature: sig.signature.subarray(8),
    });
    expect(verifyCosignature(v1, cp, { ...sig, signature: later })).toBe(false);
    expect(verifyCosignature(v1, cp, { ...sig, signature: sig.signature.subarray(0, 71) })).toBe(false);
  });

  it("any flipped bit of the signature line fails", () => {
    fc.assert(
      fc.property(fc.nat({ max: 71 }), fc.integer({ min: 0, max: 7 }), (i, bit) => {
        const s = sig.signature.slice();
        s[i]! ^= 1 << bit;
        expect(verifyCosignature(v1, cp, { ...sig, signature: s })).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("applies the freshness window when `now` is given", () => {
    expect(verifyCosignature(v1, cp, sig, { now: T + DEFAULT_MAX_AGE })).toBe(true);
    expect(verifyCosignature(v1, cp, sig, { now: T + DEFAULT_MAX_AGE + 1 })).toBe(false);
    expect(verifyCosignature(v1, cp, sig, { now: T + 100, maxAge: 99 })).toBe(false);
    expect(verifyCosignature(v1, cp, sig, { now: T + 10 ** 9, maxAge: Number.POSITIVE_INFINITY })).toBe(true);
    expect(verifyCosignature(v1, cp, sig, { now: T - 300 })).toBe(true);
    expect(verifyCosignature(v1, cp, sig, { now: T - 301 })).toBe(false);
    expect(verifyCosignature(v1, cp, sig, { now: T - 301, maxFutureSkew: 301 })).toBe(true);
  });

  it("time is Unix seconds as a number: bigint, Date, milliseconds and fractions throw TypeError", () => {
    const bad: unknown[] = [BigInt(T), new Date(T * 1000), T * 1000, T + 0.5, Number.NaN, -1, "1763900000"];
    for (const now of bad) {
      expect(() => verifyCosignature(v1, cp, sig, { now } as never), String(now)).toThrow(TypeError);
      expect(() => tallyWitnesses([], { now } as never)).toThrow(/"now"/);
      expect(() => signCosignature(w1, cp, now as never)).toThrow(/"time"/);
    }
    expect(() => verifyCosignature(v1, cp, sig, { now: T, maxAge: 10n } as never)).toThrow(/"maxAge"/);
    expect(() => verifyCosignature(v1, cp, sig, { now: T, maxFutureSkew: 1.5 })).toThrow(/"maxFutureSkew"/);
    expect(() => verifyCosignature(v1, cp, sig, { now: T, maxFuture: 5 } as never)).toThrow(/maxFutureSkew/);
    expect(() => signCosignature(w1, cp, T * 1000)).toThrow(/milliseconds/);
  });

  it("rejects bad checkpoints when signing", () => {
    expect(() => signCosignature(w1, { ...cp, tdomain: "Upper.Example" }, T)).toThrow(RangeError);
  });

  it("key text round-trips: vkey (type 0x06) and signer key", () => {
    const vkey = formatCosignerVerifierKey(w1);
    const parsed = parseVerifierKey(vkey);
    expect(parsed).toEqual(v1);
    expect(verifyCosignature(parsed, cp, sig)).toBe(true);
    const skey = formatCosignerSignerKey(w1);
    const back = cosignerKeyFromSignerKey(parseSignerKey(skey));
    expect(back).toEqual(w1);
  });
});

describe("C2SP tlog-cosignature examples (type 0x04, cosignature/v1)", () => {
  const [checkpointNote, message] = blocks("tlog-cosignature-example.txt") as [string, string];

  it("the checkpoint parses; the witness line is a TimestampedSignature at the spec's time", () => {
    const n = parseNote(checkpointNote);
    expect(n.text).toBe(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    );
    expect(n.signatures.map((s) => s.name)).toEqual([
      "example.com/behind-the-sofa",
      "witness.example.com/w1",
    ]);
    const w = n.signatures[1]!;
    expect(w.keyId).toBe(0x8d66cf3f);
    expect(decodeTimestampedSignature(w.signature).timestamp).toBe(1679315147n);
    // The log's own signature is a 64-byte Ed25519 (type 0x01) signature.
    expect(n.signatures[0]!.signature.length).toBe(64);
  });

  it("our cosignature/v1 message equals the spec's signed message byte for byte", () => {
    const n = parseNote(checkpointNote);
    expect(dec.decode(cosignatureV1Message(n.text, 1679315147n))).toBe(message);
  });

  it("0x04 sign/verify works and does not cross over with WAICT 0x06", () => {
    const text = parseNote(checkpointNote).text;
    const s = signCosignatureV1(w1, text, T);
    const vk04 = {
      ...v1,
      type: COSIGNATURE_V1_TYPE,
      keyId: noteKeyId(w1.name, COSIGNATURE_V1_TYPE, w1.publicKey),
    };
    expect(s.keyId).toBe(vk04.keyId);
    expect(verifyCosignatureV1(vk04, text, s)).toBe(true);
    expect(verifyCosignatureV1(vk04, text.replace("20852163", "20852164"), s)).toBe(false);
    // A WAICT cosignature over the same bytes under the other header never verifies as 0x04.
    const waict = signCosignature(w1, cp, T);
    expect(verifyCosignatureV1(vk04, formatPrefixTreeCheckpoint(cp), { ...waict, keyId: vk04.keyId })).toBe(
      false,
    );
    expect(WAICT_COSIGNATURE_HEADER).not.toBe("cosignature/v1");
  });

  it("tlog-witness add-checkpoint request and response bodies parse", () => {
    const [request, response] = blocks("tlog-witness-add-checkpoint-example.txt") as [string, string];
    const note = request.slice(request.indexOf("\n\n") + 2);
    const n = parseNote(note);
    expect(n.text.split("\n")[0]).toBe("example.com/behind-the-sofa");
    expect(n.signatures.length).toBe(2);
    const sigs = parseSignatureLines(response);
    expect(sigs.map((s) => s.name)).toEqual([
      "witness.example/w1",
      "witness.example/w1",
      "witness.example/w2",
    ]);
  });
});

describe("signed prefix root (the note clients receive)", () => {
  const s1 = signCosignature(w1, cp, T);
  const s2 = signCosignature(w2, cp, T - 10);
  const stranger = generateCosignerKey("stranger.example/x", new Uint8Array(32).fill(9));
  const s4 = signCosignature(stranger, cp, T);

  it("round-trips and counts distinct trusted cosigners", () => {
    const text = formatSignedPrefixRoot({ checkpoint: cp, signatures: [s4, s1, s2] });
    const p = parseSignedPrefixRoot(text);
    expect(p.checkpoint).toEqual(cp);
    expect(formatSignedPrefixRoot(p)).toBe(text);
    expect(cosignersOf(p, [v1, v2, v3])).toEqual([v1, v2]);
    expect(verifySignedPrefixRoot(p, [v1, v2, v3], { quorum: 2 })).toBe(true);
    expect(verifySignedPrefixRoot(p, [v1, v2, v3], { quorum: 3 })).toBe(false);
    expect(verifySignedPrefixRoot(p, [v3])).toBe(false);
    // Stale cosignatures do not count, but do not poison the others.
    expect(cosignersOf(p, [v1, v2], { now: T + DEFAULT_MAX_AGE - 5 })).toEqual([v1]);
  });

  it("quorum counts witnesses (key names), not keys: two keys named alike count once", () => {
    // One operator with two keys under the same witness name (or a witness rotating keys).
    const w1b = generateCosignerKey(w1.name, new Uint8Array(32).fill(11));
    const v1b = cosignerVerifierKey(w1b);
    expect(v1b.keyId).not.toBe(v1.keyId);
    const p = { checkpoint: cp, signatures: [s1, signCosignature(w1b, cp, T)] };
    expect(cosignersOf(p, [v1, v1b])).toEqual([v1, v1b]); // both keys verified...
    expect(verifySignedPrefixRoot(p, [v1, v1b], { quorum: 1 })).toBe(true);
    expect(verifySignedPrefixRoot(p, [v1, v1b], { quorum: 2 })).toBe(false); // ...one witness
    const withW2 = { checkpoint: cp, signatures: [...p.signatures, s2] };
    expect(verifySignedPrefixRoot(withW2, [v1, v1b, v2], { quorum: 2 })).toBe(true);
    expect(verifySignedPrefixRoot(withW2, [v1, v1b, v2], { quorum: 3 })).toBe(false);
    // The tally itself: first fresh time per name; stale and future lines counted apart.
    const t = tallyWitnesses(
      [
        { name: "a", time: 100n },
        { name: "a", time: 90n },
        { name: "b", time: 10n },
        { name: "c", time: 500n },
        { name: "d", time: 99n },
      ],
      { now: 100, maxAge: 50, maxFutureSkew: 5 },
    );
    expect(t).toEqual({
      witnesses: [
        { name: "a", time: 100n },
        { name: "d", time: 99n },
      ],
      stale: 1,
      future: 1,
    });
  });

  it("a trusted key with a bad signature rejects the whole note", () => {
    const bad = { ...s2, signature: s1.signature };
    const p = { checkpoint: cp, signatures: [s1, bad] };
    expect(cosignersOf(p, [v1, v2])).toEqual([]);
    expect(cosignersOf(p, [v1])).toEqual([v1]);
  });

  it("parsePrefixTreeCheckpoint is strict", () => {
    const good = formatPrefixTreeCheckpoint(cp);
    expect(parsePrefixTreeCheckpoint(good)).toEqual(cp);
    expect(parsePrefixTreeCheckpoint(`localhost:8788/prefix-tree\n0\n${"A".repeat(43)}=\n`).tdomain).toBe(
      "localhost:8788",
    );
    for (const bad of [
      good.slice(0, -1),
      good.replace("42", "042"),
      good.replace("42", "-1"),
      good.replace("42", "18446744073709551616"),
      good.replace("/prefix-tree", "/prefix"),
      good.replace("transparency.example", "Transparency.example"),
      `${good}extension\n`,
      good.replace(/\n([^\n]+)\n$/, "\nAAAA\n"),
    ]) {
      expect(() => parsePrefixTreeCheckpoint(bad), bad).toThrow(DecodeError);
    }
  });

  it("fuzz: 10,000 note texts parse to the same text or throw DecodeError", () => {
    const good = formatPrefixTreeCheckpoint(cp);
    const unit = fc.constantFrom(..."ta./-:\n0123456789+=AZ".split(""));
    const input = fc.oneof(
      fc.constant(good),
      fc.tuple(fc.nat(), fc.string({ unit, minLength: 1, maxLength: 2 })).map(([i, c]) => {
        const k = i % good.length;
        return good.slice(0, k) + c + good.slice(k + 1);
      }),
      fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
      fc.string({ unit, maxLength: 80 }),
    );
    fc.assert(
      fc.property(input, (s) => {
        try {
          expect(formatPrefixTreeCheckpoint(parsePrefixTreeCheckpoint(s))).toBe(s);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it("fuzz: 10,000 TimestampedSignature inputs decode and re-encode or throw DecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (b, exact) => {
        const input = exact
          ? Uint8Array.from({ length: 72 }, (_, i) => b[i % Math.max(1, b.length)] ?? 0)
          : b;
        try {
          const t = decodeTimestampedSignature(input);
          expect(Buffer.from(encodeTimestampedSignature(t)).equals(Buffer.from(input))).toBe(true);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
