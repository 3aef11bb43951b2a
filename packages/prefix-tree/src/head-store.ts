/**
 * Where a `PrefixTree` keeps each site's chain head. The tree value is only H("waict-ch" || head)
 * (docs/wire-formats.md "Prefix tree"), but replaying a `TreeEventBatch` needs the old head itself (its
 * position, time, asset hosts hash and encoding), so the tree keeps heads beside the leaves. They
 * live in their own store rather than in pages so the hot tree path stays at ~140 bytes per leaf;
 * the service keeps them in a `heads (key BLOB PRIMARY KEY, node BLOB)` table written in the same
 * transaction as the pages.
 */

import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import type { ChainNode } from "@sealroom/hash-chain";

export interface ChainHeadStore {
  /** The current head for tree key `key` (32 bytes), or undefined. */
  getHead(key: Uint8Array): ChainNode | undefined;
  /** Stores the heads of one update. */
  putHeads(heads: ReadonlyArray<readonly [key: Uint8Array, head: ChainNode]>): void;
}

/** In-memory `ChainHeadStore`. */
export class MemoryChainHeadStore implements ChainHeadStore {
  private readonly map = new Map<string, ChainNode>();

  getHead(key: Uint8Array): ChainNode | undefined {
    return this.map.get(toHex(key));
  }

  putHeads(heads: ReadonlyArray<readonly [Uint8Array, ChainNode]>): void {
    for (const [k, h] of heads) this.map.set(toHex(k), h);
  }

  get size(): number {
    return this.map.size;
  }
}
