/**
 * Benchmarks for @sealroom/hash-chain: chain appends per second and proof verification time,
 * each printed next to its anchor, the one-shot SHA-256 rate of the same hash function on the
 * same 120-byte input ("waict-ch" || ChainNode), measured in the same run. An append or a
 * replayed proof entry is one such hash plus encoding, so the anchor is the ceiling; the goal we
 * set ourselves is to run at >= 50 % of it.
 *
 * The machines this runs on are shared, so each figure alternates short windows of the anchor
 * and of the measured operation and reports medians (and the median of per-round ratios).
 *
 * Run: `pnpm --filter @sealroom/hash-chain bench`; `SEALROOM_BENCH_QUICK=1` for a smoke run.
 */
import { createHash } from "node:crypto";
import {
  type Sha256,
  SiteChain,
  sha256,
  verifyChainConsistency,
  verifyChainInclusion,
} from "../src/index.ts";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
const WINDOW_MS = QUICK ? 40 : 100;
const ROUNDS = QUICK ? 3 : 15;

const nodeSha256: Sha256 = (d) => createHash("sha256").update(d).digest();

/** Ops/s of `fn` over one window of about WINDOW_MS. */
function windowRate(fn: () => void, batch: number): number {
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < WINDOW_MS) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    t = performance.now();
  }
  return (ops * 1000) / (t - t0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Alternates anchor and measured windows; returns median rates and the median ratio. */
function paired(fn: () => void, anchor: () => void, batch: number) {
  windowRate(fn, batch); // warm-up
  windowRate(anchor, 64);
  const a: number[] = [];
  const m: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const x = windowRate(anchor, 64);
    const y = windowRate(fn, batch);
    a.push(x);
    m.push(y);
    r.push(y / x);
  }
  return { anchor: median(a), value: median(m), ratio: median(r) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const us = (opsPerSec: number): string => (1e6 / opsPerSec).toFixed(2);

function buildChain(n: number, hash: Sha256): SiteChain {
  const c = new SiteChain({ hash });
  for (let i = 0; i < n; i++) {
    c.append({
      timeCreated: 1_700_000_000n + BigInt(i),
      resourceHash: new Uint8Array(32).fill(i & 0xff),
      ...(i === 0 ? { assetHosts: ["https://assets.example/"] } : {}),
    });
  }
  return c;
}

const rows: Record<string, string>[] = [];
for (const [name, hash] of [
  ["sha256Small (default)", sha256],
  ["node:crypto", nodeSha256],
] as const) {
  const input = new Uint8Array(120).fill(7);
  const anchor = () => {
    hash(input);
  };

  // One chain that keeps growing (120 B per entry in one buffer), as a service's chain does.
  const chain = buildChain(1, hash);
  let t = 1_700_000_001n;
  const rh = new Uint8Array(32).fill(1);
  const ap = paired(
    () => {
      chain.append({ timeCreated: t++, resourceHash: rh });
    },
    anchor,
    64,
  );
  rows.push({
    hash: name,
    measure: "append (entries/s)",
    value: fmt(ap.value),
    anchor: `${fmt(ap.anchor)} SHA-256/s`,
    "% of anchor": (100 * ap.ratio).toFixed(0),
    goal: ">= 50 %",
  });

  for (const after of [0, 16, 256]) {
    const c = buildChain(after + 1, hash);
    const cp = c.checkpoint();
    const entry = c.entry(0n);
    const proof = c.proveInclusion(0n);
    const p = paired(
      () => {
        if (!verifyChainInclusion(cp, entry, proof, hash)) throw new Error("bench proof failed");
      },
      anchor,
      after > 100 ? 2 : 16,
    );
    rows.push({
      hash: name,
      measure: `verify inclusion, ${after} after (µs)`,
      value: us(p.value),
      anchor: `${us(p.anchor / (after + 1))} µs = ${after + 1} SHA-256`,
      "% of anchor": (100 * p.ratio * (after + 1)).toFixed(0),
      goal: ">= 50 %",
    });
  }

  for (const n of [16, 256]) {
    const c = buildChain(n + 1, hash);
    const older = c.checkpoint(1n);
    const newer = c.checkpoint();
    const proof = c.proveConsistency(1n);
    const p = paired(
      () => {
        if (!verifyChainConsistency(older, newer, proof, hash)) throw new Error("bench proof failed");
      },
      anchor,
      n > 100 ? 2 : 16,
    );
    rows.push({
      hash: name,
      measure: `verify consistency, ${n} entries (µs)`,
      value: us(p.value),
      anchor: `${us(p.anchor / n)} µs = ${n} SHA-256`,
      "% of anchor": (100 * p.ratio * n).toFixed(0),
      goal: ">= 50 %",
    });
  }
}

console.log(
  `@sealroom/hash-chain bench (${QUICK ? "quick" : "full"}: ${ROUNDS} x ${WINDOW_MS} ms paired windows per figure, medians; node ${process.version})`,
);
console.table(rows);
