/**
 * `SqlPageStore` on a real SQLite database (node:sqlite, adapted to Durable Object SQLite's
 * `exec(...).toArray()` shape): a tree built through it has the same roots and proofs as one on
 * the in-memory store, it reloads from the rows alone, and a rolled-back transaction leaves the
 * reloaded tree at the last committed root.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import {
  MAX_IDS_PER_QUERY,
  MemoryPageStore,
  PAGES_TABLE_SQL,
  PrefixTree,
  type SqlExec,
  SqlPageStore,
  verifyInclusion,
} from "../src/index.ts";
import { randomBytes } from "./helpers.ts";

let seed = 1;

/** SELECT statements run, and the most bindings one statement had. */
const reads = { selects: 0, maxBindings: 0 };

function sqlite(): { db: DatabaseSync; sql: SqlExec } {
  const db = new DatabaseSync(":memory:");
  const sql: SqlExec = {
    exec: (query, ...bindings) => {
      if (query.startsWith("SELECT")) {
        reads.selects++;
        reads.maxBindings = Math.max(reads.maxBindings, bindings.length);
      }
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

  it("getPages reads many rows per query (<= 100 bindings), in order, undefined where absent", () => {
    const { sql } = sqlite();
    const store = new SqlPageStore(sql);
    const ids = Array.from({ length: 250 }, (_, i) => i.toString(16).padStart(3, "0"));
    store.putPages(
      ids.filter((_, i) => i % 3 !== 0).map((id) => ({ id, bytes: new TextEncoder().encode(id) })),
    );
    const asked = [...ids].reverse().concat(["zzz", ids[1] as string]);
    reads.selects = reads.maxBindings = 0;
    const got = store.getPages(asked);
    expect(reads.selects).toBe(Math.ceil(asked.length / MAX_IDS_PER_QUERY));
    expect(reads.maxBindings).toBe(MAX_IDS_PER_QUERY);
    expect(got.length).toBe(asked.length);
    asked.forEach((id, i) => {
      const want = store.getPage(id);
      expect(got[i]).toEqual(want);
      expect(want === undefined).toBe(id === "zzz" || Number.parseInt(id, 16) % 3 === 0);
    });
  });

  it("a cached tree on SQLite loads up to 6 pages per query and keeps exact roots and proofs", () => {
    const { sql } = sqlite();
    const n = 6000;
    const keys = randomBytes(n * 32, 5);
    const full = PrefixTree.bulkBuild(keys, keys, { store: new SqlPageStore(sql), maxLeavesPerPage: 16 });
    const t = new PrefixTree({ store: new SqlPageStore(sql), cacheBytes: 60_000, maxLeavesPerPage: 16 });
    for (let round = 0; round < 3; round++) {
      const k = randomBytes(300 * 32, 40 + round);
      for (let i = 0; i < 300; i += 2)
        k.set(keys.subarray(((i * 37) % n) * 32, ((i * 37) % n) * 32 + 32), i * 32);
      const v = randomBytes(300 * 32, 50 + round);
      const l0 = t.stats().pageLoads;
      reads.selects = 0;
      t.setMany(k, v);
      full.setMany(k, v);
      expect(t.stats().pageLoads - l0).toBeGreaterThan(10);
      // A page's 16 rows come in one query, and up to 6 pages a batch will load come together.
      expect(reads.selects * 3).toBeLessThanOrEqual(t.stats().pageLoads - l0);
      expect(t.root()).toEqual(full.root());
    }
    for (let i = 0; i < n; i += 397) {
      const k = keys.subarray(i * 32, i * 32 + 32);
      expect(t.proveInclusion(k)).toEqual(full.proveInclusion(k));
    }
    // A write that fails after pages were read ahead (and some evicted mid-batch) changes nothing.
    const failing = new SqlPageStore(sql);
    failing.putPages = () => {
      throw new Error("disk full");
    };
    const f = new PrefixTree({ store: failing, cacheBytes: 60_000, maxLeavesPerPage: 16 });
    const before = f.root();
    const k = randomBytes(300 * 32, 90);
    expect(() => f.setMany(k, k)).toThrow("disk full");
    expect(f.root()).toEqual(before);
    expect(f.root()).toEqual(full.root());
    for (let i = 0; i < n; i += 397) {
      const key = keys.subarray(i * 32, i * 32 + 32);
      expect(f.proveInclusion(key)).toEqual(full.proveInclusion(key));
    }
  });
});
