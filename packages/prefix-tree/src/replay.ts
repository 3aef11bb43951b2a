/**
 * Replaying a `TreeEventBatch` (waict-apis.md leaves the algorithm TODO: "you MUST reject an event
 * for a previously undefined domain that uses NewAssetHostTag::unchanged"). Sealroom's algorithm
 * (docs/wire-formats.md "Tree events and batches"), events strictly in order:
 *
 * - the domain must be a normalised A-label name (domain-key.ts), else reject;
 * - unknown domain: hosts must be `changed`; head = {pos 0, time, resource_hash,
 *   H("waict-ah" || hosts)} with a zero chain hash;
 * - known domain: time must not go backwards; head = {pos + 1, time, resource_hash,
 *   changed ? new hosts hash : old hosts hash} with chain hash H("waict-ch" || old head);
 * - either way the tree value becomes H("waict-ch" || new head). A tombstone (all-zero resource
 *   hash) is an ordinary head: its key stays and re-enrolment continues its chain.
 *
 * `replayBatch` reads old heads through a callback and changes nothing, so `applyBatch` (full
 * tree) and `verifyBatch` (compact proof) share it and reject exactly the same batches.
 */

import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import { assetHostsHash, type ChainNode, nextChainHash, U64_MAX, ZERO_HASH } from "@sealroom/hash-chain";
import { isNormalizedDomain, keyForNormalizedDomain } from "./domain-key.ts";
import { BatchError, PrefixTreeErrorCode } from "./errors.ts";
import type { Sha256 } from "./hash.ts";
import { BATCH_MAX_EVENTS, type TreeEventBatch } from "./tree-event.ts";

export interface ReplayResult {
  /** Distinct keys touched, in order of first event. */
  keys: Uint8Array[];
  /** Final head per key (same order). */
  heads: ChainNode[];
  /** Final tree value per key: H("waict-ch" || head). */
  values: Uint8Array[];
  /** Whether each key was in the tree before the batch. */
  existed: boolean[];
}

/** Checks the batch's shape (count bounds) for batches built in memory. */
export function assertBatchShape(batch: TreeEventBatch): void {
  if (typeof batch !== "object" || batch === null || !Array.isArray(batch.events)) {
    throw new TypeError('"batch" must be a TreeEventBatch');
  }
  const n = batch.events.length;
  if (n < 1 || n > BATCH_MAX_EVENTS) {
    throw new BatchError(
      PrefixTreeErrorCode.CountMismatch,
      -1,
      `a batch holds 1..${BATCH_MAX_EVENTS} events, got ${n}`,
    );
  }
}

/**
 * Replays `batch` over the heads `getHead` returns (changing nothing). `knownDigest` may return
 * H("waict-ch" || head) for a head the caller already hashed, to save recomputing it.
 */
export function replayBatch(
  batch: TreeEventBatch,
  getHead: (key: Uint8Array) => ChainNode | undefined,
  hash: Sha256,
  knownDigest?: (head: ChainNode) => Uint8Array | undefined,
): ReplayResult {
  assertBatchShape(batch);
  const slot = new Map<string, number>();
  const out: ReplayResult = { keys: [], heads: [], values: [], existed: [] };
  batch.events.forEach((ev, i) => {
    if (typeof ev.domain !== "string" || !isNormalizedDomain(ev.domain)) {
      throw new BatchError(
        PrefixTreeErrorCode.BadDomain,
        i,
        `malformed domain ${JSON.stringify(String(ev.domain).slice(0, 300))}`,
      );
    }
    if (!(ev.newResourceHash instanceof Uint8Array) || ev.newResourceHash.length !== 32) {
      throw new BatchError(PrefixTreeErrorCode.Malformed, i, "new_resource_hash must be 32 bytes");
    }
    if (typeof ev.timestamp !== "bigint" || ev.timestamp < 0n || ev.timestamp > U64_MAX) {
      throw new BatchError(PrefixTreeErrorCode.Malformed, i, "timestamp must be a u64");
    }
    const key = keyForNormalizedDomain(ev.domain, hash);
    const hex = toHex(key);
    const at = slot.get(hex);
    const old = at !== undefined ? out.heads[at] : getHead(key);
    let hostsHash: Uint8Array | undefined;
    if (ev.assetHosts !== null) {
      try {
        hostsHash = assetHostsHash(ev.assetHosts, hash);
      } catch (e) {
        throw new BatchError(PrefixTreeErrorCode.Malformed, i, `asset hosts: ${(e as Error).message}`);
      }
    }
    let head: ChainNode;
    if (old === undefined) {
      if (hostsHash === undefined) {
        throw new BatchError(
          PrefixTreeErrorCode.UnknownDomain,
          i,
          `unknown domain ${ev.domain} with unchanged asset hosts`,
        );
      }
      head = {
        entry: {
          positionInChain: 0n,
          timeCreated: ev.timestamp,
          resourceHash: ev.newResourceHash.slice(),
          assetHostsHash: hostsHash,
        },
        chainHash: ZERO_HASH.slice(),
      };
    } else {
      if (ev.timestamp < old.entry.timeCreated) {
        throw new BatchError(
          PrefixTreeErrorCode.TimeBackwards,
          i,
          `timestamp ${ev.timestamp} before ${old.entry.timeCreated} for ${ev.domain}`,
        );
      }
      if (old.entry.positionInChain >= U64_MAX)
        throw new BatchError(PrefixTreeErrorCode.Malformed, i, "chain position overflows u64");
      head = {
        entry: {
          positionInChain: old.entry.positionInChain + 1n,
          timeCreated: ev.timestamp,
          resourceHash: ev.newResourceHash.slice(),
          assetHostsHash: hostsHash ?? old.entry.assetHostsHash,
        },
        chainHash: knownDigest?.(old) ?? nextChainHash(old, hash),
      };
    }
    if (at !== undefined) out.heads[at] = head;
    else {
      slot.set(hex, out.keys.length);
      out.keys.push(key);
      out.heads.push(head);
      out.existed.push(old !== undefined);
    }
  });
  out.values = out.heads.map((h) => nextChainHash(h, hash));
  return out;
}
