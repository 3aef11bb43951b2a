/**
 * Where a `PrefixTree` keeps its pages (see page.ts and README "Pages"). The draft says nothing
 * about storage; this interface is shaped for the transparency service, which keeps pages as
 * Durable Object SQLite rows (`CREATE TABLE pages (id TEXT PRIMARY KEY, bytes BLOB)`), billed per
 * row written:
 *
 * - reads are synchronous and by id, because DO SQLite (`ctx.storage.sql.exec`) is synchronous and
 *   a tree walk must never await per node;
 * - every tree update (`setMany`, `applyBatch`, `bulkBuild`) ends with exactly one `putPages` call
 *   carrying every row it changed, once, so an implementation can write them in one transaction
 *   (`ctx.storage.transactionSync`). A page is stored as up to 16 rows and an update rewrites only
 *   the rows it changed: ~1.9 rows and ~1.2 KB per update at batch 1k (see the bench).
 *
 * Ids are opaque to the store (README "Page rows": the hex of a page's key prefix plus one hex
 * digit for the row, "a", "3fa", ...); the interface keeps the name "page" for compatibility.
 */

export interface PageWrite {
  readonly id: string;
  /**
   * The row's bytes, valid only during the `putPages` call: the tree encodes rows into a buffer it
   * reuses for the next update, so a store that keeps them must copy (SQL bindings do).
   */
  readonly bytes: Uint8Array;
}

export interface PageStore {
  /** The stored bytes of page `id`, or undefined if there is none. */
  getPage(id: string): Uint8Array | undefined;
  /**
   * Optional: the stored bytes of each of `ids`, in order (undefined where there is none), in one
   * read. When present the tree uses it to load a page's (up to 16) rows at once instead of one
   * `getPage` per row (`SqlPageStore`: one `SELECT ... WHERE id IN (...)` per page).
   */
  getPages?(ids: readonly string[]): (Uint8Array | undefined)[];
  /** Writes all pages of one update, atomically if the backend can. */
  putPages(writes: readonly PageWrite[]): void;
}

/**
 * An in-memory `PageStore` that also counts what it is asked to write (rows and their bytes). It
 * copies each written row, into the row's existing array when the length is unchanged (an update
 * of existing leaves), so an array from `getPage` shows the row's current bytes, not a snapshot.
 */
export class MemoryPageStore implements PageStore {
  readonly pages = new Map<string, Uint8Array>();
  /** Number of `putPages` calls, of rows written and of their bytes so far. */
  batches = 0;
  pagesWritten = 0;
  bytesWritten = 0;

  getPage(id: string): Uint8Array | undefined {
    return this.pages.get(id);
  }

  putPages(writes: readonly PageWrite[]): void {
    this.batches++;
    for (const w of writes) {
      const old = this.pages.get(w.id);
      if (old && old.length === w.bytes.length) old.set(w.bytes);
      else this.pages.set(w.id, w.bytes.slice());
      this.pagesWritten++;
      this.bytesWritten += w.bytes.length;
    }
  }
}
