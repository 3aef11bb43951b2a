/**
 * Witness benchmark (issue 10 "Benchmarks"): verification throughput of the real witness Worker in
 * workerd (`wrangler dev`, local DO SQLite), in updates/s, replay vs compact, for batches of 1k and
 * 10k updates, beside the anchor measured in the same run: @sealroom/prefix-tree's own
 * `verifyBatch` (and `applyBatch`, in memory) in Node on the very same batches. Then the storage
 * each mode uses for the followed service (the object's SQLite size, pages and heads rows).
 *
 * The batches come from a real in-memory PrefixTree (the witness tests' HonestLog) and are served
 * by the witness tests' scripted Node server on 127.0.0.1; one witness follows two services with
 * the same batches (one per mode) and is woken by /notify for one at a time. A phase's time runs
 * from /notify until /status shows the target N (status polled every 20 ms), so it includes the
 * HTTP transfer of the batches and the persist + sign + upload of the last one.
 *
 *   pnpm --filter @sealroom/witness bench        (inside tooling/scripts/loopback.sh, nice 10)
 *   SEALROOM_BENCH_QUICK=1 ...                   smoke run: 2k sites, batches of 1k only
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import {
  applyBatch,
  decodeBatchProofBundle,
  fastSha256,
  PrefixTree,
  type TreeEvent,
  verifyBatch,
} from "@sealroom/prefix-tree";
import { formatCosignerSignerKey, generateCosignerKey } from "@sealroom/prefix-tree/note";
import { start, stop, waitFor } from "../../../tooling/e2e/src/workspace.ts";
import { HonestLog } from "../test/support/honest-log.ts";
import { startScriptedService } from "../test/support/scripted-service.ts";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
const BASE_SITES = QUICK ? 2_000 : 10_000;
const PHASES: { size: number; count: number }[] = QUICK
  ? [{ size: 1_000, count: 2 }]
  : [
      { size: 1_000, count: 2 },
      { size: 10_000, count: 1 },
    ];
const PORT = 28_789;

const rh = (i: number) => {
  const b = new Uint8Array(32);
  new DataView(b.buffer).setUint32(0, i);
  return b;
};
let clock = 1_767_225_600;
const domain = (i: number) => `site${i}.bench.example`;

function enrolBatch(from: number, n: number): TreeEvent[] {
  clock++;
  return Array.from({ length: n }, (_, i) => ({
    domain: domain(from + i),
    assetHosts: ["https://cdn.bench.example"],
    newResourceHash: rh(from + i),
    timestamp: BigInt(clock),
  }));
}

/** n updates of random distinct enrolled sites (unchanged hosts), as a real epoch would carry. */
function updateBatch(n: number, sites: number, seed: number): TreeEvent[] {
  clock++;
  const picked = new Set<number>();
  let x = seed | 1;
  while (picked.size < n) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    picked.add((x >>> 0) % sites);
  }
  return [...picked].map((i) => ({
    domain: domain(i),
    assetHosts: null,
    newResourceHash: rh(i + seed),
    timestamp: BigInt(clock),
  }));
}

const fmt = (n: number, d = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const t0 = performance.now();
  // ---- the log (Node) ----
  const log = new HonestLog(fastSha256);
  log.seal(enrolBatch(0, BASE_SITES));
  const phases: { size: number; from: number; to: number }[] = [];
  let seed = 7;
  for (const p of PHASES) {
    const from = log.size;
    for (let i = 0; i < p.count; i++) log.seal(updateBatch(p.size, BASE_SITES, seed++));
    phases.push({ size: p.size, from, to: log.size });
  }

  // ---- anchor: prefix-tree in Node on the same batches ----
  const anchor = new Map<number, { verify: number; apply: number }>();
  {
    const tree = new PrefixTree({ hash: fastSha256 });
    applyBatch(tree, log.sealed[0]!.batch);
    for (const ph of phases) {
      let updates = 0;
      let verifyMs = 0;
      let applyMs = 0;
      for (let n = ph.from; n < ph.to; n++) {
        const s = log.sealed[n]!;
        const { batch, proof } = decodeBatchProofBundle(s.bundle);
        let t = performance.now();
        const root = verifyBatch(log.rootAt(n), proof, batch, fastSha256);
        verifyMs += performance.now() - t;
        if (root === null || base64Encode(root) !== base64Encode(s.root))
          throw new Error("anchor: bad proof");
        t = performance.now();
        applyBatch(tree, s.batch);
        applyMs += performance.now() - t;
        updates += ph.size;
      }
      anchor.set(ph.size, { verify: (updates / verifyMs) * 1000, apply: (updates / applyMs) * 1000 });
    }
  }

  console.error(`bench: log built, anchor measured (${fmt((performance.now() - t0) / 1000, 1)} s)`);
  // ---- the witness in workerd ----
  const { server, base } = await startScriptedService();
  const dir = mkdtempSync(join(tmpdir(), "sealroom-witness-bench-"));
  const domains = { replay: "replay.bench.localhost", compact: "compact.bench.localhost" } as const;
  const envFile = join(dir, "bench.env");
  const services = (["replay", "compact"] as const).map((mode) => ({
    url: `${base}/${mode}`,
    tree_domain: domains[mode],
    mode,
  }));
  writeFileSync(
    envFile,
    [
      `WITNESS_SKEY='${formatCosignerSignerKey(generateCosignerKey("bench.localhost", new Uint8Array(32).fill(1)))}'`,
      `SERVICES='${JSON.stringify(services)}'`,
      "POLL_MS='600000'", // woken by /notify only; catch-up re-arms at once
      "RECOSIGN_MS='600000'",
    ].join("\n"),
  );
  const child = start(
    join(import.meta.dirname, "../node_modules/.bin/wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(PORT),
      "--inspector-port",
      "29231",
      "--persist-to",
      join(dir, "state"),
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: join(import.meta.dirname, "..") },
  );
  const results: string[] = [];
  try {
    await waitFor(`http://127.0.0.1:${PORT}/healthz`, 120_000);
    const status = async (mode: "replay" | "compact") => {
      const j = (await (await fetch(`http://127.0.0.1:${PORT}/status`)).json()) as {
        services: {
          service: { tree_domain: string };
          size: number;
          halted: boolean;
          error: { at: number } | null;
          storageBytes: number;
          pages: number;
          heads: number;
        }[];
      };
      return j.services.find((s) => s.service.tree_domain === domains[mode])!;
    };
    const publish = async (mode: "replay" | "compact", upTo: number) => {
      const batches: Record<number, string> = {};
      const bundles: Record<number, string> = {};
      for (let n = 0; n < upTo; n++) {
        if (mode === "replay") batches[n] = base64Encode(log.sealed[n]!.batch);
        else bundles[n] = base64Encode(log.sealed[n]!.bundle);
      }
      await fetch(`${base}/${mode}/_control`, {
        method: "PUT",
        body: JSON.stringify({
          batches,
          bundles,
          checkpoint: {
            tree_domain: domains[mode],
            size: upTo,
            root: base64Encode(log.rootAt(upTo)),
            time: 0,
            cosignatures: [],
          },
        }),
      });
    };
    const runTo = async (mode: "replay" | "compact", upTo: number): Promise<number> => {
      await publish(mode, upTo);
      const t = performance.now();
      const wall = Date.now();
      await fetch(`http://127.0.0.1:${PORT}/notify?tree_domain=${domains[mode]}`, { method: "POST" });
      for (;;) {
        const s = await status(mode);
        // An error recorded before this phase (e.g. a poll before anything was published) is stale.
        if (s.halted || (s.error && s.error.at >= wall)) throw new Error(`${mode}: ${JSON.stringify(s)}`);
        if (s.size >= upTo) return performance.now() - t;
        if (performance.now() - t > 300_000) throw new Error(`${mode}: timed out at N=${s.size}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    results.push(
      `-- witness in workerd (wrangler dev, DO SQLite), base tree ${fmt(BASE_SITES)} sites, fastSha256 --`,
    );
    results.push(`${"".padEnd(44)}${"workerd".padStart(18)}   anchor (Node, same batches)`);
    const rows: Record<string, number> = {};
    for (const mode of ["replay", "compact"] as const) {
      console.error(`bench: ${mode}`);
      const enrol = await runTo(mode, 1);
      results.push(
        `  ${mode}: enrolment batch of ${fmt(BASE_SITES)}`.padEnd(44) +
          `${fmt((BASE_SITES / enrol) * 1000)} upd/s`.padStart(18),
      );
      for (const ph of phases) {
        const ms = await runTo(mode, ph.to);
        const rate = (((ph.to - ph.from) * ph.size) / ms) * 1000;
        rows[`${mode}${ph.size}`] = rate;
        const a = anchor.get(ph.size)!;
        const anchorText =
          mode === "compact"
            ? `verifyBatch ${fmt(a.verify)} upd/s`
            : `applyBatch in memory ${fmt(a.apply)} upd/s`;
        results.push(
          `  ${mode}: ${ph.to - ph.from} batches of ${fmt(ph.size)}`.padEnd(44) +
            `${fmt(rate)} upd/s`.padStart(18) +
            `   ${anchorText}`,
        );
      }
      const s = await status(mode);
      const perSite = s.storageBytes / BASE_SITES;
      results.push(
        `  ${mode}: storage after N=${s.size}`.padEnd(44) +
          `${fmt(s.storageBytes / 1024)} KiB`.padStart(18) +
          `   ${fmt(perSite, 1)} B/site, ${fmt(s.pages)} pages, ${fmt(s.heads)} heads rows`,
      );
    }
  } catch (e) {
    console.error(child.output());
    throw e;
  } finally {
    await stop(child);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(results.join("\n"));
  console.log(`\n(total wall time ${fmt((performance.now() - t0) / 1000, 1)} s)`);
}

await main();
