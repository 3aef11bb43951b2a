/**
 * `verifyPreloadList`: the client check of a `PreloadListResponse` (Sealroom extension;
 * docs/preload-list.md "Client check"). The WAICT blog post ("Signaling transparency") asks that
 * the preload list "should also be published transparently"; here that means:
 *
 *  1. strict decoding of the response and the list                               -> invalid_preload_list
 *  2. the list is of the kind the caller asked for                                -> invalid_preload_list
 *  3. the cosigned root: trusted service, fresh witness quorum (`verifyCosignedRoot`, the check of
 *     every manifest proof)                                                       -> invalid_transparency_proof
 *  4. the head is in that tree under H("waict-kh" || preloadChainDomain(service, kind)): the
 *     chain domain comes from the trusted service name, never from the response   -> invalid_preload_list
 *  5. head.resource_hash = H("waict-rh" || list), version = head position, the list's tree size
 *     below the signed one (it was derived before being logged)                    -> invalid_preload_list
 *  6. not expired                                                                  -> invalid_preload_list
 *  7. against the previous list the client holds: same service and kind, version not lower, and
 *     the chain consistency proof replays the previous head to the new one         -> invalid_preload_list
 */

import type { ChainNode } from "@sealroom/hash-chain";
import { checkpointOf, isTombstone, verifyChainConsistency } from "@sealroom/hash-chain";
import { keyForDomain, treeValueForHead, verifyInclusion } from "@sealroom/prefix-tree";
import { parseSignedPrefixRoot } from "@sealroom/prefix-tree/note";
import { verifyCosignedRoot, type WitnessKeyInput } from "./cosigned-root.ts";
import type { Ed25519Backend } from "./ed25519.ts";
import { type Failure, FailureReason, failure, ManifestError } from "./errors.ts";
import {
  type PreloadList,
  type PreloadListKind,
  preloadChainDomain,
  preloadListHash,
} from "./preload-list.ts";
import { decodePreloadListResponse, type PreloadListResponse } from "./preload-list-response.ts";
import { timeWindow } from "./time-window.ts";

export interface VerifyPreloadListOptions {
  /** The list the caller wants (`PreloadListKind.transparency` or `.devIds`). */
  kind: PreloadListKind;
  trustedServices: readonly string[];
  witnessKeys: readonly WitnessKeyInput[];
  quorum: number;
  /** Oldest acceptable cosignature, in seconds (default 7 days; `Infinity`: no limit). */
  maxAge?: number;
  /** Current Unix time in seconds, a safe integer (default: the system clock). */
  now?: number;
  /** Tolerated cosignature time in the future, in seconds (default 300). */
  maxFutureSkew?: number;
  ed25519?: Ed25519Backend;
  /** The response bytes of the list the client holds (an earlier `response` of this function). */
  previous?: Uint8Array;
}

export interface VerifiedPreloadList {
  ok: true;
  list: PreloadList;
  listBytes: Uint8Array;
  /** The exact response: store it, and pass it back as `previous` next time. */
  response: Uint8Array;
  /** The preload chain's head that logs this list. */
  head: ChainNode;
  service: string;
  treeSize: bigint;
  root: Uint8Array;
  /** Trusted witnesses whose fresh cosignature verified (one per key). */
  cosigners: { name: string; time: number }[];
}

export type PreloadListResult = VerifiedPreloadList | Failure;

const fail = (detail: string, message: string): Failure =>
  failure(FailureReason.invalidPreloadList, detail, message);

export async function verifyPreloadList(
  response: Uint8Array,
  options: VerifyPreloadListOptions,
): Promise<PreloadListResult> {
  if (!Number.isInteger(options.quorum) || options.quorum < 1)
    throw new RangeError('"quorum" must be an integer >= 1');
  const { now, maxAge, maxFutureSkew } = timeWindow(options);

  // 1. Structure.
  let r: PreloadListResponse;
  try {
    r = decodePreloadListResponse(response);
  } catch (e) {
    if (e instanceof ManifestError) return failure(e.reason, e.code, e.message);
    throw e;
  }
  const { list, headProof } = r;
  // 2. Kind.
  if (list.kind !== options.kind)
    return fail("wrong_kind", `expected a kind ${options.kind} list, got kind ${list.kind}`);

  // 3. Cosigned root.
  const v = await verifyCosignedRoot(headProof.signedPrefixRoot, {
    trustedServices: options.trustedServices,
    witnessKeys: options.witnessKeys,
    quorum: options.quorum,
    now,
    maxAge,
    maxFutureSkew,
    ...(options.ed25519 ? { ed25519: options.ed25519 } : {}),
  });
  if (!v.ok) return v;
  const note = v.note;

  // 4. Inclusion under the chain domain the client derives from the trusted service name.
  let chainDomain: string;
  try {
    chainDomain = preloadChainDomain(note.service, list.kind);
  } catch (e) {
    return fail("bad_domain", `no preload chain domain for ${note.service}: ${(e as Error).message}`);
  }
  const head = headProof.head;
  if (!verifyInclusion(note.root, keyForDomain(chainDomain), treeValueForHead(head), headProof.incProof))
    return fail("inclusion_failed", `the list's chain head is not in the tree under ${chainDomain}`);

  // 5. The head logs exactly this list, at its version, after the tree it was derived from.
  if (isTombstone(head.entry) || !equal(head.entry.resourceHash, preloadListHash(r.listBytes)))
    return fail("hash_mismatch", "the preload chain's head does not log this list");
  if (head.entry.positionInChain !== list.version)
    return fail(
      "version_mismatch",
      `list version ${list.version} is logged at position ${head.entry.positionInChain}`,
    );
  if (list.treeSize >= note.treeSize)
    return fail("bad_tree_size", `list derived from tree ${list.treeSize}, logged in tree ${note.treeSize}`);

  // 6. Expiry: "the site must provide one of these proofs until the last preload list it appears
  // in has expired" (WAICT blog post); an expired list no longer applies.
  if (BigInt(now) >= list.expires) return fail("expired", `the list expired at ${list.expires}`);

  // 7. History: the new list extends the one the client holds.
  if (options.previous !== undefined) {
    let prev: PreloadListResponse;
    try {
      prev = decodePreloadListResponse(options.previous);
    } catch (e) {
      throw new TypeError(`"previous" is not a preload list response: ${(e as Error).message}`);
    }
    const prevService = parseSignedPrefixRoot(prev.headProof.signedPrefixRoot).checkpoint.tdomain;
    if (prevService !== note.service || prev.list.kind !== list.kind)
      return fail("previous_mismatch", `the previous list is from ${prevService}, kind ${prev.list.kind}`);
    if (list.version < prev.list.version)
      return fail(
        "rollback",
        `list version ${list.version} is older than the held version ${prev.list.version}`,
      );
    const older = checkpointOf(prev.headProof.head);
    if (r.consistency.oldSize !== older.size)
      return fail(
        "consistency_from",
        `the consistency proof starts at chain size ${r.consistency.oldSize}, the held list is at ${older.size}`,
      );
    if (!verifyChainConsistency(older, checkpointOf(head), r.consistency))
      return fail("inconsistent", "the new list does not extend the history of the held list");
  }

  return {
    ok: true,
    list,
    listBytes: r.listBytes,
    response: response.slice(),
    head,
    service: note.service,
    treeSize: note.treeSize,
    root: note.root,
    cosigners: v.cosigners,
  };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
