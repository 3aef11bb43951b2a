/**
 * The body of the transparency service's `GET /batch-proof/<N>` (a Sealroom extension, DESIGN.md
 * "Compact witness"): batch N and its compact proof against the tree after batches [0, N), in one
 * response so that a compact witness needs one request per batch.
 *
 *     BatchProofBundle = u24 batch_length || TreeEventBatch[batch_length] || BatchProof
 *
 * `batch_length` is 1..2^24-1 (a batch whose encoding is longer cannot be bundled: the draft's
 * `events<1..2^24-1>` allows 5 bytes more than a u24 counts); the proof runs to the end of the body
 * and must be non-empty. Only the framing is checked here: `decodeTreeEventBatch` and
 * `verifyBatch` judge the contents.
 */
import { assertBytes, readU24, writeU24 } from "@sealroom/hash-chain/bytes";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";

/** Largest batch encoding a bundle can carry (u24). */
export const BUNDLE_MAX_BATCH_BYTES = 2 ** 24 - 1;

export interface BatchProofBundle {
  /** `encodeTreeEventBatch` bytes of the batch. */
  batch: Uint8Array;
  /** `proveBatch` bytes against the tree before the batch. */
  proof: Uint8Array;
}

/** Frames an encoded batch and its proof. */
export function encodeBatchProofBundle(b: BatchProofBundle): Uint8Array {
  assertBytes(b.batch, "batch");
  assertBytes(b.proof, "proof");
  if (b.batch.length < 1 || b.batch.length > BUNDLE_MAX_BATCH_BYTES)
    throw new RangeError(`"batch" must be 1..${BUNDLE_MAX_BATCH_BYTES} bytes`);
  if (b.proof.length < 1) throw new RangeError('"proof" must not be empty');
  const out = new Uint8Array(3 + b.batch.length + b.proof.length);
  writeU24(out, 0, b.batch.length);
  out.set(b.batch, 3);
  out.set(b.proof, 3 + b.batch.length);
  return out;
}

/** Splits a bundle (subarrays of `bytes`); throws `DecodeError` on a bad frame. */
export function decodeBatchProofBundle(bytes: Uint8Array): BatchProofBundle {
  assertBytes(bytes, "bytes");
  if (bytes.length < 3) throw new DecodeError(PrefixTreeErrorCode.Truncated, bytes.length, "bundle header");
  const n = readU24(bytes, 0);
  if (n === 0) throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, "empty batch in bundle");
  if (3 + n >= bytes.length)
    throw new DecodeError(PrefixTreeErrorCode.Truncated, bytes.length, "bundle ends before its proof");
  return { batch: bytes.subarray(3, 3 + n), proof: bytes.subarray(3 + n) };
}
