/**
 * One tree shard at 400 k leaves (100 M domains over 256 shards), in Node with the shard's own
 * storage code: `PrefixTree` over prefix-tree's `SqlPageStore` on SQLite (`node:sqlite`, through
 * the same `exec(...).toArray()` shape as Durable Object SQLite) with the shard's page-cache
 * budget (`SHARD_CACHE_BYTES`). Builds the shard (keys under one 8-bit prefix), then runs
 * update batches (half existing keys, half new) and inclusion proofs, each update batch in one
 * transaction, and prints JSON: heap and RSS after a GC, cache pages/bytes, rows and bytes per
 * update, database bytes. Run with `node --expose-gc` (bench/index.ts does).
 *
 * Env: SEALROOM_SHARD_LEAVES (default 400000).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { ChainNode } from "@sealroom/hash-chain";
import { generateAppendKey, signAppend, verifyAppend } from "@sealroom/manifest";
import {
  fastSha256,
  PAGES_TABLE_SQL,
  PrefixTree,
  proveShardBatch,
  SqlPageStore,
} from "@sealroom/prefix-tree";
import { parseVerifierKey } from "@sealroom/prefix-tree/note";
import { SHARD_CACHE_BYTES } from "../src/config.ts";

const LEAVES = Number(process.env.SEALROOM_SHARD_LEAVES ?? 400_000);
const BATCHES = 20;
const BATCH = 1000;
const PREFIX = 0x5a;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const dir = mkdtempSync(join(tmpdir(), "sealroom-shard-mem-"));
const db = new DatabaseSync(join(dir, "shard.sqlite"));
const statements = new Map<string, StatementSync>();
const sql = {
  exec(q: string, ...b: unknown[]) {
    let s = statements.get(q);
    if (!s) {
      s = db.prepare(q);
      statements.set(q, s);
    }
    // Durable Object SQLite runs a statement when exec() is called: so does this adapter.
    const args = b as (string | Uint8Array)[];
    let rows: unknown[] = [];
    if (/^\s*SELECT/i.test(q)) rows = s.all(...args) as unknown[];
    else s.run(...args);
    return { toArray: () => rows };
  },
};
db.exec(PAGES_TABLE_SQL);
const store = new SqlPageStore(sql);

let seed = 0x9e3779b9;
function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    out[i] = seed & 0xff;
  }
  return out;
}
function shardKeys(n: number): Uint8Array {
  const k = random(n * 32);
  for (let i = 0; i < n; i++) k[i * 32] = PREFIX;
  return k;
}

/** JS heap plus ArrayBuffers (pages are typed arrays over ArrayBuffers), after a full GC. */
const heap = () => {
  gc();
  const m = process.memoryUsage();
  return { used: m.heapUsed + m.arrayBuffers, rss: m.rss };
};
const base = heap();

let keys: Uint8Array | undefined = shardKeys(LEAVES);
const sample = keys.slice(0, BATCHES * BATCH * 16);
let t = performance.now();
db.exec("BEGIN");
// Heads live in the shard's `domains` rows, not in memory: one fixed head stands in for them
// (the batch proof part writes a touched leaf's head; nothing here replays events).
const head: ChainNode = {
  entry: { positionInChain: 3n, timeCreated: 1n, resourceHash: random(32), assetHostsHash: random(32) },
  chainHash: random(32),
};
let tree: PrefixTree | undefined = PrefixTree.bulkBuild(keys, random(LEAVES * 32), {
  store,
  hash: fastSha256,
  cacheBytes: SHARD_CACHE_BYTES,
  heads: { getHead: () => head, putHeads: () => {} },
});
db.exec("COMMIT");
const buildMs = performance.now() - t;
keys = undefined;
const afterBuild = heap();

const rows0 = store.rowsWritten;
const bytes0 = store.bytesWritten;
t = performance.now();
for (let b = 0; b < BATCHES; b++) {
  const k = new Uint8Array(BATCH * 32);
  for (let i = 0; i < BATCH; i++) {
    // Half the updates hit existing leaves (spread over the shard), half add new ones.
    if (i % 2 === 0) k.set(sample.subarray((b * BATCH + i) * 32 * 8, (b * BATCH + i) * 32 * 8 + 32), i * 32);
    else k.set(shardKeys(1), i * 32);
  }
  db.exec("BEGIN");
  tree!.setMany(k, random(BATCH * 32));
  db.exec("COMMIT");
}
const updateMs = performance.now() - t;
t = performance.now();
let proofs = 0;
for (let i = 0; i < 2000; i++)
  if (tree!.proveInclusion(sample.subarray(i * 32 * 4, i * 32 * 4 + 32))) proofs++;
const proofMs = performance.now() - t;
// The shard's share of one 1 s epoch at 1,000 updates/s over 256 shards: ~4 updates. Its rows
// and bytes per update, its CPU per update, and the size of its part of the batch proof.
const SMALL = 4;
const smallBatches = 200;
const r1 = store.rowsWritten;
const b1 = store.bytesWritten;
let partBytes = 0;
let cpu = process.cpuUsage();
for (let b = 0; b < smallBatches; b++) {
  const k = new Uint8Array(SMALL * 32);
  for (let i = 0; i < SMALL; i++) {
    const o = ((b * SMALL + i) * 61 + 7) % (sample.length / 32);
    k.set(sample.subarray(o * 32, o * 32 + 32), i * 32);
  }
  const ks = Array.from({ length: SMALL }, (_, i) => k.subarray(i * 32, i * 32 + 32));
  partBytes += proveShardBatch(tree!, ks).length;
  db.exec("BEGIN");
  tree!.setMany(k, random(SMALL * 32));
  db.exec("COMMIT");
}
const c1 = process.cpuUsage(cpu);
const smallCpuMs = (c1.user + c1.system) / 1000 / (smallBatches * SMALL);
// Append signature checks, as a shard runs them (verifyAppend, the service's Ed25519 rule).
const ak = generateAppendKey("s.bench.localhost", new Uint8Array(32).fill(7));
const body = new Uint8Array(200).fill(1);
const sig = signAppend(ak.signerKey, { domain: "s.bench.localhost", position: 5n, body });
const vk = parseVerifierKey(ak.verifierKey);
cpu = process.cpuUsage();
for (let i = 0; i < 200; i++)
  await verifyAppend(vk, sig, { domain: "s.bench.localhost", position: 5n, body });
const c2 = process.cpuUsage(cpu);
const verifyMs = (c2.user + c2.system) / 1000 / 200;
const after = heap();
const s = tree.stats();
const m = process.memoryUsage();
tree = undefined;
// What stays when the tree is dropped (test data, SQLite statements, the module graph).
const residual = heap();
const pageSize = (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
const pageCount = (db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count;
const rows = (db.prepare("SELECT COUNT(*) AS c FROM pages").get() as { c: number }).c;
const updates = BATCHES * BATCH;
console.log(
  JSON.stringify({
    leaves: LEAVES + updates / 2,
    cacheBudget: SHARD_CACHE_BYTES,
    heapAfterBuild: afterBuild.used - base.used,
    heap: after.used - base.used,
    tree: after.used - residual.used,
    heapUsed: m.heapUsed,
    arrayBuffers: m.arrayBuffers,
    rss: after.rss,
    cachePages: s.pages,
    cacheBytes: s.bytes,
    evictions: s.evictions,
    pageLoads: s.pageLoads,
    buildMs,
    updatesPerSecond: updates / (updateMs / 1000),
    rowsPerUpdate: (store.rowsWritten - rows0) / updates,
    bytesPerUpdate: (store.bytesWritten - bytes0) / updates,
    proofsPerSecond: proofs / (proofMs / 1000),
    smallBatch: SMALL,
    smallRowsPerUpdate: (store.rowsWritten - r1) / (smallBatches * SMALL),
    smallBytesPerUpdate: (store.bytesWritten - b1) / (smallBatches * SMALL),
    smallCpuMsPerUpdate: smallCpuMs,
    proofPartBytesPerUpdate: partBytes / (smallBatches * SMALL),
    verifyAppendMs: verifyMs,
    pageRows: rows,
    databaseBytes: pageSize * pageCount,
  }),
);
db.close();
rmSync(dir, { recursive: true, force: true });
