/**
 * The tree's chain heads over Durable Object SQLite (pages use @sealroom/prefix-tree's own
 * `SqlPageStore`: opaque (id, bytes) rows). Heads are keyed by the 32-byte tree key. It does not
 * open a transaction: the caller (the Durable Object's seal)
 * wraps the whole tree update in one `transactionSync`, so pages, heads and the batch row commit
 * together or not at all.
 */
import type { ChainNode } from "@sealroom/hash-chain";
import { decodeChainNode, encodeChainNode } from "@sealroom/hash-chain";
import type { ChainHeadStore } from "@sealroom/prefix-tree";

/** The tree's (sealed) chain heads, in the `domains` table's `sealed_head` column. */
export class SqlHeadStore implements ChainHeadStore {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  getHead(key: Uint8Array): ChainNode | undefined {
    const row = this.sql
      .exec<{ sealed_head: ArrayBuffer | null }>("SELECT sealed_head FROM domains WHERE tree_key = ?", key)
      .toArray()[0];
    return row?.sealed_head ? decodeChainNode(new Uint8Array(row.sealed_head)) : undefined;
  }

  putHeads(heads: ReadonlyArray<readonly [key: Uint8Array, head: ChainNode]>): void {
    for (const [k, h] of heads) {
      const c = this.sql.exec(
        "UPDATE domains SET sealed_head = ?, sealed_size = ? WHERE tree_key = ?",
        encodeChainNode(h),
        Number(h.entry.positionInChain + 1n),
        k,
      );
      // Every replayed domain was created when its event was staged; a missing row means stored
      // state is inconsistent, and the seal's transaction must roll back.
      if (c.rowsWritten !== 1) throw new Error("head for a domain with no row");
    }
  }
}
