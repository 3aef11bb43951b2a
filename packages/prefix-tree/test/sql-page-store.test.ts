/**
 * `SqlPageStore` on a real SQLite database (node:sqlite, adapted to Durable Object SQLite's
 * `exec(...).toArray()` shape): a tree built through it has the same roots and proofs as one on
 * the in-memory store, it reloads from the rows alone, and a rolled-back transaction leaves the
 * reloaded tree at the last committed root.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import {
  MemoryPageStore,
  PAGES_TABLE_SQL,
  PrefixTree,
  type SqlExec,
  SqlPageStore,
  verifyInclusion,
} from "../src/index.ts";
import { randomBytes } from "./helpers.ts";

let seed = 1;

function sqlite(): { db: DatabaseSync; sql: SqlExec } {
  const db = new DatabaseSync(":memory:");
  const sql: SqlExec = {
    exec: (query, ...bindings) => {
      const stmt = db.prepare(query);
      const rows = stmt.all(...(bindings as Parameters<typeof stmt.all>));
      return { toArray: () => rows };
    },
  };
  sql.exec(PAGES_TABLE_SQL);
  return { db, sql };
}

const pairs = (n: number): [Uint8Array, Uint8Array][] =>
  Array.from({ length: n }, () => [randomBytes(32, seed++), randomBytes(32, seed++)]);

describe("SqlPageStore", () => {
  it("stores rows so that a tree reloaded from SQLite alone has the same root and proofs", () => {
    const { sql } = sqlite();
    const store = new SqlPageStore(sql);
    const memory = new PrefixTree({ store: new MemoryPageStore() });
    const tree = new PrefixTree({ store });
    const all: [Uint8Array, Uint8Array][] = [];
    for (let round = 0; round < 4; round++) {
      const batch = pairs(300);
      all.push(...batch);
      tree.setMany(
        batch.map((p) => p[0]),
        batch.map((p) => p[1]),
      );
      memory.setMany(
        batch.map((p) => p[0]),
        batch.map((p) => p[1]),
      );
      expect(tree.root()).toEqual(memory.root());
    }
    expect(store.rowsWritten).toBeGreaterThan(0);
    expect(store.bytesWritten).toBeGreaterThan(store.rowsWritten);
    const reloaded = new PrefixTree({ store: new SqlPageStore(sql) });
    expect(reloaded.root()).toEqual(memory.root());
    for (const [k, v] of all.slice(0, 50)) {
      const proof = reloaded.proveInclusion(k);
      expect(proof).toBeDefined();
      expect(verifyInclusion(reloaded.root(), k, v, proof!)).toBe(true);
    }
  });

  it("a transaction rolled back after putPages leaves the stored tree at its last committed root", () => {
    const { db, sql } = sqlite();
    const tree = new PrefixTree({ store: new SqlPageStore(sql) });
    const first = pairs(200);
    tree.setMany(
      first.map((p) => p[0]),
      first.map((p) => p[1]),
    );
    const committed = tree.root();
    db.exec("BEGIN");
    const more = pairs(50);
    tree.setMany(
      more.map((p) => p[0]),
      more.map((p) => p[1]),
    );
    expect(tree.root()).not.toEqual(committed);
    db.exec("ROLLBACK");
    expect(new PrefixTree({ store: new SqlPageStore(sql) }).root()).toEqual(committed);
  });

  it("answers undefined for a page id it does not hold", () => {
    expect(new SqlPageStore(sqlite().sql).getPage("3fa")).toBeUndefined();
  });
});
