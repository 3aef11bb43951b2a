/**
 * `applyBatch`: replays a `TreeEventBatch` into a `PrefixTree` (algorithm in replay.ts). The whole
 * batch is validated against the current heads first; only then are the leaves (one `setMany`,
 * hence one `putPages`) and the heads written, so a rejected batch leaves the tree unchanged.
 */
import type { ChainNode } from "@sealroom/hash-chain";
import type { PrefixTree } from "./prefix-tree.ts";
import { replayBatch } from "./replay.ts";
import { decodeTreeEventBatch, type TreeEventBatch } from "./tree-event.ts";

/**
 * Applies `batch` (decoded, or its encoding) and returns the new root. Throws `DecodeError` for
 * malformed bytes and `BatchError` for a batch that cannot be replayed, changing nothing.
 */
export function applyBatch(tree: PrefixTree, batch: TreeEventBatch | Uint8Array): Uint8Array {
  const b = batch instanceof Uint8Array ? decodeTreeEventBatch(batch) : batch;
  const r = replayBatch(b, (k) => tree.heads.getHead(k), tree.hash);
  tree.setMany(r.keys, r.values);
  tree.heads.putHeads(r.keys.map((k, i) => [k, r.heads[i] as ChainNode] as const));
  return tree.root();
}
