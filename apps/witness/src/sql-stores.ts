/**
 * Durable Object SQLite behind @sealroom/prefix-tree's storage interfaces, for a replay-mode
 * witness's full tree copy: pages in the package's own `SqlPageStore`, heads here. Only the interfaces are relied on (`getPage` by id, one `putPages`
 * per update; `getHead`/`putHeads`): the page layout is the package's. The caller wraps each
 * update in `transactionSync`, so pages, heads and the checkpoint commit together.
 */
import { type ChainNode, decodeChainNode, encodeChainNode } from "@sealroom/hash-chain";
import { type ChainHeadStore, PAGES_TABLE_SQL } from "@sealroom/prefix-tree";

export const STORE_TABLES = [
  PAGES_TABLE_SQL,
  "CREATE TABLE IF NOT EXISTS heads (key BLOB PRIMARY KEY, node BLOB NOT NULL)",
] as const;

export class SqlHeadStore implements ChainHeadStore {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  getHead(key: Uint8Array): ChainNode | undefined {
    const row = this.sql
      .exec<{ node: ArrayBuffer }>("SELECT node FROM heads WHERE key = ?", key)
      .toArray()[0];
    return row ? decodeChainNode(new Uint8Array(row.node)) : undefined;
  }

  putHeads(heads: ReadonlyArray<readonly [Uint8Array, ChainNode]>): void {
    for (const [k, h] of heads)
      this.sql.exec("INSERT OR REPLACE INTO heads (key, node) VALUES (?, ?)", k, encodeChainNode(h));
  }
}
