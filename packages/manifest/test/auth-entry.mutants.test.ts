/**
 * Mutation-testing kills for append-auth.ts and new-entry-data.ts (ninth session): each rejection
 * reason by its `code` or error class, exact bounds, and acceptance just inside each bound.
 */
import { U64_MAX } from "@sealroom/hash-chain";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { generateNoteKey, parseVerifierKey } from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import {
  appendMessage,
  appendVerifierKey,
  decodePositionHeader,
  decodeSignatureHeader,
  generateAppendKey,
  signAppend,
  signUpload,
  uploadMessage,
  verifyAppend,
  verifyUpload,
} from "../src/append-auth.ts";
import {
  MAX_ASSET_HOSTS,
  MAX_NEW_ENTRY_DATA_BYTES,
  NewEntryDataError,
  parseAppendKey,
  parseNewEntryData,
  serializeNewEntryData,
} from "../src/new-entry-data.ts";

const seed = new Uint8Array(32).fill(3);
const key = generateAppendKey("site.example", seed);
const vkey = parseVerifierKey(key.verifierKey);
const body = new Uint8Array([1, 2, 3]);

describe("append-auth bounds", () => {
  it("domain: empty, 253 and 254 characters, characters outside [a-z0-9.-]", () => {
    const d253 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    expect(() => appendMessage({ domain: d253, position: 0n, body })).not.toThrow();
    expect(() => uploadMessage({ domain: d253, digest: new Uint8Array(32) })).not.toThrow();
    for (const domain of ["", `${d253}e`, "A.example", "a_b", "a b", 5 as unknown as string]) {
      expect(() => appendMessage({ domain, position: 0n, body })).toThrow(RangeError);
      expect(() => uploadMessage({ domain, digest: new Uint8Array(32) })).toThrow(RangeError);
      expect(() => generateAppendKey(domain)).toThrow(RangeError);
    }
    for (const domain of ["a-b.0-9", "x"])
      expect(() => appendMessage({ domain, position: 0n, body })).not.toThrow();
  });

  it("position: 0 and U64_MAX accepted, -1, U64_MAX + 1 and a number rejected; body must be bytes", () => {
    expect(new TextDecoder().decode(appendMessage({ domain: "a", position: U64_MAX, body }))).toContain(
      `\n${U64_MAX}\n`,
    );
    for (const position of [-1n, U64_MAX + 1n, 1 as unknown as bigint])
      expect(() => appendMessage({ domain: "a", position, body })).toThrow(RangeError);
    expect(() => appendMessage({ domain: "a", position: 0n, body: [1] as unknown as Uint8Array })).toThrow(
      TypeError,
    );
  });

  it("digest must be 32 bytes", () => {
    for (const digest of [new Uint8Array(31), new Uint8Array(33), [...new Uint8Array(32)]])
      expect(() => uploadMessage({ domain: "a", digest: digest as Uint8Array })).toThrow(RangeError);
  });

  it("signer: text with whitespace around it works; a non-Ed25519 or short key is rejected", () => {
    const i = { domain: "site.example", position: 1n, body };
    const sig = signAppend(` ${key.signerKey}\n`, i);
    expect(sig).toEqual(signAppend(key.signerKey, i));
    expect(appendVerifierKey(`${key.signerKey}\n`)).toBe(key.verifierKey);
    expect(() => signAppend({ type: 0x02, name: "a", secretKey: seed } as never, i)).toThrow(RangeError);
    expect(() => signAppend({ type: 0x01, name: "a", secretKey: seed.subarray(1) } as never, i)).toThrow(
      RangeError,
    );
    expect(() =>
      signUpload({ type: 0x02, name: "a", secretKey: seed } as never, { domain: "a", digest: seed }),
    ).toThrow(RangeError);
  });

  it("verifiers refuse a key of another type or length even with a valid signature", async () => {
    const i = { domain: "site.example", position: 1n, body };
    const sig = signAppend(key.signerKey, i);
    expect(await verifyAppend(vkey, sig, i)).toBe(true);
    expect(await verifyAppend({ ...vkey, type: 0x02 } as never, sig, i)).toBe(false);
    expect(await verifyAppend({ ...vkey, publicKey: new Uint8Array([...vkey.publicKey, 0]) }, sig, i)).toBe(
      false,
    );
    const u = { domain: "site.example", digest: seed };
    const us = signUpload(key.signerKey, u);
    expect(await verifyUpload(vkey, us, u)).toBe(true);
    expect(await verifyUpload({ ...vkey, type: 0x02 } as never, us, u)).toBe(false);
    expect(await verifyUpload({ ...vkey, publicKey: vkey.publicKey.subarray(1) }, us, u)).toBe(false);
    expect(await verifyUpload(vkey, us, { ...u, domain: "sitf.example" })).toBe(false);
  });

  it("header decoders: lengths 87, 88, 89; base64 of 63 bytes padded to 88; 20-digit positions", () => {
    const sig = signAppend(key.signerKey, { domain: "a", position: 0n, body });
    const s = encodeBase64(sig);
    expect(s.length).toBe(88);
    expect(decodeSignatureHeader(s)).toEqual(sig);
    expect(decodeSignatureHeader(s.slice(1))).toBeUndefined();
    expect(decodeSignatureHeader(`${s}=`)).toBeUndefined();
    expect(decodeSignatureHeader(`${s.slice(0, 86)}!=`)).toBeUndefined();
    expect(decodeSignatureHeader(undefined)).toBeUndefined();
    expect(decodePositionHeader("9")).toBe(9n);
    expect(decodePositionHeader("10")).toBe(10n);
    expect(decodePositionHeader("99999999999999999999")).toBeUndefined();
    expect(decodePositionHeader("18446744073709551614")).toBe(U64_MAX - 1n);
    expect(decodePositionHeader("100000000000000000000")).toBeUndefined();
    expect(decodePositionHeader("1\n")).toBeUndefined();
    expect(decodePositionHeader("x1")).toBeUndefined();
    expect(decodePositionHeader(undefined)).toBeUndefined();
  });

  it("generateAppendKey names the key after the domain and is deterministic for a seed", () => {
    const k = generateAppendKey("site.example", seed);
    expect(k).toEqual(generateNoteKey("site.example", seed));
    expect(parseVerifierKey(k.verifierKey).name).toBe("site.example");
  });
});

const rh = new Uint8Array(32).fill(7);
const good = { resource_hash: encodeBase64(rh), asset_hosts: ["https://assets.example/"] };
function ned(o: unknown, opts?: { appendKeyFor?: string }): string {
  try {
    parseNewEntryData(typeof o === "string" ? o : JSON.stringify(o), opts);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(NewEntryDataError);
    return (e as NewEntryDataError).code;
  }
}

describe("new-entry-data bounds", () => {
  it("body size: exactly the cap parses, one byte more is too_large", () => {
    const s = JSON.stringify(good);
    const pad = (n: number) => `${s.slice(0, -1)},"p":"${"x".repeat(n)}"}`;
    const overhead = pad(0).length;
    expect(ned(pad(MAX_NEW_ENTRY_DATA_BYTES - overhead))).toBe("ok");
    expect(ned(pad(MAX_NEW_ENTRY_DATA_BYTES - overhead + 1))).toBe("too_large");
    expect(() => parseNewEntryData(5 as unknown as string)).toThrow(TypeError);
  });

  it("bytes input, invalid UTF-8 and non-objects", () => {
    expect(parseNewEntryData(new TextEncoder().encode(JSON.stringify(good))).resourceHash).toEqual(rh);
    expect(() => parseNewEntryData(new Uint8Array([0x7b, 0xc3, 0x7d]))).toThrow(NewEntryDataError);
    for (const t of ["null", "1", '"x"', "[]", "{"]) expect(ned(t), t).toBe("bad_json");
  });

  it("resource_hash: 44 characters of 32 bytes only; 45+ characters, numbers and other lengths rejected", () => {
    expect(ned({ ...good, resource_hash: 5 })).toBe("bad_resource_hash");
    expect(ned({ ...good, resource_hash: `${good.resource_hash} ` })).toBe("bad_resource_hash");
    expect(ned({ ...good, resource_hash: `${good.resource_hash}=` })).toBe("bad_resource_hash");
    expect(ned({ ...good, resource_hash: encodeBase64(new Uint8Array(33)) })).toBe("bad_resource_hash");
    expect(ned({ ...good, resource_hash: encodeBase64(new Uint8Array(34)) })).toBe("bad_resource_hash");
    expect(ned({ ...good, resource_hash: "A".repeat(46) })).toBe("bad_resource_hash");
    expect(ned({ asset_hosts: good.asset_hosts })).toBe("bad_resource_hash");
  });

  it("asset_hosts: 16 hosts accepted, 0, 17, duplicates and non-arrays rejected; each host checked", () => {
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `https://a${i}.example/`);
    expect(ned({ ...good, asset_hosts: hosts(MAX_ASSET_HOSTS) })).toBe("ok");
    expect(ned({ ...good, asset_hosts: hosts(MAX_ASSET_HOSTS + 1) })).toBe("bad_asset_hosts");
    expect(ned({ ...good, asset_hosts: [] })).toBe("bad_asset_hosts");
    expect(ned({ ...good, asset_hosts: "https://a.example/" })).toBe("bad_asset_hosts");
    expect(ned({ ...good, asset_hosts: ["https://a.example/", "https://a.example/"] })).toBe(
      "bad_asset_hosts",
    );
    for (const h of [
      "",
      5,
      "not a url",
      "http://assets.example/",
      "ftp://a.example/",
      "https://u@a.example/",
      "https://u:p@a.example/",
      "https://:p@a.example/",
      "https://a.example/#f",
      "http://evil.example/?127.0.0.1",
    ])
      expect(ned({ ...good, asset_hosts: [h] }), String(h)).toBe("bad_asset_host");
    for (const h of [
      "http://127.0.0.1/",
      "http://localhost:8788/",
      "http://[::1]/",
      "http://app.localhost/",
      "https://127.0.0.1/",
      "https://a.example/#",
    ])
      expect(ned({ ...good, asset_hosts: [h] }), h).toBe("ok");
  });

  it("append_key: required only with appendKeyFor; type, length, name and size checked", () => {
    const k = generateAppendKey("site.example", seed);
    expect(ned({ ...good, append_key: "junk" })).toBe("ok");
    expect(
      parseNewEntryData(JSON.stringify({ ...good, append_key: k.verifierKey })).appendKey,
    ).toBeUndefined();
    expect(ned(good, { appendKeyFor: "site.example" })).toBe("missing_append_key");
    expect(ned({ ...good, append_key: undefined }, { appendKeyFor: "site.example" })).toBe(
      "missing_append_key",
    );
    expect(ned({ ...good, append_key: null }, { appendKeyFor: "site.example" })).toBe("bad_append_key");
    expect(ned({ ...good, append_key: k.verifierKey }, { appendKeyFor: "site.example" })).toBe("ok");
    expect(ned({ ...good, append_key: k.verifierKey }, { appendKeyFor: "other.example" })).toBe(
      "bad_append_key",
    );
    expect(parseAppendKey(k.verifierKey).name).toBe("site.example");
    expect(parseAppendKey(k.verifierKey, "site.example").publicKey).toEqual(
      vkey.publicKey.length === 32 ? parseVerifierKey(k.verifierKey).publicKey : null,
    );
    const bad = (t: unknown, d?: string) => {
      try {
        parseAppendKey(t, d);
        return "ok";
      } catch (e) {
        expect(e).toBeInstanceOf(NewEntryDataError);
        return (e as NewEntryDataError).code;
      }
    };
    expect(bad(5)).toBe("bad_append_key");
    expect(bad(`${k.verifierKey}${" ".repeat(513 - k.verifierKey.length)}`)).toBe("bad_append_key");
    expect(bad("x+y+z")).toBe("bad_append_key");
    // a type-0x04 (or other) vkey with the right name is refused
    const raw = parseVerifierKey(k.verifierKey);
    const other = `site.example+${k.verifierKey.split("+")[1]}+${encodeBase64(new Uint8Array([0x04, ...raw.publicKey]))}`;
    expect(bad(other)).toBe("bad_append_key");
  });

  it("serializeNewEntryData: 32-byte hash only; append_key only when given", () => {
    expect(() => serializeNewEntryData({ resourceHash: new Uint8Array(31), assetHosts: [] })).toThrow(
      RangeError,
    );
    expect(() =>
      serializeNewEntryData({ resourceHash: [...rh] as unknown as Uint8Array, assetHosts: [] }),
    ).toThrow(RangeError);
    const s = JSON.parse(serializeNewEntryData({ resourceHash: rh, assetHosts: ["https://a.example/"] }));
    expect(Object.keys(s)).toEqual(["resource_hash", "asset_hosts"]);
    const t = JSON.parse(serializeNewEntryData({ resourceHash: rh, assetHosts: [], appendKey: "k" }));
    expect(t).toEqual({ resource_hash: encodeBase64(rh), asset_hosts: [], append_key: "k" });
  });
});
