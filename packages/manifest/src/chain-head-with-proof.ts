/**
 * `ChainHeadWithProof` (waict-proofs.md "Inclusion Proofs"):
 *
 *     struct {
 *       ChainNode head;                           // 112 bytes
 *       uint8 inc_proof<1..2^14-1>;              // u16 length, then an MPT inclusion proof
 *       uint8 signed_prefix_root<1..2^24-1>;     // u24 length, then a signed note
 *     } ChainHeadWithProof;
 *
 * TLS presentation language (RFC 8446 §3.4): a vector's length prefix is the fewest bytes that hold
 * its maximum, so 2 bytes for inc_proof and 3 for signed_prefix_root. Decoding is strict: truncated,
 * trailing, empty or over-long vectors are rejected with `ProofDecodeError`.
 */

import { type ChainNode, decodeChainNode, encodeChainNode, isDecodeFailure } from "@sealroom/hash-chain";
import { ProofDecodeError } from "./errors.ts";

export interface ChainHeadWithProof {
  head: ChainNode;
  incProof: Uint8Array;
  signedPrefixRoot: Uint8Array;
}

export const CHAIN_NODE_BYTES = 112;
export const MAX_INC_PROOF = 2 ** 14 - 1;
export const MAX_SIGNED_PREFIX_ROOT = 2 ** 24 - 1;

export function encodeChainHeadWithProof(p: ChainHeadWithProof): Uint8Array {
  const head = encodeChainNode(p.head);
  const ip = p.incProof;
  const sr = p.signedPrefixRoot;
  if (!(ip instanceof Uint8Array) || ip.length < 1 || ip.length > MAX_INC_PROOF)
    throw new RangeError('"incProof" must be 1..16383 bytes');
  if (!(sr instanceof Uint8Array) || sr.length < 1 || sr.length > MAX_SIGNED_PREFIX_ROOT)
    throw new RangeError('"signedPrefixRoot" must be 1..2^24-1 bytes');
  const out = new Uint8Array(head.length + 2 + ip.length + 3 + sr.length);
  out.set(head, 0);
  let o = head.length;
  out[o++] = ip.length >> 8;
  out[o++] = ip.length & 0xff;
  out.set(ip, o);
  o += ip.length;
  out[o++] = sr.length >> 16;
  out[o++] = (sr.length >> 8) & 0xff;
  out[o++] = sr.length & 0xff;
  out.set(sr, o);
  return out;
}

export function decodeChainHeadWithProof(b: Uint8Array): ChainHeadWithProof {
  if (!(b instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  if (b.length < CHAIN_NODE_BYTES) throw new ProofDecodeError("truncated", "ChainNode truncated", b.length);
  let head: ChainNode;
  try {
    head = decodeChainNode(b.subarray(0, CHAIN_NODE_BYTES));
  } catch (e) {
    if (isDecodeFailure(e)) throw ProofDecodeError.at(e, 0);
    throw e;
  }
  let o = CHAIN_NODE_BYTES;
  if (b.length < o + 2) throw new ProofDecodeError("truncated", "inc_proof length truncated", b.length);
  const ipLen = (b[o]! << 8) | b[o + 1]!;
  if (ipLen < 1 || ipLen > MAX_INC_PROOF)
    throw new ProofDecodeError("bad_length", `inc_proof length ${ipLen} outside 1..16383`, o);
  o += 2;
  if (b.length < o + ipLen) throw new ProofDecodeError("truncated", "inc_proof truncated", b.length);
  const incProof = b.slice(o, o + ipLen);
  o += ipLen;
  if (b.length < o + 3)
    throw new ProofDecodeError("truncated", "signed_prefix_root length truncated", b.length);
  const srLen = (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  if (srLen < 1) throw new ProofDecodeError("bad_length", "empty signed_prefix_root", o);
  o += 3;
  if (b.length < o + srLen) throw new ProofDecodeError("truncated", "signed_prefix_root truncated", b.length);
  const signedPrefixRoot = b.slice(o, o + srLen);
  o += srLen;
  if (o !== b.length) throw new ProofDecodeError("trailing", "bytes after ChainHeadWithProof", o);
  return { head, incProof, signedPrefixRoot };
}
