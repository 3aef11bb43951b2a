/**
 * Signed notes, key text and cosignature formats at their exact edges, found by mutation testing
 * (`pnpm mutate`, tooling/mutate/RESULTS.md): each bound at its last accepted value and the first
 * refused one, each rejection's code and byte offset, round trips of what is accepted.
 */
import { describe, expect, it } from "vitest";
import { DecodeError } from "../src/errors.ts";
import {
  cosignatureTime,
  cosignatureV1Message,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
  formatNote,
  formatPrefixTreeCheckpoint,
  formatSignatureLine,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  noteKeyId,
  parseNote,
  parsePrefixTreeCheckpoint,
  parseSignatureLines,
  parseVerifierKey,
  tallyWitnesses,
  waictCosignatureMessage,
  waictCosignatureMessageForText,
} from "../src/note.ts";

const enc = new TextEncoder();

function failure(f: () => unknown): { code: string; offset: number } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { code: e.code, offset: e.offset };
  }
  throw new Error("expected a DecodeError");
}

const SIG5 = Uint8Array.of(1, 2, 3, 4, 5);

describe("key names, key IDs and key text", () => {
  it("isValidKeyName: non-empty, no spaces, no '+', no control characters", () => {
    expect(isValidKeyName("a")).toBe(true);
    expect(isValidKeyName("a.example/é")).toBe(true);
    for (const bad of ["", "a b", "a+b", "a\u00a0b", "a\tb", "a\u0001", "\u001f", "a\nb"]) {
      expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isValidKeyName(5 as unknown as string)).toBe(false);
  });

  it("noteKeyId takes a byte type and bytes", () => {
    const k = new Uint8Array(32);
    expect(noteKeyId("a", 0, k)).toBe(noteKeyId("a", 0, k.slice()));
    expect(noteKeyId("a", 255, k)).not.toBe(noteKeyId("a", 254, k));
    expect(noteKeyId("a", 1, k)).not.toBe(noteKeyId("b", 1, k));
    for (const t of [-1, 256, 1.5, Number.NaN])
      expect(() => noteKeyId("a", t, k), `${t}`).toThrow(RangeError);
    expect(() => noteKeyId("a b", 1, k)).toThrow(RangeError);
    expect(() => noteKeyId("a", 1, [0] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("key IDs are uint32: 0 and 2^32 - 1 round-trip, -1, 2^32 and fractions are refused", () => {
    for (const keyId of [0, 1, 0x01020304, 0xffffffff]) {
      const line = formatSignatureLine({ name: "w", keyId, signature: SIG5 });
      expect(parseSignatureLines(line)).toEqual([{ name: "w", keyId, signature: SIG5 }]);
      const vkey = formatVerifierKey({ name: "w", keyId, type: 0x42, publicKey: SIG5 });
      expect(parseVerifierKey(vkey)).toEqual({ name: "w", keyId, type: 0x42, publicKey: SIG5 });
      expect(vkey.split("+")[1]).toBe(keyId.toString(16).padStart(8, "0"));
    }
    for (const keyId of [-1, 2 ** 32, 1.5]) {
      expect(() => formatSignatureLine({ name: "w", keyId, signature: SIG5 }), `${keyId}`).toThrow(
        RangeError,
      );
      expect(() => formatVerifierKey({ name: "w", keyId, type: 1, publicKey: SIG5 })).toThrow(RangeError);
      expect(() => formatSignerKey({ name: "w", keyId, type: 1, secretKey: SIG5 })).toThrow(RangeError);
    }
    expect(() => formatSignatureLine({ name: "w", keyId: 1, signature: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(() =>
      formatSignatureLine({ name: "w", keyId: 1, signature: [1] as unknown as Uint8Array }),
    ).toThrow(TypeError);
    expect(() => formatVerifierKey({ name: "w b", keyId: 1, type: 1, publicKey: SIG5 })).toThrow(RangeError);
    expect(() =>
      formatSignerKey({ name: "w", keyId: 1, type: 1, secretKey: [1] as unknown as Uint8Array }),
    ).toThrow(TypeError);
  });

  it("vkey parts: each refusal with its code and offset", () => {
    expect(failure(() => parseVerifierKey("name"))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parseVerifierKey("name+00000000"))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parseVerifierKey("na me+00000000+QUJD"))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parseVerifierKey("+00000000+QUJD"))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parseVerifierKey("name+0000000A+QUJD"))).toEqual({
      code: "non-canonical",
      offset: 5,
    });
    expect(failure(() => parseVerifierKey("name+0000000+QUJD"))).toEqual({
      code: "non-canonical",
      offset: 5,
    });
    expect(failure(() => parseVerifierKey("name+000000000+QUJD"))).toEqual({
      code: "non-canonical",
      offset: 5,
    });
    // one byte of base64 (type only) is not a key; two bytes are (an opaque type)
    expect(failure(() => parseVerifierKey("name+00000000+QQ=="))).toEqual({ code: "malformed", offset: 14 });
    expect(failure(() => parseVerifierKey("name+00000000+QUI"))).toEqual({ code: "malformed", offset: 14 });
    expect(parseVerifierKey("name+00000000+QUI=")).toEqual({
      name: "name",
      keyId: 0,
      type: 0x41,
      publicKey: Uint8Array.of(0x42),
    });
    // base64 may contain '+': only the first two '+' split
    const k = parseVerifierKey("n+0000000a+++++");
    expect(k.keyId).toBe(10);
    expect(k.type).toBe(0xfb);
    expect(() => parseVerifierKey(5 as unknown as string)).toThrow(TypeError);
  });

  it("Ed25519 types need 32-byte keys and a key ID that recomputes; other types are opaque", () => {
    const pk = new Uint8Array(32).fill(7);
    for (const type of [0x01, 0x04, 0x06]) {
      const keyId = noteKeyId("w", type, pk);
      const vkey = formatVerifierKey({ name: "w", keyId, type, publicKey: pk });
      expect(parseVerifierKey(vkey)).toEqual({ name: "w", keyId, type, publicKey: pk });
      const wrongId = formatVerifierKey({ name: "w", keyId: (keyId ^ 1) >>> 0, type, publicKey: pk });
      expect(failure(() => parseVerifierKey(wrongId))).toEqual({ code: "malformed", offset: 2 });
    }
    for (const type of [0x01, 0x04]) {
      const short = pk.subarray(0, 31);
      const vkey = formatVerifierKey({
        name: "w",
        keyId: noteKeyId("w", type, short),
        type,
        publicKey: short,
      });
      expect(failure(() => parseVerifierKey(vkey)).code).toBe("malformed");
    }
    // 0x02 (ECDSA) and 0x05: any length, any key ID
    for (const type of [0x02, 0x05]) {
      const vkey = formatVerifierKey({ name: "w", keyId: 5, type, publicKey: pk.subarray(0, 3) });
      expect(parseVerifierKey(vkey).keyId).toBe(5);
    }
  });
});

describe("note parsing: sizes, counts and offsets", () => {
  const line = formatSignatureLine({ name: "w", keyId: 7, signature: SIG5 });

  it("maxSignatures is the last accepted count", () => {
    const two = `x\n\n${line}${line}`;
    expect(parseNote(two, { maxSignatures: 2 }).signatures.length).toBe(2);
    expect(failure(() => parseNote(two, { maxSignatures: 1 }))).toEqual({ code: "oversized", offset: 3 });
    expect(parseSignatureLines(line + line, { maxSignatures: 2 }).length).toBe(2);
    expect(failure(() => parseSignatureLines(line + line, { maxSignatures: 1 }))).toEqual({
      code: "oversized",
      offset: 0,
    });
  });

  it("maxNoteBytes counts UTF-8 bytes, for strings and bytes; exactly the maximum is accepted", () => {
    const note = `é\n\n${line}`;
    const bytes = enc.encode(note).length;
    expect(bytes).toBe(note.length + 3); // é and the em dash
    expect(parseNote(note, { maxNoteBytes: bytes }).text).toBe("é\n");
    expect(parseNote(enc.encode(note), { maxNoteBytes: bytes }).text).toBe("é\n");
    expect(failure(() => parseNote(note, { maxNoteBytes: bytes - 1 }))).toEqual({
      code: "oversized",
      offset: bytes - 1,
    });
    expect(failure(() => parseNote(enc.encode(note), { maxNoteBytes: bytes - 1 }))).toEqual({
      code: "oversized",
      offset: bytes - 1,
    });
    // an ASCII string of exactly the maximum is read (and refused for what it holds), one over is not
    expect(failure(() => parseNote("x\n", { maxNoteBytes: 2 }))).toEqual({ code: "malformed", offset: 2 });
    expect(failure(() => parseNote("x\n", { maxNoteBytes: 1 }))).toEqual({ code: "oversized", offset: 1 });
  });

  it("offsets are UTF-8 byte offsets", () => {
    // a control character after a two-byte character
    expect(failure(() => parseNote(`é\u0001\n\n${line}`))).toEqual({ code: "malformed", offset: 2 });
    expect(failure(() => parseNote("\u0001x\n\n"))).toEqual({ code: "malformed", offset: 0 });
    // no blank line: at the end
    expect(failure(() => parseNote("éx\n"))).toEqual({ code: "malformed", offset: 4 });
    // no signature lines after the blank line
    expect(failure(() => parseNote("é\n\n"))).toEqual({ code: "truncated", offset: 4 });
    // the last line lacks its newline: at the end
    expect(failure(() => parseNote(`é\n\n${line.slice(0, -1)}`))).toEqual({
      code: "truncated",
      offset: enc.encode(`é\n\n${line}`).length - 1,
    });
    // the second line is bad: offset of that line (after a non-ASCII name in the first)
    const first = formatSignatureLine({ name: "wé", keyId: 7, signature: SIG5 });
    const at = enc.encode(`x\n\n${first}`).length;
    expect(failure(() => parseNote(`x\n\n${first}- w AQIDBAU=\n`))).toEqual({
      code: "malformed",
      offset: at,
    });
    // inside a line: the name, then the signature
    const em = enc.encode("\u2014 ").length;
    expect(failure(() => parseNote(`x\n\n${first}\u2014  AQIDBAU=\n`))).toEqual({
      code: "malformed",
      offset: at + em,
    });
    expect(failure(() => parseNote(`x\n\n${first}\u2014 wAQIDBAU=\n`))).toEqual({
      code: "malformed",
      offset: at + em,
    });
    expect(failure(() => parseNote(`x\n\n${first}\u2014 wé AQIDBA==\n`))).toEqual({
      code: "truncated",
      offset: at + em + 4,
    });
    expect(failure(() => parseNote(`x\n\n${first}\u2014 wé AQIDBAV=\n`))).toEqual({
      code: "non-canonical",
      offset: at + em + 4,
    });
    // exactly 5 bytes (key ID and one signature byte) is the shortest line
    expect(parseNote(`x\n\n\u2014 w AQIDBAU=\n`).signatures[0]).toEqual({
      name: "w",
      keyId: 0x01020304,
      signature: Uint8Array.of(5),
    });
  });

  it("strings with lone surrogates and bytes that are not UTF-8 are malformed at 0", () => {
    expect(failure(() => parseNote(`x\ud800\n\n${line}`))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parseNote(`x\udc00\n\n${line}`))).toEqual({ code: "malformed", offset: 0 });
    expect(parseNote(`x\ud83d\ude00\n\n${line}`).text).toBe("x\ud83d\ude00\n");
    expect(failure(() => parseNote(Uint8Array.of(0x78, 0xc3, 0x0a, 0x0a)))).toEqual({
      code: "malformed",
      offset: 0,
    });
    expect(() => parseNote([1] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("formatNote: text ending in a newline, valid Unicode, no control characters, some signatures", () => {
    const sig = { name: "w", keyId: 7, signature: SIG5 };
    expect(formatNote({ text: "x\n", signatures: [sig] })).toBe(`x\n\n${line}`);
    for (const text of ["x", "x\ud800\n", "x\u0000\n", "\u001f\n"]) {
      expect(() => formatNote({ text, signatures: [sig] }), JSON.stringify(text)).toThrow(RangeError);
    }
    expect(() => formatNote({ text: 5 as unknown as string, signatures: [sig] })).toThrow(TypeError);
    expect(() => formatNote({ text: "x\n", signatures: sig as unknown as [] })).toThrow(RangeError);
  });
});

describe("prefix tree checkpoints and timestamped signatures", () => {
  const root = new Uint8Array(32).fill(3);
  const cp = (tdomain: string, size = 1n) => ({ tdomain, size, root });

  it("tdomain: lowercase DNS name of 1..253 characters, optional port 1..99999 without leading zero", () => {
    const ok = [
      "a",
      "a1",
      "a-b.c",
      `${"a".repeat(253)}`,
      "localhost:1",
      "localhost:99999",
      "a:10",
      "0",
      "a.b.c",
    ];
    for (const t of ok) {
      const text = formatPrefixTreeCheckpoint(cp(t));
      expect(parsePrefixTreeCheckpoint(text), t).toEqual(cp(t));
    }
    const bad = [
      "",
      "-a",
      "a-",
      "A",
      "a_b",
      `${"a".repeat(254)}`,
      "a:0",
      "a:01",
      "a:100000",
      "a:",
      ":1",
      "a b",
      ".a",
    ];
    for (const t of bad) {
      expect(() => formatPrefixTreeCheckpoint(cp(t)), t).toThrow(RangeError);
      expect(
        failure(() => parsePrefixTreeCheckpoint(`${t}/prefix-tree\n1\n${"AwMD".repeat(10)}AwM=\n`)),
      ).toEqual({
        code: "malformed",
        offset: 0,
      });
    }
  });

  it("size: u64 in decimal without leading zeros; the root: canonical base64 of 32 bytes", () => {
    const b64 = `${"AwMD".repeat(10)}AwM=`;
    for (const n of ["0", "9", "10", "18446744073709551615"]) {
      expect(parsePrefixTreeCheckpoint(`a/prefix-tree\n${n}\n${b64}\n`).size).toBe(BigInt(n));
      expect(formatPrefixTreeCheckpoint(cp("a", BigInt(n)))).toBe(`a/prefix-tree\n${n}\n${b64}\n`);
    }
    for (const n of [
      "00",
      "01",
      "18446744073709551616",
      "99999999999999999999",
      "100000000000000000000",
      "",
      "+1",
    ]) {
      expect(
        failure(() => parsePrefixTreeCheckpoint(`a/prefix-tree\n${n}\n${b64}\n`)),
        n,
      ).toEqual({
        code: "non-canonical",
        offset: 14,
      });
    }
    for (const size of [-1n, 2n ** 64n])
      expect(() => formatPrefixTreeCheckpoint(cp("a", size))).toThrow(RangeError);
    expect(() => formatPrefixTreeCheckpoint(cp("a", 1 as unknown as bigint))).toThrow(RangeError);
    for (const r of ["AwMD", `${b64.slice(0, -2)}B=`, `${"AwMD".repeat(11)}`]) {
      expect(
        failure(() => parsePrefixTreeCheckpoint(`a/prefix-tree\n12\n${r}\n`)),
        r,
      ).toEqual({
        code: "malformed",
        offset: 17,
      });
    }
    expect(() => formatPrefixTreeCheckpoint({ tdomain: "a", size: 1n, root: root.subarray(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      formatPrefixTreeCheckpoint({ tdomain: "a", size: 1n, root: [...root] as unknown as Uint8Array }),
    ).toThrow(RangeError);
    expect(() => formatPrefixTreeCheckpoint(null as unknown as never)).toThrow(TypeError);
    expect(() => formatPrefixTreeCheckpoint(cp(5 as unknown as string))).toThrow(RangeError);
  });

  it("the note text: exactly three lines ending in a newline, the origin ending in /prefix-tree", () => {
    const good = formatPrefixTreeCheckpoint(cp("é".length === 1 ? "a" : "b"));
    expect(failure(() => parsePrefixTreeCheckpoint(good.slice(0, -1)))).toEqual({
      code: "truncated",
      offset: good.length - 1,
    });
    expect(failure(() => parsePrefixTreeCheckpoint("é"))).toEqual({ code: "truncated", offset: 2 });
    expect(failure(() => parsePrefixTreeCheckpoint(`${good}x\n`))).toEqual({ code: "malformed", offset: 0 });
    expect(failure(() => parsePrefixTreeCheckpoint(good.replace("\n1\n", "\n")))).toEqual({
      code: "malformed",
      offset: 0,
    });
    expect(failure(() => parsePrefixTreeCheckpoint(good.replace("/prefix-tree", "/prefix-tre")))).toEqual({
      code: "malformed",
      offset: 0,
    });
    expect(() => parsePrefixTreeCheckpoint(5 as unknown as string)).toThrow(TypeError);
  });

  it("signed messages: header, time line, the text; times in [0, 2^63 - 1]", () => {
    const text = formatPrefixTreeCheckpoint(cp("a"));
    const max = 2n ** 63n - 1n;
    expect(new TextDecoder().decode(waictCosignatureMessage(cp("a"), max))).toBe(
      `waict-cosignature/v1\ntime ${max}\n${text}`,
    );
    expect(waictCosignatureMessageForText(text, 0n)).toEqual(waictCosignatureMessage(cp("a"), 0n));
    expect(new TextDecoder().decode(cosignatureV1Message("o\n", 5n))).toBe("cosignature/v1\ntime 5\no\n");
    for (const f of [waictCosignatureMessageForText, cosignatureV1Message]) {
      expect(() => f(text, max + 1n)).toThrow(RangeError);
      expect(() => f(text, -1n)).toThrow(RangeError);
      expect(() => f(text, 5 as unknown as bigint)).toThrow(TypeError);
      expect(() => f("o", 5n)).toThrow(RangeError);
      expect(() => f(5 as unknown as string, 5n)).toThrow(RangeError);
    }
    expect(() => waictCosignatureMessage(cp("a"), max + 1n)).toThrow(RangeError);
  });

  it("TimestampedSignature: exactly 72 bytes, time below 2^63, read at the view's offset", () => {
    const sig = new Uint8Array(64).fill(9);
    const max = 2n ** 63n - 1n;
    for (const timestamp of [0n, 1n, 0x0102030405060708n, max]) {
      const b = encodeTimestampedSignature({ timestamp, signature: sig });
      expect(b.length).toBe(72);
      expect(decodeTimestampedSignature(b)).toEqual({ timestamp, signature: sig });
      const shifted = new Uint8Array(80);
      shifted.set(b, 5);
      expect(decodeTimestampedSignature(shifted.subarray(5, 77))).toEqual({ timestamp, signature: sig });
      expect(cosignatureTime({ name: "w", keyId: 1, signature: b })).toBe(timestamp);
    }
    expect(
      encodeTimestampedSignature({ timestamp: 0x0102030405060708n, signature: sig }).subarray(0, 8),
    ).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(() => encodeTimestampedSignature({ timestamp: max + 1n, signature: sig })).toThrow(RangeError);
    expect(() => encodeTimestampedSignature({ timestamp: -1n, signature: sig })).toThrow(RangeError);
    expect(() => encodeTimestampedSignature({ timestamp: 1n, signature: sig.subarray(1) })).toThrow(
      RangeError,
    );
    expect(() =>
      encodeTimestampedSignature({ timestamp: 1n, signature: [...sig] as unknown as Uint8Array }),
    ).toThrow(RangeError);
    expect(failure(() => decodeTimestampedSignature(new Uint8Array(71)))).toEqual({
      code: "truncated",
      offset: 71,
    });
    expect(failure(() => decodeTimestampedSignature(new Uint8Array(73)))).toEqual({
      code: "trailing",
      offset: 72,
    });
    const over = new Uint8Array(72);
    over[0] = 0x80;
    expect(failure(() => decodeTimestampedSignature(over))).toEqual({ code: "oversized", offset: 0 });
    expect(cosignatureTime({ name: "w", keyId: 1, signature: over })).toBeUndefined();
    expect(() => decodeTimestampedSignature([0] as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("tallyWitnesses: the freshness window's exact edges", () => {
    const at = (time: bigint) =>
      tallyWitnesses([{ name: "w", time }], { now: 1000, maxAge: 100, maxFutureSkew: 10 });
    expect(at(1010n).witnesses.length).toBe(1);
    expect(at(1011n)).toEqual({ witnesses: [], stale: 0, future: 1 });
    expect(at(900n).witnesses.length).toBe(1);
    expect(at(899n)).toEqual({ witnesses: [], stale: 1, future: 0 });
    // no age limit
    expect(
      tallyWitnesses([{ name: "w", time: 0n }], { now: 10 ** 9, maxAge: Number.POSITIVE_INFINITY }).witnesses,
    ).toEqual([{ name: "w", time: 0n }]);
    // defaults: 7 days and 300 s
    const now = 10 ** 9;
    const def = (time: bigint) => tallyWitnesses([{ name: "w", time }], { now });
    expect(def(BigInt(now + 300)).future).toBe(0);
    expect(def(BigInt(now + 301)).future).toBe(1);
    expect(def(BigInt(now - 7 * 86400)).stale).toBe(0);
    expect(def(BigInt(now - 7 * 86400 - 1)).stale).toBe(1);
    // no `now`: every time counts
    expect(tallyWitnesses([{ name: "w", time: 2n ** 62n }]).witnesses.length).toBe(1);
    expect(() => tallyWitnesses([], { maxFuture: 5 } as never)).toThrow(TypeError);
    expect(() => tallyWitnesses([], null as never)).toThrow(TypeError);
    expect(() => tallyWitnesses([], { now: 1, maxAge: -1 })).toThrow(TypeError);
    expect(() => tallyWitnesses([], { now: 1, maxFutureSkew: Number.POSITIVE_INFINITY })).toThrow(TypeError);
  });
});
