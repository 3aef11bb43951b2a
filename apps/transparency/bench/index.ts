/**
 * Transparency service benchmark through local workerd (`wrangler dev`, real DO SQLite), bounded
 * in count and time, loopback only (run via `pnpm bench`, which wraps it in loopback.sh + nice):
 *
 *  1. appends/s: C clients, each appending sequentially to its own enrolled domain for T seconds
 *     with `Prefer: respond-async` (202 once durably staged); then every acknowledged append is
 *     checked to be in the final sealed tree (chain proofs from 0, entry count = acks + 1).
 *     Anchors: GET of an unknown path (404 from the router: what wrangler dev + workerd manage for a
 *     request that does nothing) and GET /healthz (Worker + DO RPC), same clients, duration and run.
 *  2. append -> cosigned ChainHeadWithProof latency, p50/p99, with 1 s epochs and one witness
 *     played in-process (polls /checkpoint every 50 ms, signs with a real Ed25519 key, uploads).
 *     Anchor: the epoch itself (1000 ms).
 *  3. rows and bytes per append on the real DO SQLite (/stats before and after phase 1).
 *  4. epoch seal time (coordinator wall clock per sealed batch, from /stats) and shard calls per
 *     batch during phase 1.
 * All four run once per shard count (TREE_SHARDS 1, 16, 256; a fresh service each), so the
 * columns show what sharding costs on one machine (two cores: overhead, not parallel speed).
 *  5. one shard at 400 k leaves in Node (bench/shard-memory.ts): memory with the shard's page
 *     cache budget, rows/bytes per update, database bytes.
 *
 * Env: SEALROOM_BENCH_QUICK=1 for a short smoke run; SEALROOM_BENCH_SHARDS=1,16 to choose counts.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeChainConsistencyProof } from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  generateAppendKey,
  POSITION_HEADER,
  resourceHashOf,
  SIGNATURE_HEADER,
  serializeNewEntryData,
  signAppend,
} from "@sealroom/manifest";
import {
  formatCosignerVerifierKey,
  formatSignatureLine,
  generateCosignerKey,
  signCosignature,
} from "@sealroom/prefix-tree/note";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
const CLIENTS = QUICK ? 8 : 32;
const SECONDS = QUICK ? 2 : 6;
const LATENCY_SAMPLES = QUICK ? 10 : 40;
const SHARD_COUNTS = (process.env.SEALROOM_BENCH_SHARDS ?? (QUICK ? "1,16" : "1,16,256"))
  .split(",")
  .map(Number);
const PORT = 28_788;
const SITE_PORT0 = 28_900;
const SERVICE = `http://127.0.0.1:${PORT}`;
const TDOMAIN = "transparency.bench.localhost";
const APP = join(import.meta.dirname, "..");

const witness = generateCosignerKey("witness.bench.localhost");
const domains = Array.from({ length: CLIENTS }, (_, i) => `s${i}.bench.localhost`);
const keys = domains.map((d) => generateAppendKey(d));
const tmp = mkdtempSync(join(tmpdir(), "sealroom-bench-"));
const hosts = [`${SERVICE}`];
const rh = (v: string) => resourceHashOf(new TextEncoder().encode(v));

function startSites(): Server[] {
  return domains.map((d, i) => {
    const doc = serializeNewEntryData({
      resourceHash: rh(`${d}:0`),
      assetHosts: hosts,
      appendKey: keys[i]!.verifierKey,
    });
    const s = createServer((req, res) => {
      if (req.url === "/.well-known/waict-enroll") res.writeHead(200).end(doc);
      else res.writeHead(404).end();
    });
    s.listen(SITE_PORT0 + i, "127.0.0.1");
    return s;
  });
}

function startService(shards: number): ChildProcess {
  const vars = {
    TREE_SHARDS: String(shards),
    TREE_DOMAIN: TDOMAIN,
    WITNESS_KEYS: formatCosignerVerifierKey(witness),
    WITNESS_QUORUM: "1",
    WITNESS_NOTIFY_URLS: "",
    EPOCH_MS: "1000",
    APPEND_TIMEOUT_MS: "30000",
    DEV_ORIGINS: JSON.stringify(
      Object.fromEntries(domains.map((d, i) => [d, `http://127.0.0.1:${SITE_PORT0 + i}`])),
    ),
  };
  const envFile = join(tmp, `vars-${shards}.env`);
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'\n`)
      .join(""),
  );
  const bin = join(APP, "node_modules/.bin/wrangler");
  return spawn(
    bin,
    [
      "dev",
      "--env-file",
      envFile,
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--inspector-port",
      "29229",
      "--persist-to",
      join(tmp, `state-${shards}`),
      "--show-interactive-dev-session=false",
      "--log-level",
      "error",
    ],
    { cwd: APP, stdio: "ignore", detached: true },
  );
}

async function waitUp(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${SERVICE}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("wrangler dev did not come up");
}

let witnessOn = true;
async function playWitness(): Promise<void> {
  let last = -1;
  while (witnessOn) {
    try {
      const cp = (await (await fetch(`${SERVICE}/checkpoint`)).json()) as { size: number; root: string };
      if (cp.size > 0 && cp.size !== last) {
        const sig = signCosignature(
          witness,
          { tdomain: TDOMAIN, size: BigInt(cp.size), root: decodeBase64(cp.root)! },
          Math.floor(Date.now() / 1000),
        );
        await fetch(`${SERVICE}/upload-cosignature/${cp.size}`, {
          method: "POST",
          body: formatSignatureLine(sig),
        });
        last = cp.size;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
}

function appendInit(i: number, position: number, async: boolean): RequestInit {
  const body = new TextEncoder().encode(
    serializeNewEntryData({ resourceHash: rh(`${domains[i]}:${position}`), assetHosts: hosts }),
  );
  const sig = signAppend(keys[i]!.signerKey, { domain: domains[i]!, position: BigInt(position), body });
  const headers: Record<string, string> = {
    [POSITION_HEADER]: String(position),
    [SIGNATURE_HEADER]: encodeBase64(sig),
  };
  if (async) headers.prefer = "respond-async";
  return { method: "POST", body, headers };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

interface Stats {
  databaseSize: number;
  pageRowsWritten: number;
  pageBytesWritten: number;
  rows: Record<string, number>;
  seal: { seals: number; totalMs: number; maxMs: number; events: number; shardCalls: number };
}
const stats = async () => (await (await fetch(`${SERVICE}/stats`)).json()) as Stats;

async function runOne(shards: number): Promise<[string, string, string][]> {
  const sites = startSites();
  const svc = startService(shards);
  const rows: [string, string, string][] = [];
  witnessOn = true;
  try {
    await waitUp();
    const w = playWitness();
    // Enrol every domain (each waits for its cosignature).
    const enr = await Promise.all(domains.map((d) => fetch(`${SERVICE}/enroll/${d}`, { method: "POST" })));
    if (enr.some((r) => r.status !== 200)) throw new Error(`enrol: ${enr.map((r) => r.status).join(",")}`);
    const next = domains.map(() => 1);

    // Anchors, same clients and duration: an unknown path (the runtime alone: wrangler dev's front
    // process and the Worker's router answer 404, nothing else runs) and /healthz (Worker + DO RPC).
    const rate = async (path: string) => {
      let n = 0;
      const stop = Date.now() + SECONDS * 1000;
      await Promise.all(
        domains.map(async () => {
          while (Date.now() < stop) {
            const r = await fetch(`${SERVICE}${path}`);
            await r.arrayBuffer();
            n++;
          }
        }),
      );
      return n / SECONDS;
    };
    rows.push([
      "GET /no-such-path (anchor: the runtime's floor)",
      `${(await rate("/no-such-path")).toFixed(0)} req/s`,
      `${CLIENTS} clients, ${SECONDS} s; 404 from the router`,
    ]);
    rows.push([
      "GET /healthz (anchor: Worker + DO RPC)",
      `${(await rate("/healthz")).toFixed(0)} req/s`,
      `${CLIENTS} clients, ${SECONDS} s`,
    ]);
    let end: number;

    // Phase 1: appends/s (durably staged, 202).
    const s0 = await stats();
    let acked = 0;
    let refused = 0;
    end = Date.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      domains.map(async (d, i) => {
        while (Date.now() < end) {
          const r = await fetch(`${SERVICE}/append/${d}`, appendInit(i, next[i]!, true));
          await r.arrayBuffer();
          if (r.status === 202) {
            acked++;
            next[i]!++;
          } else refused++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const sealed0 = s0.seal;
    rows.push([
      "POST /append, Prefer: respond-async",
      `${(acked / secs).toFixed(0)} appends/s`,
      `${acked} acknowledged, ${refused} refused, ${CLIENTS} domains`,
    ]);
    // Nothing lost: wait until sealed, then every chain has exactly 1 + acked entries.
    for (let i = 0; i < 100; i++) {
      const st = await stats();
      if (st.rows.staged === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    let total = 0;
    for (const [i, d] of domains.entries()) {
      const p = decodeChainConsistencyProof(
        new Uint8Array(await (await fetch(`${SERVICE}/chain-proof/${d}?from=0&to=${next[i]}`)).arrayBuffer()),
      );
      if (p.entries.length !== next[i])
        throw new Error(`${d}: ${p.entries.length} sealed entries, expected ${next[i]}`);
      total += p.entries.length - 1;
    }
    if (total !== acked) throw new Error(`sealed ${total} appends, acknowledged ${acked}`);
    const s1 = await stats();
    const seals = s1.seal.seals - sealed0.seals;
    const mean = (x: number) => (x / Math.max(1, seals)).toFixed(1);
    rows.push([
      "epoch seal time, mean (max)",
      `${mean(s1.seal.totalMs - sealed0.totalMs)} ms (${s1.seal.maxMs} ms)`,
      "coordinator wall clock from collect to publish, during the append phase",
    ]);
    rows.push([
      "events / shard calls per sealed batch",
      `${mean(s1.seal.events - sealed0.events)} / ${mean(s1.seal.shardCalls - sealed0.shardCalls)}`,
      "shard calls: sealPart per shard in the plan (plus one staged() per woken shard)",
    ]);
    const per = (x: number) => (x / acked).toFixed(2);
    const stored = (s: Stats) =>
      Object.entries(s.rows).reduce((a, [k, v]) => (k === "staged" || k === "cosignatures" ? a : a + v), 0);
    rows.push([
      "every acknowledged append sealed in the tree",
      `${total}/${acked}`,
      "checked by chain proofs from 0",
    ]);
    rows.push([
      "page rows written per append",
      per(s1.pageRowsWritten - s0.pageRowsWritten),
      `${per(s1.pageBytesWritten - s0.pageBytesWritten)} page bytes/append`,
    ]);
    rows.push([
      "rows stored per append",
      per(stored(s1) - stored(s0)),
      `entries + new pages + batches (+ staged rows, deleted at seal)`,
    ]);
    rows.push([
      "SQLite database bytes per append",
      per(s1.databaseSize - s0.databaseSize),
      `database ${(s1.databaseSize / 1e6).toFixed(1)} MB`,
    ]);

    // Phase 2: append -> cosigned ChainHeadWithProof latency (1 s epochs, one witness).
    const lat: number[] = [];
    const conc = Math.min(8, CLIENTS);
    let k = 0;
    await Promise.all(
      Array.from({ length: conc }, async (_, c) => {
        while (k < LATENCY_SAMPLES) {
          k++;
          const i = c;
          const t = performance.now();
          const r = await fetch(`${SERVICE}/append/${domains[i]}`, appendInit(i, next[i]!, false));
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`append answered ${r.status}`);
          next[i]!++;
          lat.push(performance.now() - t);
        }
      }),
    );
    rows.push([
      "append -> cosigned proof, p50",
      `${pct(lat, 50).toFixed(0)} ms`,
      `anchor: epoch 1000 ms; ${lat.length} appends, ${conc} clients`,
    ]);
    rows.push([
      "append -> cosigned proof, p99",
      `${pct(lat, 99).toFixed(0)} ms`,
      "witness polls every 50 ms",
    ]);
    witnessOn = false;
    await w;
  } finally {
    witnessOn = false;
    try {
      process.kill(-svc.pid!, "SIGINT");
    } catch {}
    for (const s of sites) s.close();
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-svc.pid!, "SIGKILL");
    } catch {}
  }
  return rows;
}

/** bench/shard-memory.ts in its own Node (with --expose-gc), as table rows. */
function shardMemory(): [string, string, string][] {
  const leaves = QUICK ? 50_000 : 400_000;
  const out = execFileSync(process.execPath, ["--expose-gc", join(import.meta.dirname, "shard-memory.ts")], {
    env: { ...process.env, SEALROOM_SHARD_LEAVES: String(leaves) },
    encoding: "utf8",
  });
  const m = JSON.parse(out) as Record<string, number>;
  const mb = (x: number) => `${(x / 1e6).toFixed(1)} MB`;
  return [
    [
      `one shard at ${(m.leaves! / 1000).toFixed(0)} k leaves: tree memory`,
      mb(m.tree!),
      `JS heap + ArrayBuffers held by the tree after GC (dropping it frees this); cache budget ${mb(m.cacheBudget!)}, accounted ${mb(m.cacheBytes!)}`,
    ],
    ["  pages in cache", String(m.cachePages), `${m.evictions} evictions, ${m.pageLoads} page loads`],
    [
      "  rows / bytes written per update",
      `${m.rowsPerUpdate!.toFixed(2)} / ${m.bytesPerUpdate!.toFixed(0)} B`,
      `batches of 1000 (half new leaves), ${m.updatesPerSecond!.toFixed(0)} updates/s on node:sqlite`,
    ],
    [
      `  per update, ${m.smallBatch} per shard per epoch (1,000/s over 256 shards)`,
      `${m.smallRowsPerUpdate!.toFixed(2)} rows, ${m.smallBytesPerUpdate!.toFixed(0)} B`,
      `tree CPU ${m.smallCpuMsPerUpdate!.toFixed(2)} ms/update (proof part + setMany + SQLite); batch proof part ${m.proofPartBytesPerUpdate!.toFixed(0)} B/update; verifyAppend ${m.verifyAppendMs!.toFixed(2)} ms`,
    ],
    [
      "  tree storage",
      mb(m.databaseBytes!),
      `${m.pageRows} page rows; ${(m.databaseBytes! / m.leaves!).toFixed(0)} B per leaf (chains and heads not included)`,
    ],
  ];
}

async function main(): Promise<void> {
  const runs: [number, [string, string, string][]][] = [];
  try {
    for (const n of SHARD_COUNTS) runs.push([n, await runOne(n)]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const first = runs[0]![1];
  const table: string[][] = [["measure", ...runs.map(([n]) => `${n} shard${n === 1 ? "" : "s"}`), "notes"]];
  first.forEach((r, i) => {
    table.push([r[0], ...runs.map(([, rows]) => rows[i]?.[1] ?? "-"), r[2]]);
  });
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]!))).join(" | ")} |`;
  console.log(`\ntransparency service via wrangler dev (workerd, DO SQLite), ${new Date().toISOString()}\n`);
  console.log(line(table[0]!));
  console.log(line(widths.map((w, c) => (c === widths.length - 1 ? "-----" : "-".repeat(w)))));
  for (const r of table.slice(1)) console.log(line(r));
  const mem = shardMemory();
  console.log(`\nshard memory (Node, node:sqlite, prefix-tree SqlPageStore, the shard's cache budget)\n`);
  for (const r of mem) console.log(`| ${r[0]} | ${r[1]} | ${r[2]} |`);
}

await main();
