/**
 * A `PageStore` over a synchronous SQL database with Durable Object SQLite's call shape
 * (`exec(query, ...bindings).toArray()`), as both Sealroom Workers keep their trees: the
 * transparency service's and a replay-mode witness's. Rows are opaque `(id, bytes)` pairs, whatever
 * the page-row layout (README "Page rows"), in one table `pages`.
 *
 * It opens no transaction: the caller wraps each tree update (one `putPages`) together with the
 * rest of its state change in one transaction (`ctx.storage.transactionSync` in a Durable Object),
 * which is what makes `putPages` all-or-nothing as `PageStore` requires.
 */
import type { PageStore, PageWrite } from "./page-store.ts";

/** The part of a synchronous SQL binding the store uses (Durable Object `ctx.storage.sql` has it). */
export interface SqlExec {
  exec(query: string, ...bindings: unknown[]): { toArray(): unknown[] };
}

/** Creates the `pages` table if it is not there (idempotent; part of a caller's migration). */
export const PAGES_TABLE_SQL = "CREATE TABLE IF NOT EXISTS pages (id TEXT PRIMARY KEY, bytes BLOB NOT NULL)";

export class SqlPageStore implements PageStore {
  /** Rows and bytes handed to SQL so far (for benchmarks: write cost per update). */
  rowsWritten = 0;
  bytesWritten = 0;
  private readonly sql: SqlExec;

  constructor(sql: SqlExec) {
    this.sql = sql;
  }

  getPage(id: string): Uint8Array | undefined {
    const row = this.sql.exec("SELECT bytes FROM pages WHERE id = ?", id).toArray()[0] as
      | { bytes: ArrayBuffer | Uint8Array }
      | undefined;
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
