/**
 * Page loads on real SQLite (node:sqlite, in memory, through `SqlPageStore` and Durable Object
 * SQLite's `exec(...).toArray()` shape): the same tree behind a page cache, once reading rows with
 * `getPages` (one query per page, up to 6 pages read ahead per query) and once with `getPage` per
 * row (the store's `getPages` hidden), taking turns batch by batch in one process; roots compared.
 *
 *   nice -n 10 node bench/sql-reads-ab.ts 1000000 5      (N leaves, rounds; AB_BATCH, AB_UPDATES,
 *                                                          AB_CACHE_MB: default 2000, 10000, 20)
 */
import { DatabaseSync } from "node:sqlite";
import { fastSha256, PAGES_TABLE_SQL, PrefixTree, type SqlExec, SqlPageStore } from "../src/index.ts";
import { cpu, rand, roundBatch } from "./workload.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 5);
const B = Number(process.env.AB_BATCH ?? 2000);
const perRound = Number(process.env.AB_UPDATES ?? 10_000);
const cacheMb = Number(process.env.AB_CACHE_MB ?? 20);

function database(): { sql: SqlExec; queries: { n: number } } {
  const db = new DatabaseSync(":memory:");
  const queries = { n: 0 };
  const stmts = new Map<string, ReturnType<DatabaseSync["prepare"]>>();
  const sql: SqlExec = {
    exec: (query, ...bindings) => {
      queries.n++;
      let st = stmts.get(query);
      if (!st) {
        st = db.prepare(query);
        stmts.set(query, st);
      }
      let rows: unknown[] = [];
      if (query.startsWith("SELECT")) rows = st.all(...(bindings as never[]));
      else st.run(...(bindings as never[]));
      return { toArray: () => rows };
    },
  };
  sql.exec(PAGES_TABLE_SQL);
  return { sql, queries };
}

const keys = rand(N * 32, 0x1234 + N);
const values = rand(N * 32, 0x9876 + N);
const sides = ["getPages", "getPage"].map((name) => {
  const { sql, queries } = database();
  const store = new SqlPageStore(sql);
  PrefixTree.bulkBuild(keys, values, { hash: fastSha256, store });
  // The per-row side: the same store without its batched read.
  const s =
    name === "getPages"
      ? store
      : { getPage: (id: string) => store.getPage(id), putPages: store.putPages.bind(store) };
  const tree = new PrefixTree({ hash: fastSha256, store: s, cacheBytes: cacheMb * 1e6 });
  return { name, tree, queries, ms: [] as number[], q: 0, loads: 0 };
});
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const { keys: k, values: v } = roundBatch(keys, N, perRound, r);
  const order = r % 2 === 0 ? sides : [...sides].reverse();
  const ms = new Map<string, number>();
  for (let i = 0; i < perRound; i += B)
    for (const side of order) {
      const q0 = side.queries.n;
      const l0 = side.tree.stats().pageLoads;
      const t0 = cpu();
      side.tree.setMany(k.subarray(i * 32, (i + B) * 32), v.subarray(i * 32, (i + B) * 32));
      ms.set(side.name, (ms.get(side.name) ?? 0) + cpu() - t0);
      side.q += side.queries.n - q0;
      side.loads += side.tree.stats().pageLoads - l0;
    }
  const [a, b] = sides.map((s) => hex(s.tree.root()));
  if (a !== b) throw new Error(`roots differ after round ${r + 1}`);
  const rate = (name: string) => perRound / ((ms.get(name) as number) / 1000);
  ratios.push(rate("getPages") / rate("getPage"));
  console.log(
    `round ${r + 1} (${order[0]?.name} first): getPages ${Math.round(rate("getPages"))}/s, getPage ${Math.round(rate("getPage"))}/s, ratio ${(ratios.at(-1) as number).toFixed(3)}`,
  );
}
const sorted = [...ratios].sort((x, y) => x - y);
const med = ((sorted[(sorted.length - 1) >> 1] as number) + (sorted[sorted.length >> 1] as number)) / 2;
console.log(
  `\n${N} leaves, cache ${cacheMb} MB, batch ${B}, ${rounds} x ${perRound} updates; roots equal every round`,
);
for (const s of sides)
  console.log(
    `  ${s.name}: ${(s.loads / (rounds * perRound)).toFixed(2)} page loads/update, ${(s.q / (rounds * perRound)).toFixed(2)} queries/update (reads + writes)`,
  );
console.log(
  `  getPages/getPage rate: median ${med.toFixed(3)} (${(sorted[0] as number).toFixed(3)}..${(sorted.at(-1) as number).toFixed(3)})`,
);
