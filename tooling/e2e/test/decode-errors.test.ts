/**
 * One decode error shape across the five packages (docs/architecture.md "Errors"): every package's
 * `DecodeError` extends that package's base error and carries `code` (lowercase), `offset` and
 * `detail`; an enclosing decoder passes an inner package's error through with its own offset.
 */
import {
  DecodeError as CommitterDecodeError,
  CommitterError,
  decodeClientMessage,
} from "@sealroom/committer";
import {
  DecodeError as ChainDecodeError,
  decodeChainNode,
  decodeEntry,
  HashChainError,
  isDecodeFailure,
} from "@sealroom/hash-chain";
import { ManifestError, ProofDecodeError } from "@sealroom/manifest";
import { decodeSFrameHeader, DecodeError as FramesDecodeError, MlsFramesError } from "@sealroom/mls-frames";
import { decodeTreeEventBatch, PrefixTreeError, DecodeError as TreeDecodeError } from "@sealroom/prefix-tree";
import { describe, expect, it } from "vitest";

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describe("one DecodeError shape in every package", () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, new (...a: never[]) => Error][] = [
    ["hash-chain", () => decodeEntry(new Uint8Array(3)), ChainDecodeError, HashChainError],
    ["prefix-tree", () => decodeTreeEventBatch(new Uint8Array([1])), TreeDecodeError, PrefixTreeError],
    ["mls-frames", () => decodeSFrameHeader(new Uint8Array(0)), FramesDecodeError, MlsFramesError],
    ["committer", () => decodeClientMessage(new Uint8Array(0)), CommitterDecodeError, CommitterError],
  ];
  for (const [pkg, f, Decode, Base] of cases) {
    it(`${pkg}: DecodeError extends the package's base error, code lowercase, message = detail (at byte offset)`, () => {
      const e = caught(f);
      expect(e).toBeInstanceOf(Decode);
      expect(e).toBeInstanceOf(Base);
      expect(isDecodeFailure(e)).toBe(true);
      const d = e as Error & { code: string; offset: number; detail: string };
      expect(d.name).toBe("DecodeError");
      expect(d.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(d.message).toBe(`${d.detail} (at byte ${d.offset})`);
    });
  }

  it("an enclosing decoder passes the inner error through with its own offset", () => {
    const inner = caught(() => decodeChainNode(new Uint8Array(90))) as ChainDecodeError;
    expect(inner).toBeInstanceOf(ChainDecodeError);
    const o = ProofDecodeError.at(inner, 10);
    expect(o).toBeInstanceOf(ManifestError);
    expect(o.cause).toBe(inner);
    expect([o.code, o.offset, o.detail]).toEqual(["truncated", 100, inner.detail]);
    expect(o.message).toBe(`${inner.detail} (at byte 100)`);
    const shifted = ChainDecodeError.at(inner, 100);
    expect([shifted.code, shifted.offset, shifted.detail]).toEqual([
      inner.code,
      inner.offset + 100,
      inner.detail,
    ]);
    expect(TreeDecodeError.at(inner, 7).offset).toBe(inner.offset + 7);
    // A code the outer package does not define becomes `malformed`, naming the inner code.
    const foreign = TreeDecodeError.at(
      caught(() => decodeSFrameHeader(new Uint8Array([0x0f, 0x00]))) as FramesDecodeError,
      4,
    );
    expect(foreign.code).toMatch(/^(truncated|malformed)$/);
  });
});
