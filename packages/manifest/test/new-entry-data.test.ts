import { encodeBase64 } from "@sealroom/hash-chain/base64";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAppendKey } from "../src/append-auth.ts";
import { NewEntryDataError, parseNewEntryData, serializeNewEntryData } from "../src/new-entry-data.ts";

const rh = new Uint8Array(32).fill(7);
const good = { resource_hash: encodeBase64(rh), asset_hosts: ["https://assets.example/"] };

describe("New Entry Data", () => {
  it("parses the draft's object and round-trips through serializeNewEntryData", () => {
    const d = parseNewEntryData(JSON.stringify(good));
    expect(d.resourceHash).toEqual(rh);
    expect(d.assetHosts).toEqual(["https://assets.example/"]);
    expect(
      parseNewEntryData(serializeNewEntryData({ resourceHash: d.resourceHash, assetHosts: d.assetHosts })),
    ).toEqual(d);
  });

  it("requires an append key named after the domain in the well-known document", () => {
    const k = generateAppendKey("site.example");
    const d = parseNewEntryData(JSON.stringify({ ...good, append_key: k.verifierKey }), {
      appendKeyFor: "site.example",
    });
    expect(d.appendKey?.name).toBe("site.example");
    expect(() => parseNewEntryData(JSON.stringify(good), { appendKeyFor: "site.example" })).toThrow(
      /append_key/,
    );
    expect(() =>
      parseNewEntryData(JSON.stringify({ ...good, append_key: k.verifierKey }), {
        appendKeyFor: "other.example",
      }),
    ).toThrow(/not the domain/);
    const other = generateAppendKey("site.example").signerKey; // a signer key is not a vkey
    expect(() =>
      parseNewEntryData(JSON.stringify({ ...good, append_key: other }), { appendKeyFor: "site.example" }),
    ).toThrow(NewEntryDataError);
  });

  it.each([
    ["not JSON", "{"],
    ["an array", "[]"],
    ["short hash", JSON.stringify({ ...good, resource_hash: encodeBase64(new Uint8Array(31)) })],
    [
      "non-canonical base64",
      JSON.stringify({ ...good, resource_hash: `${good.resource_hash.slice(0, -2)}x=` }),
    ],
    ["no hosts", JSON.stringify({ ...good, asset_hosts: [] })],
    [
      "17 hosts",
      JSON.stringify({
        ...good,
        asset_hosts: Array.from({ length: 17 }, (_, i) => `https://a${i}.example/`),
      }),
    ],
    ["http host", JSON.stringify({ ...good, asset_hosts: ["http://assets.example/"] })],
    ["relative host", JSON.stringify({ ...good, asset_hosts: ["/assets"] })],
    [
      "duplicate hosts",
      JSON.stringify({ ...good, asset_hosts: ["https://a.example/", "https://a.example/"] }),
    ],
    ["long host", JSON.stringify({ ...good, asset_hosts: [`https://a.example/${"x".repeat(600)}`] })],
    ["oversized body", JSON.stringify({ ...good, pad: "x".repeat(20000) })],
  ])("rejects %s", (_, text) => {
    expect(() => parseNewEntryData(text)).toThrow(NewEntryDataError);
  });

  it("reads strict UTF-8: one invalid byte, even in a value it ignores, is bad_json; a leading BOM is skipped", () => {
    const text = JSON.stringify({ ...good, note: "ab" });
    const bytes = new TextEncoder().encode(text);
    const bad = bytes.slice();
    bad[text.indexOf('"ab"') + 1] = 0xff;
    expect(() => parseNewEntryData(bad)).toThrow(expect.objectContaining({ code: "bad_json" }));
    // RFC 8259 §8.1: a parser may ignore a byte order mark; the data is the same without it.
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    expect(parseNewEntryData(bom)).toEqual(parseNewEntryData(bytes));
  });

  it("allows http asset hosts on loopback (local development)", () => {
    expect(
      parseNewEntryData(JSON.stringify({ ...good, asset_hosts: ["http://127.0.0.1:8788/fetch/"] }))
        .assetHosts,
    ).toHaveLength(1);
  });

  it("fuzz: arbitrary bytes parse or throw NewEntryDataError, nothing else", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        (b) => {
          try {
            parseNewEntryData(b);
          } catch (e) {
            expect(e).toBeInstanceOf(NewEntryDataError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
