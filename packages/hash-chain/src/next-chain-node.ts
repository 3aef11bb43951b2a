/**
 * The append rule on a single head (waict-apis.md "Append to resource chain" and "Enrollment via
 * HTTPS"; docs/wire-formats.md "Tree events and batches"): what the transparency service and a batch replayer need
 * when they store only a site's head node, not its history.
 *
 *   no head:  { position 0, time, resource_hash, H("waict-ah" || hosts) }, chain_hash = 0^32
 *             (hosts are required: "unchanged" has nothing to keep)
 *   head h:   { h.position + 1, time >= h.time, resource_hash, new hosts hash or h's },
 *             chain_hash = H("waict-ch" || h)
 *
 * The same rules as `SiteChain.append`, with the same typed errors.
 */
import { assetHostsHash } from "./asset-hosts.ts";
import { assertBytes, U64_MAX } from "./bytes.ts";
import { assertChainNode, type ChainNode, nextChainHashOf } from "./chain-node.ts";
import { assertEntry, type Entry } from "./entry.ts";
import { HashChainError, HashChainErrorCode } from "./errors.ts";
import { HASH_SIZE, type Sha256, sha256 } from "./hash.ts";
import type { AppendInput } from "./site-chain.ts";

/** The node that follows `head` (or the first node when `head` is undefined) for `input`. */
export function nextChainNode(
  head: ChainNode | undefined,
  input: AppendInput,
  hash: Sha256 = sha256,
): ChainNode {
  if (typeof input !== "object" || input === null) throw new TypeError('"input" must be an AppendInput');
  if (head !== undefined) assertChainNode(head, "head");
  if (input.assetHosts !== undefined && input.assetHostsHash !== undefined) {
    throw new HashChainError(
      HashChainErrorCode.AmbiguousAssetHosts,
      "give assetHosts or assetHostsHash, not both",
    );
  }
  let hostsHash: Uint8Array;
  if (input.assetHosts !== undefined) hostsHash = assetHostsHash(input.assetHosts, hash);
  else if (input.assetHostsHash !== undefined) {
    assertBytes(input.assetHostsHash, "input.assetHostsHash", HASH_SIZE);
    hostsHash = input.assetHostsHash.slice();
  } else if (head !== undefined) hostsHash = head.entry.assetHostsHash.slice();
  else
    throw new HashChainError(
      HashChainErrorCode.MissingAssetHosts,
      "the first entry must name its asset hosts",
    );

  if (head !== undefined && head.entry.positionInChain === U64_MAX) {
    throw new HashChainError(HashChainErrorCode.OutOfRange, "chain is full");
  }
  const entry: Entry = {
    positionInChain: head === undefined ? 0n : head.entry.positionInChain + 1n,
    timeCreated: input.timeCreated,
    resourceHash: input.resourceHash instanceof Uint8Array ? input.resourceHash.slice() : input.resourceHash,
    assetHostsHash: hostsHash,
  };
  assertEntry(entry, "input");
  if (head !== undefined && entry.timeCreated < head.entry.timeCreated) {
    throw new HashChainError(
      HashChainErrorCode.TimeWentBackwards,
      `time ${entry.timeCreated} is before the previous entry's ${head.entry.timeCreated}`,
    );
  }
  const chainHash =
    head === undefined ? new Uint8Array(HASH_SIZE) : nextChainHashOf(head.entry, head.chainHash, hash);
  return { entry, chainHash };
}
