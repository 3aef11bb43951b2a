/**
 * Signing, verifying and key handling of notes and cosignatures, found by mutation testing
 * (`pnpm mutate`, tooling/mutate/RESULTS.md): which trusted key a line is matched to, keys of the
 * wrong type or ID, copies instead of shared buffers, the precheck's non-canonical encodings and
 * scalars at the edges of the Ed25519 rule (returned as false, never thrown).
 */
import { describe, expect, it } from "vitest";
import { DecodeError } from "../src/errors.ts";
import {
  cosignerKeyFromSignerKey,
  cosignersOf,
  cosignerVerifierKey,
  ed25519,
  ed25519Precheck,
  formatPrefixTreeCheckpoint,
  formatSignerKey,
  generateCosignerKey,
  generateEd25519KeyPair,
  generateNoteKey,
  isValidKeyName,
  type Note,
  noteKeyId,
  noteVerifiers,
  type PrefixTreeCheckpoint,
  parseNote,
  parseSignatureLines,
  parseSignerKey,
  parseVerifierKey,
  signCosignature,
  signNote,
  signNoteText,
  verifyEd25519,
  verifyNoteSignature,
  verifySignedPrefixRoot,
  WAICT_COSIGNATURE_TYPE,
} from "../src/note.ts";

const seed = (n: number) => new Uint8Array(32).fill(n);
const enc = new TextEncoder();

describe("note keys and signatures", () => {
  const a = generateNoteKey("a.example/one", seed(1));
  const va = parseVerifierKey(a.verifierKey);
  const sa = parseSignerKey(a.signerKey);
  const note = parseNote(signNote("hello\n", [a.signerKey]));

  it("a line is matched to the trusted key with its name and its key ID, not either alone", () => {
    expect(noteVerifiers(note, [va])).toEqual([va]);
    const sameId = { ...va, name: "impostor" };
    const sameName = { ...va, keyId: (va.keyId ^ 1) >>> 0 };
    // an unmatched key is ignored, whatever its position
    expect(noteVerifiers(note, [sameId, va])).toEqual([va]);
    expect(noteVerifiers(note, [sameName, va])).toEqual([va]);
    // the same key signing twice counts once
    const twice: Note = { text: note.text, signatures: [note.signatures[0]!, note.signatures[0]!] };
    expect(noteVerifiers(twice, [va])).toEqual([va]);
    // a matched key of a type with no verifier rejects the note (no throw)
    expect(noteVerifiers(note, [{ ...va, type: 0x04 }])).toEqual([]);
  });

  it("verifyNoteSignature needs an Ed25519 key of the line's name and ID", () => {
    const sig = note.signatures[0]!;
    expect(verifyNoteSignature(note.text, sig, va)).toBe(true);
    expect(verifyNoteSignature(note.text, sig, { ...va, type: 0x04 })).toBe(false);
    expect(verifyNoteSignature(note.text, sig, { ...va, name: "other" })).toBe(false);
    expect(verifyNoteSignature(note.text, sig, { ...va, keyId: (va.keyId + 1) >>> 0 })).toBe(false);
    expect(verifyNoteSignature(note.text, { ...sig, name: "other" }, va)).toBe(false);
  });

  it("signNoteText: text ending in a newline, an Ed25519 key whose ID matches", () => {
    expect(signNoteText("x\n", sa).keyId).toBe(va.keyId);
    expect(() => signNoteText("x", sa)).toThrow(RangeError);
    expect(() => signNoteText("x\u0001\n", sa)).toThrow(RangeError);
    // a type-0x04 key with its own (correct) key ID is still not a note key
    const four = { ...sa, type: 0x04, keyId: noteKeyId(sa.name, 0x04, ed25519().getPublicKey(sa.secretKey)) };
    expect(() => signNoteText("x\n", four)).toThrow(RangeError);
    expect(() => signNoteText("x\n", { ...sa, keyId: (sa.keyId ^ 1) >>> 0 })).toThrow(RangeError);
  });

  it("signer key text: the PRIVATE+KEY+ prefix, and key IDs checked only for Ed25519 seeds", () => {
    expect(parseSignerKey(a.signerKey)).toEqual(sa);
    for (const bad of [a.signerKey.replace("PRIVATE+KEY+", "PRIVATE+KEZ+"), a.signerKey.slice(1)]) {
      const e = (() => {
        try {
          parseSignerKey(bad);
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(DecodeError);
      expect([(e as DecodeError).code, (e as DecodeError).offset]).toEqual(["malformed", 0]);
    }
    // ECDSA (0x02): an opaque secret, any key ID
    const ecdsa = formatSignerKey({ name: "e", keyId: 5, type: 0x02, secretKey: seed(3) });
    expect(parseSignerKey(ecdsa)).toEqual({ name: "e", keyId: 5, type: 0x02, secretKey: seed(3) });
    // 0x06 with a secret that is not a 32-byte seed: opaque too
    const odd = formatSignerKey({ name: "e", keyId: 5, type: 0x06, secretKey: seed(3).subarray(1) });
    expect(parseSignerKey(odd).secretKey.length).toBe(31);
    // 0x06 with a 32-byte seed: the key ID must match the derived key
    const six = formatSignerKey({ name: "e", keyId: 5, type: 0x06, secretKey: seed(3) });
    expect(() => parseSignerKey(six)).toThrow(DecodeError);
    expect(() => formatSignerKey({ name: "a b", keyId: 5, type: 0x02, secretKey: seed(3) })).toThrow(
      RangeError,
    );
  });

  it("key pairs: fresh random ones without a seed, a copy of the seed with one", () => {
    const r1 = generateEd25519KeyPair();
    const r2 = generateEd25519KeyPair();
    expect(r1.secretKey.length).toBe(32);
    expect(r1.publicKey).toEqual(ed25519().getPublicKey(r1.secretKey));
    expect(r1.secretKey).not.toEqual(r2.secretKey);
    const s = seed(4);
    const k = generateEd25519KeyPair(s);
    s.fill(0);
    expect(k.secretKey).toEqual(seed(4));
    expect(generateNoteKey("n").verifierKey.startsWith("n+")).toBe(true);
  });

  it("isValidKeyName takes only strings", () => {
    expect(isValidKeyName(["a"] as unknown as string)).toBe(false);
    expect(isValidKeyName({ length: 1 } as unknown as string)).toBe(false);
  });

  it("parseSignatureLines: its size limit and control characters", () => {
    const line = `\u2014 w AQIDBAU=\n`;
    expect(parseSignatureLines(line, { maxNoteBytes: enc.encode(line).length })).toHaveLength(1);
    expect(() => parseSignatureLines(line, { maxNoteBytes: 5 })).toThrow(DecodeError);
    const ctl = `\u2014 w AQID\u0001BAU=\n`;
    const e = (() => {
      try {
        parseSignatureLines(ctl);
      } catch (x) {
        return x as DecodeError;
      }
    })();
    expect([e?.code, e?.offset]).toEqual(["malformed", enc.encode("\u2014 w AQID").length]);
  });

  it("a note whose text is a single newline", () => {
    const n = parseNote(`\n\n\u2014 w AQIDBAU=\n`);
    expect(n.text).toBe("\n");
    expect(n.signatures).toHaveLength(1);
  });
});

describe("cosigner keys and signed prefix roots", () => {
  const cp: PrefixTreeCheckpoint = { tdomain: "t.example", size: 3n, root: new Uint8Array(32).fill(5) };
  const w1 = generateCosignerKey("w1.example", seed(21));
  const v1 = cosignerVerifierKey(w1);
  const s1 = signCosignature(w1, cp, 1000);

  it("cosignerKeyFromSignerKey: type 0x06 and the matching key ID", () => {
    const sk = { name: w1.name, keyId: w1.keyId, type: WAICT_COSIGNATURE_TYPE, secretKey: w1.secretKey };
    expect(cosignerKeyFromSignerKey(sk)).toEqual(w1);
    // the WAICT key ID under another type byte
    expect(() => cosignerKeyFromSignerKey({ ...sk, type: 0x01 })).toThrow(RangeError);
    expect(() => cosignerKeyFromSignerKey({ ...sk, keyId: (sk.keyId ^ 1) >>> 0 })).toThrow(RangeError);
    expect(() => generateCosignerKey("a b", seed(1))).toThrow(RangeError);
  });

  it("signCosignature needs a 32-byte seed in a Uint8Array", () => {
    expect(() =>
      signCosignature({ ...w1, secretKey: Array.from(w1.secretKey) as unknown as Uint8Array }, cp, 1),
    ).toThrow(RangeError);
    expect(() => signCosignature({ ...w1, secretKey: w1.secretKey.subarray(1) }, cp, 1)).toThrow(RangeError);
  });

  it("a checkpoint that is not an object is a TypeError", () => {
    for (const bad of [5, "t.example", null]) {
      expect(() => formatPrefixTreeCheckpoint(bad as unknown as PrefixTreeCheckpoint), String(bad)).toThrow(
        TypeError,
      );
    }
  });

  it("the verifier key is a copy", () => {
    const v = cosignerVerifierKey(w1);
    v.publicKey.fill(0);
    expect(w1.publicKey).toEqual(ed25519().getPublicKey(w1.secretKey));
  });

  it("a line is matched by name and key ID: a trusted key with the same ID and another name is ignored", () => {
    const impostor = { ...v1, name: "impostor.example" };
    const p = { checkpoint: cp, signatures: [s1] };
    expect(cosignersOf(p, [impostor, v1])).toEqual([v1]);
    expect(verifySignedPrefixRoot(p, [impostor, v1])).toBe(true);
  });

  it("quorum is a positive integer", () => {
    const p = { checkpoint: cp, signatures: [s1] };
    expect(verifySignedPrefixRoot(p, [v1], { quorum: 1 })).toBe(true);
    for (const quorum of [0, -1, 1.5, Number.NaN]) {
      expect(() => verifySignedPrefixRoot(p, [v1], { quorum }), `${quorum}`).toThrow(RangeError);
    }
  });
});

describe("Ed25519 edges", () => {
  const { secretKey, publicKey } = generateEd25519KeyPair(seed(5));
  const msg = enc.encode("edges");
  const sig = ed25519().sign(msg, secretKey);
  const withS = (s: bigint) => {
    const out = sig.slice();
    for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
    return out;
  };
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;

  it("S = L and S = 0 are refused without throwing", () => {
    expect(verifyEd25519(sig, msg, publicKey)).toBe(true);
    expect(verifyEd25519(withS(L), msg, publicKey)).toBe(false);
    expect(verifyEd25519(withS(0n), msg, publicKey)).toBe(false);
  });

  it("a public key with no point for its y is refused without throwing", () => {
    const noX = new Uint8Array(32);
    noX[0] = 2; // y = 2: x^2 has no square root
    expect(ed25519Precheck(sig, noX)).toBe(true);
    expect(verifyEd25519(sig, msg, noX)).toBe(false);
  });

  it("the precheck refuses arrays, wrong lengths and every non-canonical y, and nothing canonical", () => {
    expect(ed25519Precheck(sig, publicKey)).toBe(true);
    expect(ed25519Precheck(Array.from(sig) as unknown as Uint8Array, publicKey)).toBe(false);
    expect(ed25519Precheck(sig, Array.from(publicKey) as unknown as Uint8Array)).toBe(false);
    expect(ed25519Precheck(sig, Uint8Array.of(...publicKey, 0))).toBe(false);
    expect(ed25519Precheck(sig, publicKey.subarray(1))).toBe(false);
    expect(ed25519Precheck(sig.subarray(1), publicKey)).toBe(false);
    const y = (low: number, mid = 0xff, top = 0x7f) => {
      const b = new Uint8Array(32).fill(mid);
      b[0] = low;
      b[31] = top;
      return b;
    };
    // y = p + 2 .. p + 18 (p = 2^255 - 19), with either sign bit: refused
    for (let low = 0xef; low <= 0xff; low++) {
      expect(ed25519Precheck(sig, y(low)), `y low ${low}`).toBe(false);
      expect(ed25519Precheck(sig, y(low, 0xff, 0xff)), `y low ${low}, sign`).toBe(false);
    }
    // just below p, or any byte of the middle not 0xff, or the top bits not all set: canonical
    expect(ed25519Precheck(sig, y(0xeb))).toBe(true);
    expect(ed25519Precheck(sig, y(0xef, 0xfe))).toBe(true);
    expect(ed25519Precheck(sig, y(0xef, 0xff, 0x7e))).toBe(true);
    expect(ed25519Precheck(sig, y(0xef, 0xff, 0x3f))).toBe(true);
    for (const i of [1, 15, 30]) {
      const b = y(0xf0);
      b[i] = 0xfe;
      expect(ed25519Precheck(sig, b), `byte ${i}`).toBe(true);
    }
  });
});
