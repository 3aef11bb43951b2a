/**
 * Found by mutation testing (`pnpm mutate`, the fifth session's run of tile-path, asset-hosts,
 * next-chain-node, hash and errors): the decode-failure helpers other packages rely on
 * (`isDecodeFailure`, `shiftDecodeFailure`, `DecodeError.at`), the argument types of the tile-path
 * functions (a value that merely converts to the right type is refused) and of `nextChainNode`.
 */
import { describe, expect, it } from "vitest";
import {
  chainHashPath,
  DecodeError,
  entriesTilePath,
  formatTileIndex,
  HashChainErrorCode,
  isDecodeFailure,
  nextChainNode,
  parseEntriesTilePath,
  parseTileIndex,
  shiftDecodeFailure,
} from "../src/index.ts";

/** An error shaped like another package's DecodeError, with one field overridden. */
function foreign(over: Record<string, unknown> = {}): Error {
  const e = new Error("inner");
  Object.assign(e, { name: "DecodeError", code: "bad-thing", offset: 3, detail: "inner detail" }, over);
  return e;
}

describe("decode-failure helpers", () => {
  it("isDecodeFailure: an Error named DecodeError with string code and detail and a numeric offset", () => {
    expect(isDecodeFailure(new DecodeError(HashChainErrorCode.Truncated, 1, "x"))).toBe(true);
    expect(isDecodeFailure(foreign())).toBe(true);
    expect(isDecodeFailure(new Error("plain"))).toBe(false);
    expect(isDecodeFailure(foreign({ name: "TypeError" }))).toBe(false);
    expect(isDecodeFailure(foreign({ code: 7 }))).toBe(false);
    expect(isDecodeFailure(foreign({ offset: "3" }))).toBe(false);
    expect(isDecodeFailure(foreign({ detail: undefined }))).toBe(false);
    // Not an Error at all, even with every field.
    expect(isDecodeFailure({ name: "DecodeError", code: "c", offset: 0, detail: "d" })).toBe(false);
    expect(isDecodeFailure(undefined)).toBe(false);
  });

  it("shiftDecodeFailure keeps a known code, maps an unknown one to malformed, shifts the offset", () => {
    const known = foreign({ code: HashChainErrorCode.Trailing, offset: 4, detail: "d" });
    expect(shiftDecodeFailure(known as never, 10, HashChainErrorCode)).toEqual({
      code: "trailing",
      offset: 14,
      detail: "d",
    });
    const unknown = foreign({ code: "weird", offset: 2, detail: "d" });
    const s = shiftDecodeFailure(unknown as never, 10, HashChainErrorCode);
    expect([s.code, s.offset]).toEqual(["malformed", 12]);
  });

  it("DecodeError.at: code, shifted offset, and the inner error as cause", () => {
    const inner = foreign({ code: HashChainErrorCode.Oversized, offset: 5 });
    const e = DecodeError.at(inner as never, 100);
    expect(e).toBeInstanceOf(DecodeError);
    expect([e.code, e.offset, e.detail]).toEqual(["oversized", 105, "inner detail"]);
    expect(e.cause).toBe(inner);
    const other = DecodeError.at(foreign({ offset: 0 }) as never, 7);
    expect([other.code, other.offset]).toEqual(["malformed", 7]);
    // No cause unless one is given.
    expect("cause" in new DecodeError(HashChainErrorCode.Truncated, 0, "x")).toBe(false);
    expect(new DecodeError(HashChainErrorCode.Truncated, 0, "x", { cause: undefined })).toHaveProperty(
      "cause",
    );
  });
});

describe("tile paths: argument types", () => {
  it("an index must be a safe integer or a bigint, not something that converts to one", () => {
    expect(formatTileIndex(2 ** 53 - 1)).toBe("x009/x007/x199/x254/x740/991");
    expect(() => formatTileIndex(2 ** 53)).toThrow(RangeError);
    expect(() => formatTileIndex(Number.NaN)).toThrow(RangeError);
    const boxed = { valueOf: () => 5n };
    expect(() => formatTileIndex(boxed as unknown as bigint)).toThrow(TypeError);
    expect(() => chainHashPath("a.example", boxed as unknown as bigint)).toThrow(TypeError);
  });

  it("paths must be primitive strings", () => {
    expect(parseTileIndex("005")).toBe(5n);
    expect(() => parseTileIndex(new String("005") as unknown as string)).toThrow(TypeError);
    expect(parseEntriesTilePath("/entries-tile/a.example/005").index).toBe(5n);
    expect(() =>
      parseEntriesTilePath(new String("/entries-tile/a.example/005") as unknown as string),
    ).toThrow(TypeError);
  });

  it("a domain must be a string of [A-Za-z0-9.-] in every path builder", () => {
    expect(() => entriesTilePath(123 as unknown as string, 0)).toThrow(RangeError);
    expect(chainHashPath("a.example", 1234)).toBe("/chain-hash/a.example/x001/234");
    expect(() => chainHashPath("a/b", 0)).toThrow(RangeError);
    expect(() => chainHashPath("", 0)).toThrow(RangeError);
    expect(() => chainHashPath(123 as unknown as string, 0)).toThrow(RangeError);
  });
});

describe("nextChainNode: the input must be an object", () => {
  it("a number or a string is a TypeError, not a missing-hosts error", () => {
    for (const input of [5, "x", true]) {
      expect(() => nextChainNode(undefined, input as never)).toThrow(TypeError);
    }
    expect(() => nextChainNode(undefined, null as never)).toThrow(TypeError);
  });
});
