/**
 * Manifest parsing and the manifest response at their exact size bounds, which keys a parsed
 * manifest holds, tombstones, error offsets, and a previous preload list of another kind (issue 18's
 * mutation survivors of manifest's first file set, tenth session).
 */
import { describe, expect, it } from "vitest";
import { encodeChainHeadWithProof, MAX_SIGNED_PREFIX_ROOT } from "../src/chain-head-with-proof.ts";
import { InvalidManifestError } from "../src/errors.ts";
import { isSha256B64u, MAX_MANIFEST_BYTES, parseManifest, serializeManifest } from "../src/manifest.ts";
import { decodeManifestResponse, MAX_RESPONSE_BYTES } from "../src/manifest-response.ts";
import { PreloadListKind } from "../src/preload-list.ts";
import { verifyPreloadList } from "../src/verify-preload-list.ts";
import { errorCode } from "./helpers/error-code.ts";
import { DAY, NOW, PreloadWorld } from "./helpers/preload-world.ts";
import { makeWorld } from "./helpers/world.ts";

const H = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

const code = (f: () => unknown) => errorCode(f, InvalidManifestError);

describe("parseManifest", () => {
  it("exactly MAX_MANIFEST_BYTES parses, as text and as bytes; one more is too_large", () => {
    const pad = (n: number) => {
      const head = `{"hashes":{},"x":"`;
      return `${head}${"a".repeat(n - head.length - 2)}"}`;
    };
    const exact = pad(MAX_MANIFEST_BYTES);
    expect(exact.length).toBe(MAX_MANIFEST_BYTES);
    expect(code(() => parseManifest(exact))).toBe("ok");
    expect(code(() => parseManifest(new TextEncoder().encode(exact)))).toBe("ok");
    const over = pad(MAX_MANIFEST_BYTES + 1);
    expect(code(() => parseManifest(over))).toBe("too_large");
    expect(code(() => parseManifest(new TextEncoder().encode(over)))).toBe("too_large");
  }, 60_000);

  it("holds only the keys the manifest has; known keys never reach extensions", () => {
    expect(Object.keys(parseManifest(`{"hashes":{"/":"${H}"}}`)).sort()).toEqual(["extensions", "hashes"]);
    const full = parseManifest(
      `{"hashes":{},"wasm_hashes":["${H}"],"fallback_hashes":["${H}"],"wildcard_hashes":["${H}"],"resource_delimiter":"~","emergency_opt_out":false,"x":1}`,
    );
    expect(full.wasmHashes).toEqual([H]);
    expect(full.fallbackHashes).toEqual([H]);
    expect(full.wildcardHashes).toEqual([H]);
    expect(full.resourceDelimiter).toBe("~");
    expect(full.emergencyOptOut).toBe(false);
    expect(full.extensions).toEqual({ x: 1 });
  });

  it("a tombstone needs only its keys: invalid hashes are kept as strings, other values dropped", () => {
    const m = parseManifest(`{"hashes":{"/":"bad","/n":5},"wasm_hashes":["x"],"emergency_opt_out":true}`);
    expect(m.hashes).toEqual({ "/": "bad" });
    expect(m.wasmHashes).toEqual(["x"]);
    expect(code(() => parseManifest(`{"hashes":{"/":"bad"},"emergency_opt_out":false}`))).toBe("bad_hash");
    expect(parseManifest(`{"hashes":5,"emergency_opt_out":true}`).hashes).toEqual({});
    expect(code(() => parseManifest(`{"hashes":5}`))).toBe("bad_type");
  });

  it("serializing never lets an extension named like a known key replace it", () => {
    const line = serializeManifest({
      hashes: { "/": H },
      extensions: { hashes: 5, emergency_opt_out: true, x: 1 },
    });
    expect(line).toBe(`{"hashes":{"/":"${H}"},"x":1}`);
  });

  it("null is not an object, at the top or as hashes", () => {
    expect(code(() => parseManifest("null"))).toBe("not_object");
    expect(code(() => parseManifest(`{"hashes":null}`))).toBe("bad_type");
  });

  it("parsed hashes are ordinary properties: writable and deletable", () => {
    const m = parseManifest(`{"hashes":{"/":"${H}","/x":"${H}"}}`);
    m.hashes["/"] = "changed";
    expect(m.hashes["/"]).toBe("changed");
    delete m.hashes["/x"];
    expect(Object.keys(m.hashes)).toEqual(["/"]);
  });

  it("isSha256B64u is false, without throwing, for non-strings of any length", () => {
    expect(isSha256B64u(H)).toBe(true);
    for (const v of [5, null, new Array(43).fill("A"), { length: 43 }])
      expect(isSha256B64u(v), String(v)).toBe(false);
  });
});

describe("manifest response", () => {
  it("exactly MAX_RESPONSE_BYTES (32 MiB manifest + 24 MiB, README) is framed and decoded; one more is too_large", () => {
    expect(MAX_RESPONSE_BYTES).toBe(56 * 1024 * 1024);
    const body = (n: number) => {
      const b = new Uint8Array(n).fill(0x41);
      b[n - 2] = 0x0a;
      b[n - 1] = 0x0a;
      return b;
    };
    expect(decodeManifestResponse(body(MAX_RESPONSE_BYTES)).proofText).toBe("");
    expect(code(() => decodeManifestResponse(body(MAX_RESPONSE_BYTES + 1)))).toBe("too_large");
  }, 60_000);

  it("framing errors say where: the end for a missing newline, after the proof line for trailing bytes", () => {
    const at = (s: string) => {
      try {
        decodeManifestResponse(new TextEncoder().encode(s));
        return -1;
      } catch (e) {
        return (e as InvalidManifestError).offset;
      }
    };
    expect(at("abc\n")).toBe(4);
    expect(at("a\nb\nc")).toBe(4);
    expect(at("abc")).toBe(3);
  });
});

describe("ChainHeadWithProof encoder", () => {
  it("a signed prefix root of exactly 2^24 - 1 bytes encodes; 2^24 does not", () => {
    const w = makeWorld();
    const p = {
      head: w.head,
      incProof: new Uint8Array(1),
      signedPrefixRoot: new Uint8Array(2 ** 24 - 1),
    };
    expect(MAX_SIGNED_PREFIX_ROOT).toBe(2 ** 24 - 1);
    expect(encodeChainHeadWithProof(p).length).toBe(112 + 2 + 1 + 3 + 2 ** 24 - 1);
    // u24 length field: 2^24 bytes would not fit it.
    expect(() => encodeChainHeadWithProof({ ...p, signedPrefixRoot: new Uint8Array(2 ** 24) })).toThrow(
      RangeError,
    );
  });
});

describe("verifyPreloadList", () => {
  it("a previous list of the other kind from the same service is previous_mismatch", async () => {
    const T = PreloadListKind.transparency;
    const D = PreloadListKind.devIds;
    const world = new PreloadWorld();
    world.append("a.example", JSON.stringify({ hashes: { "/": H } }), NOW - 10 * DAY);
    world.seal(NOW - 9 * DAY);
    const lt = world.publishList(T, { time: NOW - 9 * DAY, expires: NOW + 7 * DAY });
    const ld = world.publishList(D, { time: NOW - 9 * DAY, expires: NOW + 7 * DAY });
    world.seal(NOW - 60);
    const rd = world.listResponse(D, ld);
    expect(await verifyPreloadList(rd, { kind: D, ...world.trust() })).toMatchObject({ ok: true });
    const held = await verifyPreloadList(world.listResponse(T, lt), { kind: T, ...world.trust() });
    expect(held).toMatchObject({ ok: true });
    const r = await verifyPreloadList(world.listResponse(T, lt), {
      kind: T,
      ...world.trust({ previous: rd }),
    });
    expect(r).toMatchObject({ ok: false, detail: "previous_mismatch" });
  });
});
