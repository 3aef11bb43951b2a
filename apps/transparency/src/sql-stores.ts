/**
 * @sealroom/prefix-tree's storage interfaces over Durable Object SQLite. Both are deliberately
 * generic: pages are opaque (id, bytes) rows, whatever the package's page layout; heads are keyed
 * by the 32-byte tree key. Neither opens a transaction: the caller (the Durable Object's seal)
 * wraps the whole tree update in one `transactionSync`, so pages, heads and the batch row commit
 * together or not at all.
 */
import type { ChainNode } from "@sealroom/hash-chain";
import { decodeChainNode, encodeChainNode } from "@sealroom/hash-chain";
import type { ChainHeadStore, PageStore, PageWrite } from "@sealroom/prefix-tree";

export const PAGES_TABLE_SQL = "CREATE TABLE IF NOT EXISTS pages (id TEXT PRIMARY KEY, bytes BLOB NOT NULL)";

export class SqlPageStore implements PageStore {
  /** Counters for the benchmark (rows and bytes handed to SQLite). */
  rowsWritten = 0;
  bytesWritten = 0;
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  getPage(id: string): Uint8Array | undefined {
    const row = this.sql
      .exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM pages WHERE id = ?", id)
      .toArray()[0];
    return row ? new Uint8Array(row.bytes) : undefined;
  }

  putPages(writes: readonly PageWrite[]): void {
    for (const w of writes) {
      this.sql.exec("INSERT OR REPLACE INTO pages (id, bytes) VALUES (?, ?)", w.id, w.bytes);
      this.rowsWritten++;
      this.bytesWritten += w.bytes.length;
    }
  }
}

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
