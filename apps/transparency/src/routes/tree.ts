/**
 * Tree-wide endpoints: `GET /tree-event-batch/<N>` and `POST /upload-cosignature/<N>` (draft),
 * `GET /batch-proof/<N>`, `GET /checkpoint`, `GET /preload-list` (Sealroom extensions; README "API").
 */
import { TREE_EVENT_BATCH_INDEX_LIMIT } from "@sealroom/hash-chain";
import { encodeBatchProofBundle } from "@sealroom/prefix-tree";
import { Hono } from "hono";
import { configOf } from "../config.ts";
import { ErrorKind, ServiceError } from "../errors.ts";
import { shardName } from "../tree-shard.ts";
import {
  type AppEnv,
  boundedBody,
  decimalParam,
  IMMUTABLE,
  indexParam,
  logOf,
  octets,
  rest,
  unwrap,
} from "./common.ts";

export const tree = new Hono<AppEnv>();

/** Batch indexes are stored as SQLite integers: N above 2^53 can never exist here. */
const MAX_N = BigInt(Number.MAX_SAFE_INTEGER);

function batchIndex(raw: string): number {
  const n = indexParam(raw, TREE_EVENT_BATCH_INDEX_LIMIT, "N");
  if (n > MAX_N) throw new ServiceError(ErrorKind.NotFound, `batch ${n} is not sealed`);
  return Number(n);
}

tree.get("/tree-event-batch/*", async (c) => {
  const b = unwrap(await logOf(c.env).batch(batchIndex(rest(c, "/tree-event-batch/"))));
  return octets(b.bytes, IMMUTABLE);
});

/** prefix-tree's `BatchProofBundle`: `u24 batch_length || TreeEventBatch || proveBatch bytes`. */
tree.get("/batch-proof/*", async (c) => {
  const b = unwrap(await logOf(c.env).batch(batchIndex(rest(c, "/batch-proof/"))));
  return octets(encodeBatchProofBundle({ batch: b.bytes, proof: b.proof }), IMMUTABLE);
});

tree.get("/checkpoint", async (c) => {
  const cp = await logOf(c.env).checkpoint();
  return c.json(cp, 200, { "cache-control": "no-store" });
});

/** `/stats` (extension, benchmarks): the coordinator's storage and every shard's, summed. */
tree.get("/stats", async (c) => {
  const count = configOf(c.env).shards;
  const coordinator = await logOf(c.env).storageStats();
  const shards = await Promise.all(
    Array.from({ length: count }, (_, i) => c.env.SHARD.getByName(shardName(i, count)).storageStats()),
  );
  const sum = (f: (s: (typeof shards)[number]) => number) => shards.reduce((a, s) => a + f(s), 0);
  return c.json(
    {
      shards: count,
      databaseSize: coordinator.databaseSize + sum((s) => s.databaseSize),
      pageRowsWritten: sum((s) => s.pageRowsWritten),
      pageBytesWritten: sum((s) => s.pageBytesWritten),
      rows: {
        ...coordinator.rows,
        pages: sum((s) => s.rows.pages),
        domains: sum((s) => s.rows.domains),
        entries: sum((s) => s.rows.entries),
        staged: sum((s) => s.rows.staged),
      },
      seal: coordinator.seal,
      perShard: shards.map((s) => ({ databaseSize: s.databaseSize, cache: s.cache, rows: s.rows })),
    },
    200,
    { "cache-control": "no-store" },
  );
});

tree.get("/preload-list", async (c) =>
  c.json(await logOf(c.env).preloadList(), 200, { "cache-control": "no-store" }),
);

tree.post("/upload-cosignature/:n", async (c) => {
  const n = decimalParam(c.req.param("n"), 1n << 64n, "N");
  const body = await boundedBody(c, 8192);
  if (n > MAX_N) throw new ServiceError(ErrorKind.NotFound, `tree size ${n} is not sealed`);
  const r = unwrap(await logOf(c.env).uploadCosignatures(Number(n), body));
  return c.json(r);
});
