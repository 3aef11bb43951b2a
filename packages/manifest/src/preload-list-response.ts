/**
 * `PreloadListResponse`: what a transparency service serves at `/preload-list` (Sealroom extension;
 * docs/preload-list.md "What the service serves"). A list version plus the proof that it is
 * published: the head of the service's preload chain with its MPT inclusion proof and cosigned
 * root (`ChainHeadWithProof`, waict-proofs.md "Inclusion Proofs"), and the chain's consistency proof
 * from the size the client already holds (WAICT blog post "Hash Chain"; @sealroom/hash-chain's encoding):
 *
 *     struct {
 *       uint8 list<1..2^32-1>;          // PreloadList, at most MAX_PRELOAD_LIST_BYTES
 *       uint8 head_proof<1..2^32-1>;    // ChainHeadWithProof
 *       uint8 consistency<1..2^32-1>;   // ChainConsistencyProof
 *     } PreloadListResponse;
 *
 * Decoding is strict: each part is decoded by its own strict decoder, and nothing may follow.
 */

import {
  type ChainConsistencyProof,
  decodeChainConsistencyProof,
  encodeChainConsistencyProof,
} from "@sealroom/hash-chain";
import {
  type ChainHeadWithProof,
  decodeChainHeadWithProof,
  encodeChainHeadWithProof,
} from "./chain-head-with-proof.ts";
import { ManifestError, PreloadListDecodeError } from "./errors.ts";
import { decodePreloadList, MAX_PRELOAD_LIST_BYTES, type PreloadList } from "./preload-list.ts";

/** Upper bound of a whole response: list + a maximal ChainHeadWithProof + 16 MiB of consistency proof. */
export const MAX_PRELOAD_LIST_RESPONSE_BYTES = MAX_PRELOAD_LIST_BYTES + 2 ** 25;

export interface PreloadListResponse {
  /** The exact list bytes (their hash is the logged resource hash). */
  listBytes: Uint8Array;
  list: PreloadList;
  headProof: ChainHeadWithProof;
  consistency: ChainConsistencyProof;
}

export function encodePreloadListResponse(r: {
  listBytes: Uint8Array;
  headProof: ChainHeadWithProof;
  consistency: ChainConsistencyProof;
}): Uint8Array {
  if (!(r.listBytes instanceof Uint8Array) || r.listBytes.length < 1)
    throw new TypeError('"listBytes" must be a non-empty Uint8Array');
  const parts = [
    r.listBytes,
    encodeChainHeadWithProof(r.headProof),
    encodeChainConsistencyProof(r.consistency),
  ];
  const total = parts.reduce((n, p) => n + 4 + p.length, 0);
  if (total > MAX_PRELOAD_LIST_RESPONSE_BYTES) throw new RangeError("preload list response too large");
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const p of parts) {
    dv.setUint32(o, p.length);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

/** Decodes a response; throws `PreloadListDecodeError` (reason `invalid_preload_list`). */
export function decodePreloadListResponse(b: Uint8Array): PreloadListResponse {
  if (!(b instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  if (b.length > MAX_PRELOAD_LIST_RESPONSE_BYTES)
    throw new PreloadListDecodeError(
      "too_large",
      "preload list response too large",
      MAX_PRELOAD_LIST_RESPONSE_BYTES,
    );
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const parts: Uint8Array[] = [];
  let o = 0;
  for (const name of ["list", "head_proof", "consistency"]) {
    if (o + 4 > b.length) throw new PreloadListDecodeError("truncated", `${name} length truncated`, b.length);
    const len = dv.getUint32(o);
    if (len < 1) throw new PreloadListDecodeError("bad_length", `empty ${name}`, o);
    if (o + 4 + len > b.length) throw new PreloadListDecodeError("truncated", `${name} truncated`, b.length);
    parts.push(b.subarray(o + 4, o + 4 + len));
    o += 4 + len;
  }
  if (o !== b.length)
    throw new PreloadListDecodeError("trailing", "bytes after the preload list response", o);
  const [listBytes, head, cons] = parts as [Uint8Array, Uint8Array, Uint8Array];
  const list = decodePreloadList(listBytes);
  let headProof: ChainHeadWithProof;
  try {
    headProof = decodeChainHeadWithProof(head);
  } catch (e) {
    if (e instanceof ManifestError) throw new PreloadListDecodeError(`head_proof_${e.code}`, e.message);
    throw e;
  }
  let consistency: ChainConsistencyProof;
  try {
    consistency = decodeChainConsistencyProof(cons);
  } catch (e) {
    throw new PreloadListDecodeError("bad_consistency_proof", `consistency proof: ${(e as Error).message}`);
  }
  return { listBytes: listBytes.slice(), list, headProof, consistency };
}
