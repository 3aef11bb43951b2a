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

/**
 * Most ids bound in one `getPages` query: Durable Object SQLite allows at most 100 bound
 * parameters per statement.
 */
export const MAX_IDS_PER_QUERY = 100;

const placeholderCache: string[] = [];
function placeholders(n: number): string {
  let p = placeholderCache[n];
  if (p === undefined) {
    p = new Array(n).fill("?").join(", ");
    placeholderCache[n] = p;
  }
  return p;
}

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

  /**
   * The rows of `ids` in one query per at most `MAX_IDS_PER_QUERY` ids (`WHERE id IN (?, ...)`):
   * a page load reads its 16 rows with one query instead of 16.
   */
  getPages(ids: readonly string[]): (Uint8Array | undefined)[] {
    const out: (Uint8Array | undefined)[] = new Array(ids.length).fill(undefined);
    for (let a = 0; a < ids.length; a += MAX_IDS_PER_QUERY) {
      const chunk = ids.slice(a, a + MAX_IDS_PER_QUERY);
      const rows = this.sql
        .exec(`SELECT id, bytes FROM pages WHERE id IN (${placeholders(chunk.length)})`, ...chunk)
        .toArray() as { id: string; bytes: ArrayBuffer | Uint8Array }[];
      const at = new Map<string, Uint8Array>();
      for (const row of rows) at.set(row.id, new Uint8Array(row.bytes));
      for (let i = 0; i < chunk.length; i++) out[a + i] = at.get(chunk[i] as string);
    }
    return out;
  }

  putPages(writes: readonly PageWrite[]): void {
    for (const w of writes) {
      this.sql.exec("INSERT OR REPLACE INTO pages (id, bytes) VALUES (?, ?)", w.id, w.bytes);
      this.rowsWritten++;
      this.bytesWritten += w.bytes.length;
    }
  }
}
