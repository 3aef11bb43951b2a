import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { readFileSync } from "node:fs";
import { decodeBase64 as base64Decode, encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../src/errors.ts";
import {
  formatNote,
  formatSignatureLine,
  formatSignerKey,
  formatVerifierKey,
  generateEd25519KeyPair,
  generateNoteKey,
  type Note,
  NoteSignatureType,
  noteKeyId,
  noteVerifiers,
  parseNote,
  parseSignatureLines,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  signNoteText,
  verifyEd25519,
  verifyNote,
  verifyNoteSignature,
} from "../src/note.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const enc = new TextEncoder();

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

const vkeyFile = readFileSync(
  new URL("../vectors/c2sp/signed-note-vkey-example.txt", import.meta.url),
  "utf8",
);
const exampleVkey = vkeyFile.split("\n")[vkeyFile.split("\n").indexOf("VKEY:") + 1]!;
const exampleNote = blocks("signed-note-vkey-example.txt")[0]!;

function nodeKeys(seed: Uint8Array, pub: Uint8Array) {
  const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");
  const jwk = { kty: "OKP", crv: "Ed25519", d: b64u(seed), x: b64u(pub) };
  return {
    priv: createPrivateKey({ key: jwk, format: "jwk" }),
    pub: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64u(pub) }, format: "jwk" }),
  };
}

function decodeErr(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error("expected a DecodeError");
}

describe("C2SP signed-note example (signed-note.md 'Verifier keys')", () => {
  it("the vkey parses and its key ID recomputes", () => {
    expect(exampleVkey).toBe("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    const k = parseVerifierKey(exampleVkey);
    expect(k.name).toBe("example.com/foo");
    expect(k.keyId).toBe(0x530d903a);
    expect(k.type).toBe(NoteSignatureType.Ed25519);
    expect(k.publicKey.length).toBe(32);
    expect(noteKeyId(k.name, 1, k.publicKey)).toBe(0x530d903a);
    expect(formatVerifierKey(k)).toBe(exampleVkey);
  });

  it("the note parses and verifies; one changed byte anywhere does not", () => {
    const k = parseVerifierKey(exampleVkey);
    const note = parseNote(exampleNote);
    expect(note.text).toBe("This is an example message.\n");
    expect(note.signatures.length).toBe(1);
    expect(note.signatures[0]!.name).toBe("example.com/foo");
    expect(note.signatures[0]!.keyId).toBe(0x530d903a);
    expect(verifyNote(note, [k])).toBe(true);
    expect(formatNote(note)).toBe(exampleNote);
    // Same note as bytes.
    expect(verifyNote(parseNote(enc.encode(exampleNote)), [k])).toBe(true);
    const bad = { ...note, text: "This is an example message!\n" };
    expect(verifyNote(bad, [k])).toBe(false);
    const sig = note.signatures[0]!.signature.slice();
    sig[10]! ^= 1;
    expect(
      verifyNote({ text: note.text, signatures: [{ ...note.signatures[0]!, signature: sig }] }, [k]),
    ).toBe(false);
  });

  it("the signed text is exactly the bytes received: a leading EF BB BF is kept (as Go does)", () => {
    const key = parseVerifierKey(exampleVkey);
    const bytes = enc.encode(exampleNote);
    expect(verifyNote(parseNote(bytes), [key])).toBe(true);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    const parsed = parseNote(withBom);
    expect(parsed.text).toBe(`\uFEFF${exampleNote.slice(0, exampleNote.indexOf("\n\n") + 1)}`);
    expect(verifyNote(parsed, [key])).toBe(false);
    expect(verifyNote(parseNote(`\uFEFF${exampleNote}`), [key])).toBe(false);
    // And a note signed over text that starts with U+FEFF still verifies once read as bytes.
    const { signerKey, verifierKey } = generateNoteKey("bom.example", new Uint8Array(32).fill(9));
    const signed = signNote("\uFEFFhello\n", [signerKey]);
    const back = parseNote(enc.encode(signed));
    expect(back.text).toBe("\uFEFFhello\n");
    expect(verifyNote(back, [parseVerifierKey(verifierKey)])).toBe(true);
  });

  it("the signature verifies under node:crypto too (independent Ed25519)", () => {
    const k = parseVerifierKey(exampleVkey);
    const note = parseNote(exampleNote);
    const pub = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(k.publicKey).toString("base64url") },
      format: "jwk",
    });
    expect(nodeVerify(null, enc.encode(note.text), pub, note.signatures[0]!.signature)).toBe(true);
  });
});

describe("key IDs and key text", () => {
  it("key ID = SHA-256(name || 0x0A || type || key)[:4] (checked with node:crypto)", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9./-]{1,30}$/),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 64 }),
        (name, type, key) => {
          const h = createHash("sha256")
            .update(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, type]), key]))
            .digest();
          expect(noteKeyId(name, type, key)).toBe(h.readUInt32BE(0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("generated keys round-trip through vkey and signer key text", () => {
    const seed = new Uint8Array(32).fill(3);
    const { signerKey, verifierKey } = generateNoteKey("sealroom.example/test", seed);
    const s = parseSignerKey(signerKey);
    const v = parseVerifierKey(verifierKey);
    expect(signerKey.startsWith("PRIVATE+KEY+sealroom.example/test+")).toBe(true);
    expect(hex(s.secretKey)).toBe(hex(seed));
    expect(s.keyId).toBe(v.keyId);
    expect(formatSignerKey(s)).toBe(signerKey);
    expect(formatVerifierKey(v)).toBe(verifierKey);
  });

  it("every generated key round-trips, including keys whose base64 contains '+'", () => {
    let withPlus = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const { signerKey, verifierKey } = generateNoteKey("witness.example", seed);
        if (verifierKey.slice("witness.example+".length + 9).includes("+")) withPlus++;
        expect(formatVerifierKey(parseVerifierKey(verifierKey))).toBe(verifierKey);
        expect(formatSignerKey(parseSignerKey(signerKey))).toBe(signerKey);
      }),
      { numRuns: 300 },
    );
    expect(withPlus).toBeGreaterThan(0);
  });

  it("rejects malformed key text", () => {
    const good = exampleVkey;
    for (const bad of [
      "example.com/foo+530d903a",
      "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", // ID mismatch
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2", // bad base64
      "example.com/foo+530d903a+AQ==", // type only
      "exa mple+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
      `${good}+x`,
    ]) {
      decodeErr(() => parseVerifierKey(bad));
    }
    decodeErr(() => parseSignerKey(good));
  });

  it("parseSignerKey refuses a key ID that does not match the key (Go's note.NewSigner)", () => {
    const { signerKey } = generateNoteKey("witness.example", new Uint8Array(32).fill(7));
    const s = parseSignerKey(signerKey);
    for (const keyId of [s.keyId ^ 1, s.keyId ^ 0x80000000, 0]) {
      const bad = formatSignerKey({ ...s, keyId: keyId >>> 0 });
      const e = decodeErr(() => parseSignerKey(bad));
      expect(e.message).toMatch(/key ID does not match/);
      expect(e.offset).toBe("PRIVATE+KEY+witness.example+".length);
    }
    // The same for a cosignature (0x04) seed: its ID hashes type 0x04 and the derived public key.
    const pub = generateEd25519KeyPair(s.secretKey).publicKey;
    const v1 = { ...s, type: NoteSignatureType.CosignatureV1 };
    const okId = noteKeyId(s.name, NoteSignatureType.CosignatureV1, pub);
    expect(parseSignerKey(formatSignerKey({ ...v1, keyId: okId })).keyId).toBe(okId);
    decodeErr(() => parseSignerKey(formatSignerKey({ ...v1, keyId: s.keyId })));
  });
});

describe("base64 (canonical, RFC 4648 §4)", () => {
  it("agrees with Buffer and decodes only canonical strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const s = base64Encode(b);
        expect(s).toBe(Buffer.from(b).toString("base64"));
        expect(hex(base64Decode(s)!)).toBe(hex(b));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."AQgw+/=Zz09 -_".split("")), maxLength: 16 }), (s) => {
        const d = base64Decode(s);
        if (d !== undefined) expect(base64Encode(d)).toBe(s);
      }),
      { numRuns: 3000 },
    );
    expect(base64Decode("AB==")).toBeUndefined(); // non-zero trailing bits
    expect(base64Decode("AA=")).toBeUndefined();
    expect(base64Decode("A===")).toBeUndefined();
    expect(base64Decode("AA=A")).toBeUndefined();
    expect(base64Decode("AA-_")).toBeUndefined(); // base64url alphabet
  });
});

describe("Ed25519 (@noble/ed25519 with sync SHA-512)", () => {
  it("RFC 8032 §7.1 TEST 1", () => {
    const seed = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    const { publicKey } = generateEd25519KeyPair(seed);
    expect(hex(publicKey)).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const sig = unhex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
    expect(verifyEd25519(sig, new Uint8Array(0), publicKey)).toBe(true);
    const k = { name: "t", keyId: noteKeyId("t", 1, publicKey), type: 1, secretKey: seed };
    const s = signNoteText("x\n", k);
    expect(verifyEd25519(s.signature, enc.encode("x\n"), publicKey)).toBe(true);
  });

  it("cross-checks against node:crypto in both directions", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.string({ maxLength: 60 }),
        (seed, body) => {
          const text = `${body.replace(/[\u0000-\u001f]/g, "")}\n`;
          const { publicKey } = generateEd25519KeyPair(seed);
          const nk = nodeKeys(seed, publicKey);
          const name = "cross.example/k";
          const keyId = noteKeyId(name, 1, publicKey);
          const ours = signNoteText(text, { name, keyId, type: 1, secretKey: seed });
          expect(nodeVerify(null, enc.encode(text), nk.pub, ours.signature)).toBe(true);
          const theirs = new Uint8Array(nodeSign(null, enc.encode(text), nk.priv));
          const vk = { name, keyId, type: 1, publicKey };
          expect(verifyNoteSignature(text, { name, keyId, signature: theirs }, vk)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("notes", () => {
  const a = generateNoteKey("a.example/one", new Uint8Array(32).fill(1));
  const b = generateNoteKey("b.example/two", new Uint8Array(32).fill(2));
  const va = parseVerifierKey(a.verifierKey);
  const vb = parseVerifierKey(b.verifierKey);

  it("sign, write, parse, verify; text may contain blank lines", () => {
    const text = "first\n\nsecond paragraph ed è subito sera\n";
    const note = signNote(text, [a.signerKey, b.signerKey]);
    const p = parseNote(note);
    expect(p.text).toBe(text);
    expect(verifyNote(p, [va])).toBe(true);
    expect(noteVerifiers(p, [va, vb])).toEqual([va, vb]);
    expect(formatNote(p)).toBe(note);
  });

  it("follows the spec's trust rules", () => {
    const p = parseNote(signNote("hello\n", [a.signerKey, b.signerKey]));
    // Unknown keys are ignored: no known key at all does not verify.
    expect(verifyNote(p, [])).toBe(false);
    // Same name, different ID: unknown, ignored.
    expect(verifyNote(p, [{ ...va, keyId: (va.keyId + 1) >>> 0 }])).toBe(false);
    // A known key whose signature fails rejects the whole note, even with another good one.
    const forged: Note = {
      text: p.text,
      signatures: [p.signatures[0]!, { ...p.signatures[1]!, signature: p.signatures[0]!.signature }],
    };
    expect(noteVerifiers(forged, [va, vb])).toEqual([]);
    expect(verifyNote(forged, [va])).toBe(true);
  });

  it("parser rejects what the spec forbids, with DecodeError and byte offsets", () => {
    const good = signNote("hello\n", [a.signerKey]);
    const line = good.slice("hello\n\n".length);
    const cases: Array<[string, string]> = [
      ["hello\n— a.example/one AAAA\n", "no blank line"],
      [`hello\n\n${line.slice(0, -1)}`, "no final newline"],
      ["hello\n\n", "no signatures"],
      [`hello\n\n- ${line.slice(2)}`, "hyphen instead of em dash"],
      [`hello\n\n—  ${line.slice(2)}`, "empty name"],
      [`hello\n\n${line.replace("a.example/one", "a.exa+mple")}`, "plus in name"],
      [`hello\n\n${line.replace("a.example/one", "a.exa\u00a0mple")}`, "Unicode space in name"],
      [`hel\tlo\n\n${line}`, "control character"],
      [`hello\r\n\n${line}`, "carriage return"],
      ["hello\n\n— a AAAAAA==\n", "signature shorter than 5 bytes"],
      ["hello\n\n— a AAAAAAB=\n", "non-canonical base64"],
      [`hello\n\n${line}${line.replace("— ", "—")}`, "second line malformed"],
      ["hello\n\n\uD800\n", "lone surrogate"],
    ];
    for (const [s, why] of cases) {
      const e = decodeErr(() => parseNote(s));
      expect(e.offset, why).toBeGreaterThanOrEqual(0);
      expect(e.offset, why).toBeLessThanOrEqual(enc.encode(s.replace(/[\uD800-\uDFFF]/g, "")).length);
    }
    decodeErr(() => parseNote(Uint8Array.from([0x68, 0xff, 0x0a, 0x0a])));
  });

  it("accepts 16 signatures, rejects more than the limit", () => {
    const sig = parseNote(signNote("x\n", [a.signerKey])).signatures[0]!;
    const sixteen: Note = { text: "x\n", signatures: Array(16).fill(sig) };
    expect(parseNote(formatNote(sixteen)).signatures.length).toBe(16);
    const many = formatNote({ text: "x\n", signatures: Array(101).fill(sig) });
    expect(decodeErr(() => parseNote(many)).code).toBe("oversized");
    expect(parseNote(many, { maxSignatures: 200 }).signatures.length).toBe(101);
    expect(decodeErr(() => parseNote(many, { maxNoteBytes: 100 })).code).toBe("oversized");
  });

  it("formatNote refuses invalid input with TypeError/RangeError", () => {
    const sig = parseNote(signNote("x\n", [a.signerKey])).signatures[0]!;
    expect(() => formatNote({ text: "x", signatures: [sig] })).toThrow(RangeError);
    expect(() => formatNote({ text: "x\n", signatures: [] })).toThrow(RangeError);
    expect(() => formatNote({ text: "x\u0001\n", signatures: [sig] })).toThrow(RangeError);
    expect(() => formatSignatureLine({ ...sig, name: "a b" })).toThrow(RangeError);
    expect(() => formatSignatureLine({ ...sig, keyId: 2 ** 32 })).toThrow(RangeError);
  });

  it("parses bare signature lines (upload-cosignature bodies)", () => {
    const l = formatSignatureLine({
      name: "w.example/1",
      keyId: 0xdeadbeef,
      signature: new Uint8Array(72).fill(9),
    });
    const sigs = parseSignatureLines(l + l);
    expect(sigs.length).toBe(2);
    expect(sigs[0]!.keyId).toBe(0xdeadbeef);
    decodeErr(() => parseSignatureLines(""));
    decodeErr(() => parseSignatureLines(`${l}\n`));
  });
});

describe("note parser fuzz", () => {
  const key = generateNoteKey("fuzz.example/k", new Uint8Array(32).fill(5));
  const textArb = fc
    .array(fc.string({ unit: fc.constantFrom(..."ab \u00e9\u2014+=/".split("")), maxLength: 12 }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((ls) => `${ls.join("\n")}\n`);
  // Signing costs ~1 ms; a pool of signed notes keeps 10,000 runs fast while fast-check varies
  // the mutations around them.
  const pool = fc.sample(textArb, { numRuns: 60, seed: 1 }).map((t) => signNote(t, [key.signerKey]));
  const validArb = fc.constantFrom(...pool);
  const alphabet = fc.constantFrom(..."\u2014 \n+=/aAzZ09.\u00a0\t\u00e9".split(""));
  const inputArb = fc.oneof(
    validArb,
    validArb.chain((v) => fc.nat({ max: v.length }).map((n) => v.slice(0, n))),
    fc.tuple(validArb, fc.string({ unit: alphabet, maxLength: 10 })).map(([v, t]) => v + t),
    fc
      .tuple(validArb, fc.nat(), fc.string({ unit: alphabet, minLength: 1, maxLength: 2 }))
      .map(([v, i, c]) => {
        const k = i % v.length;
        return v.slice(0, k) + c + v.slice(k + 1);
      }),
    fc.string({ unit: alphabet, maxLength: 120 }),
  );

  it("10,000 strings: canonical round trip or DecodeError, nothing else", () => {
    let ok = 0;
    fc.assert(
      fc.property(inputArb, (s) => {
        let n: Note;
        try {
          n = parseNote(s);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          return;
        }
        ok++;
        expect(formatNote(n)).toBe(s);
      }),
      { numRuns: 10_000 },
    );
    expect(ok).toBeGreaterThan(1000);
  });

  it("10,000 byte strings (incl. invalid UTF-8): parse or DecodeError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          validArb.map((v) => enc.encode(v)),
          fc.tuple(validArb, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([v, i, x]) => {
            const b = enc.encode(v);
            b[i % b.length]! ^= x;
            return b;
          }),
        ),
        (b) => {
          try {
            const n = parseNote(b);
            expect(hex(enc.encode(formatNote(n)))).toBe(hex(b));
          } catch (e) {
            if (!(e instanceof DecodeError)) throw e;
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("10,000 vkey strings: parse (and re-format identically) or DecodeError", () => {
    const vk = fc.constant(key.verifierKey);
    const s = fc.oneof(
      vk,
      fc.tuple(vk, fc.nat(), fc.string({ unit: alphabet, minLength: 1, maxLength: 2 })).map(([v, i, c]) => {
        const k = i % v.length;
        return v.slice(0, k) + c + v.slice(k + 1);
      }),
      fc.string({ unit: fc.constantFrom(..."+0123456789abcdefAQ=/. ".split("")), maxLength: 60 }),
    );
    fc.assert(
      fc.property(s, (v) => {
        try {
          expect(formatVerifierKey(parseVerifierKey(v))).toBe(v);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
