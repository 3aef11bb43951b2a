/**
 * Preload list and response codecs at their exact size bounds, New Entry Data's field checks, and
 * the append-auth header decoders (issue 18's mutation survivors, tenth session).
 */
import { createHash } from "node:crypto";
import { formatVerifierKey, generateNoteKey } from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import { decodePositionHeader, decodeSignatureHeader } from "../src/append-auth.ts";
import { PreloadListDecodeError } from "../src/errors.ts";
import { NewEntryDataError, parseAppendKey, parseNewEntryData } from "../src/new-entry-data.ts";
import {
  decodePreloadList,
  encodePreloadList,
  MAX_PRELOAD_DOMAINS,
  MAX_PRELOAD_LIST_BYTES,
  makePreloadList,
  PRELOAD_LIST_HEADER_BYTES,
  type PreloadList,
  PreloadListKind,
} from "../src/preload-list.ts";
import {
  decodePreloadListResponse,
  encodePreloadListResponse,
  MAX_PRELOAD_LIST_RESPONSE_BYTES,
} from "../src/preload-list-response.ts";
import { errorCode } from "./helpers/error-code.ts";
import { DAY, NOW, PreloadWorld } from "./helpers/preload-world.ts";

const T = PreloadListKind.transparency;

const decodeCode = (f: () => unknown) => errorCode(f, PreloadListDecodeError);

const list = (entries: PreloadList["entries"]): PreloadList => ({
  kind: T,
  version: 1n,
  treeSize: 2n,
  root: new Uint8Array(32).fill(9),
  expires: 99n,
  entries,
});

/** A list header claiming `count` entries, followed by `rest`. */
function rawList(count: number, rest: number[] = []): Uint8Array {
  const b = encodePreloadList(list([]));
  const out = new Uint8Array([...b, ...rest]);
  new DataView(out.buffer).setUint32(66, count);
  return out;
}

describe("preload list codec", () => {
  it("count: exactly MAX_PRELOAD_DOMAINS is judged by the bytes present, one more is too_many", () => {
    expect(decodeCode(() => decodePreloadList(rawList(MAX_PRELOAD_DOMAINS)))).toBe("truncated");
    expect(decodeCode(() => decodePreloadList(rawList(MAX_PRELOAD_DOMAINS + 1)))).toBe("too_many");
    // The encoder's bound: a sparse array of exactly the maximum is read entry by entry (and its
    // first hole refused), one more is refused by its length.
    expect(() => encodePreloadList(list(new Array(MAX_PRELOAD_DOMAINS)))).toThrow(TypeError);
    expect(() => encodePreloadList(list(new Array(MAX_PRELOAD_DOMAINS + 1)))).toThrow(RangeError);
  });

  it("an entry that ends the bytes while another is announced is truncated; its offsets are exact", () => {
    const domain = "a0123456789.example";
    const one = [domain.length, ...new TextEncoder().encode(domain), 0, 0, 0, 0, 0, 0, 0, 1];
    expect(decodeCode(() => decodePreloadList(rawList(2, one)))).toBe("truncated");
    const zero = rawList(1, [...one.slice(0, -1), 0]);
    try {
      decodePreloadList(zero);
      expect.unreachable();
    } catch (e) {
      expect((e as PreloadListDecodeError).code).toBe("bad_chain_size");
      expect((e as PreloadListDecodeError).offset).toBe(PRELOAD_LIST_HEADER_BYTES + 1 + domain.length);
    }
  });

  it("the first domain may start with a digit (sorted against nothing)", () => {
    const l = list([
      { domain: "0.example", chainSize: 1n },
      { domain: "a.example", chainSize: 2n },
    ]);
    expect(decodePreloadList(encodePreloadList(l)).entries).toEqual(l.entries);
  });

  it("u64 fields must be bigints: a numeric string is refused, not converted", () => {
    expect(() => encodePreloadList({ ...list([]), version: "5" as unknown as bigint })).toThrow(TypeError);
    expect(() =>
      encodePreloadList(list([{ domain: "a.example", chainSize: "5" as unknown as bigint }])),
    ).toThrow(TypeError);
    expect(() => encodePreloadList(list([null as never]))).toThrow(TypeError);
  });

  it("makePreloadList sorts any input order bytewise", () => {
    const names = ["d.example", "b.example", "0.example", "c.example", "a.example", "e.example", "9.example"];
    const l = makePreloadList({
      ...list([]),
      entries: names.map((domain, i) => ({ domain, chainSize: BigInt(i + 1) })),
    });
    expect(l.entries.map((e) => e.domain)).toEqual([...names].sort());
  });

  it("makePreloadList refuses a domain given twice, also when only normalisation makes them equal", () => {
    const e = (domain: string, n: number) => ({ domain, chainSize: BigInt(n) });
    expect(() =>
      makePreloadList({ ...list([]), entries: [e("a.example", 1), e("b.example", 1), e("a.example", 2)] }),
    ).toThrow(RangeError);
    expect(() => makePreloadList({ ...list([]), entries: [e("A.Example", 1), e("a.example", 2)] })).toThrow(
      RangeError,
    );
    expect(
      makePreloadList({ ...list([]), entries: [e("a.example", 1), e("a.example.com", 2)] }).entries,
    ).toHaveLength(2);
  });

  it("exactly MAX_PRELOAD_LIST_BYTES encodes and decodes; one byte more is refused both ways", () => {
    // 253-byte domains (262 bytes per entry) and one shorter entry to land on the exact size.
    const per = 1 + 253 + 8;
    const room = MAX_PRELOAD_LIST_BYTES - PRELOAD_LIST_HEADER_BYTES;
    const n = Math.floor(room / per);
    const lastLen = room - n * per - 9;
    const tail = `.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(52)}`;
    expect(`d0000000${tail}`.length).toBe(253);
    const entries = Array.from({ length: n }, (_, i) => ({
      domain: `d${String(i).padStart(7, "0")}${tail}`,
      chainSize: 1n,
    }));
    const last = (len: number) => ({ domain: `e${"x".repeat(50)}.${"y".repeat(len - 52)}`, chainSize: 1n });
    const exact = encodePreloadList(list([...entries, last(lastLen)]));
    expect(exact.length).toBe(MAX_PRELOAD_LIST_BYTES);
    expect(decodePreloadList(exact).entries.length).toBe(n + 1);
    expect(() => encodePreloadList(list([...entries, last(lastLen + 1)]))).toThrow(RangeError);
    const over = new Uint8Array(MAX_PRELOAD_LIST_BYTES + 1);
    over.set(exact);
    expect(decodeCode(() => decodePreloadList(over))).toBe("too_large");
  }, 60_000);
});

describe("preload list response codec", () => {
  const world = new PreloadWorld();
  world.append("a.example", JSON.stringify({ hashes: { "/": "A".repeat(43) } }), NOW - 10 * DAY);
  world.seal(NOW - 9 * DAY);
  const v0 = world.publishList(T, { time: NOW - 9 * DAY, expires: NOW + 7 * DAY });
  world.seal(NOW - 9 * DAY);
  const res = world.listResponse(T, v0);
  const parts = decodePreloadListResponse(res);
  /** Frames three parts with their u32 lengths (no checks). */
  function frame(...ps: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(ps.reduce((n, p) => n + 4 + p.length, 0));
    const dv = new DataView(out.buffer);
    let o = 0;
    for (const p of ps) {
      dv.setUint32(o, p.length);
      out.set(p, o + 4);
      o += 4 + p.length;
    }
    return out;
  }
  const lenOf = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o);
  const listLen = lenOf(res, 0);
  const headLen = lenOf(res, 4 + listLen);
  const head = res.subarray(8 + listLen, 8 + listLen + headLen);
  const cons = res.subarray(12 + listLen + headLen);

  it("codes: truncated lengths, a one-byte list, a last part running past the end", () => {
    expect(decodeCode(() => decodePreloadListResponse(new Uint8Array(3)))).toBe("truncated");
    expect(decodeCode(() => decodePreloadListResponse(frame(new Uint8Array(1), head, cons)))).toBe(
      "truncated",
    );
    const long = res.slice();
    new DataView(long.buffer).setUint32(8 + listLen + headLen, cons.length + 1);
    expect(decodeCode(() => decodePreloadListResponse(long))).toBe("truncated");
    expect(decodeCode(() => decodePreloadListResponse(frame(v0, new Uint8Array(5), cons)))).toMatch(
      /^head_proof_/,
    );
    expect(decodeCode(() => decodePreloadListResponse(frame(v0, head, new Uint8Array(3))))).toBe(
      "bad_consistency_proof",
    );
  });

  it("non-bytes are a TypeError, even shaped like bytes", () => {
    const fake = { buffer: res.buffer, byteOffset: 0, byteLength: res.length, length: res.length };
    expect(() => decodePreloadListResponse(fake as unknown as Uint8Array)).toThrow(TypeError);
  });

  it("the decoded list bytes are a copy", () => {
    const b = res.slice();
    const d = decodePreloadListResponse(b);
    b.fill(0);
    expect(d.listBytes).toEqual(v0);
  });

  it("the encoder refuses an empty or non-byte list and accepts one byte", () => {
    const r = { headProof: parts.headProof, consistency: parts.consistency };
    expect(() => encodePreloadListResponse({ ...r, listBytes: new Uint8Array(0) })).toThrow(TypeError);
    expect(() => encodePreloadListResponse({ ...r, listBytes: [1] as unknown as Uint8Array })).toThrow(
      TypeError,
    );
    expect(encodePreloadListResponse({ ...r, listBytes: new Uint8Array(1) }).length).toBe(
      res.length - listLen + 1,
    );
  });

  it("exactly MAX_PRELOAD_LIST_RESPONSE_BYTES: judged by its parts; one byte more is too_large", () => {
    // The documented cap (docs/preload-list.md): 64 MiB of list + 32 MiB for the proofs.
    expect(MAX_PRELOAD_LIST_RESPONSE_BYTES).toBe(96 * 1024 * 1024);
    const fill = MAX_PRELOAD_LIST_RESPONSE_BYTES - 12 - v0.length - head.length;
    const big = frame(v0, head, new Uint8Array(fill));
    expect(big.length).toBe(MAX_PRELOAD_LIST_RESPONSE_BYTES);
    expect(decodeCode(() => decodePreloadListResponse(big))).toBe("bad_consistency_proof");
    const over = new Uint8Array(big.length + 1);
    over.set(big);
    expect(decodeCode(() => decodePreloadListResponse(over))).toBe("too_large");
    // The encoder: a list that brings the whole to exactly the bound encodes, one byte more does not.
    const r = { headProof: parts.headProof, consistency: parts.consistency };
    const room = MAX_PRELOAD_LIST_RESPONSE_BYTES - (res.length - listLen);
    expect(encodePreloadListResponse({ ...r, listBytes: new Uint8Array(room) }).length).toBe(
      MAX_PRELOAD_LIST_RESPONSE_BYTES,
    );
    expect(() => encodePreloadListResponse({ ...r, listBytes: new Uint8Array(room + 1) })).toThrow(
      RangeError,
    );
  }, 60_000);
});

describe("New Entry Data fields", () => {
  const rh = `${"A".repeat(43)}=`;
  const code = (o: unknown) => {
    try {
      parseNewEntryData(JSON.stringify(o));
      return "ok";
    } catch (e) {
      expect(e).toBeInstanceOf(NewEntryDataError);
      expect((e as Error).name).toBe("NewEntryDataError");
      return (e as NewEntryDataError).code;
    }
  };
  it("an asset host is checked on its own before the set: length 512 reaches the set rules, 513 does not", () => {
    const url = (n: number) => `https://a.example/${"p".repeat(n - 18)}`;
    expect(url(513).length).toBe(513);
    expect(code({ resource_hash: rh, asset_hosts: [url(513)] })).toBe("bad_asset_host");
    expect(code({ resource_hash: rh, asset_hosts: [url(512)] })).not.toBe("bad_asset_host");
    expect(code({ resource_hash: rh, asset_hosts: [["https://a.example"]] })).toBe("bad_asset_host");
    expect(code({ resource_hash: rh, asset_hosts: [""] })).toBe("bad_asset_host");
  });
  it("loopback hosts may use http:, never another scheme", () => {
    expect(code({ resource_hash: rh, asset_hosts: ["http://127.0.0.1:8787"] })).toBe("ok");
    for (const h of ["ftp://127.0.0.1/", "ws://localhost:1/", "file://localhost/x"])
      expect(code({ resource_hash: rh, asset_hosts: [h] }), h).toBe("bad_asset_host");
  });
  it("asset_hosts must be an array", () => {
    expect(code({ resource_hash: rh, asset_hosts: "https://a.example" })).toBe("bad_asset_hosts");
    expect(code({ resource_hash: rh, asset_hosts: { length: 1 } })).toBe("bad_asset_hosts");
  });

  it("append_key: 512 characters parse, 513 do not; only Ed25519 (0x01) keys named after the domain", () => {
    const seed = new Uint8Array(32).fill(5);
    const named = (len: number) => generateNoteKey("n".repeat(len - 54), seed).verifierKey;
    expect(named(512).length).toBe(512);
    expect(parseAppendKey(named(512)).type).toBe(0x01);
    expect(() => parseAppendKey(named(513))).toThrow(NewEntryDataError);
    const site = generateNoteKey("site.example", seed).verifierKey;
    expect(() => parseAppendKey(site, "other.example")).toThrow(
      expect.objectContaining({ code: "bad_append_key" }),
    );
    // A well-formed 0x04 (cosignature) key of 32 bytes is not an append key.
    const pk = new Uint8Array(32).fill(7);
    const id = createHash("sha256")
      .update(new Uint8Array([...new TextEncoder().encode("site.example"), 0x0a, 0x04, ...pk]))
      .digest()
      .readUInt32BE(0);
    const cosigner = formatVerifierKey({ name: "site.example", keyId: id, type: 0x04, publicKey: pk });
    expect(() => parseAppendKey(cosigner, "site.example")).toThrow(
      expect.objectContaining({ code: "bad_append_key" }),
    );
  });
});

describe("append-auth headers", () => {
  it("88 characters that decode to other than 64 bytes are refused", () => {
    expect(decodeSignatureHeader("A".repeat(88))).toBeUndefined();
    expect(decodeSignatureHeader(`${"A".repeat(86)}==`)).toEqual(new Uint8Array(64));
  });
  it("a position header must be a string", () => {
    expect(decodePositionHeader(5 as unknown as string)).toBeUndefined();
  });
});
