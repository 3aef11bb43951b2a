/**
 * Durable Object SQLite behind @sealroom/prefix-tree's storage interfaces, for a replay-mode
 * witness's full tree copy. Only the interfaces are relied on (`getPage` by id, one `putPages`
 * per update; `getHead`/`putHeads`): the page layout is the package's. The caller wraps each
 * update in `transactionSync`, so pages, heads and the checkpoint commit together.
 */
import { type ChainNode, decodeChainNode, encodeChainNode } from "@sealroom/hash-chain";
import type { ChainHeadStore, PageStore, PageWrite } from "@sealroom/prefix-tree";

export const STORE_TABLES = [
  "CREATE TABLE IF NOT EXISTS pages (id TEXT PRIMARY KEY, bytes BLOB NOT NULL)",
  "CREATE TABLE IF NOT EXISTS heads (key BLOB PRIMARY KEY, node BLOB NOT NULL)",
] as const;

export class SqlPageStore implements PageStore {
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
    for (const w of writes)
      this.sql.exec("INSERT OR REPLACE INTO pages (id, bytes) VALUES (?, ?)", w.id, w.bytes);
  }
}

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
