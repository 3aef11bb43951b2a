/**
 * Benchmarks of @sealroom/prefix-tree (issue 3 "Benchmarks"): updates/s, bulk build, bytes per
 * leaf, pages written per update, proof sizes and times, compact batch proofs. Every rate is
 * printed beside its anchor measured in the same run: the one-shot SHA-256 rate (65-byte input) of
 * the very hash function the tree uses. The tree sections run once per hash in
 * SEALROOM_BENCH_HASHES: `fast` (fastSha256, hashed as the tree does through its allocation-free
 * form `sha256Into`), `node`
 * (node:crypto `hash()`), `noble` (@noble/hashes, the default).
 *
 *   node bench/index.ts                          full: 1M and 16M leaves, every hash (~8 GB RAM)
 *   SEALROOM_BENCH_QUICK=1 node bench/index.ts   smoke run (< 60 s)
 *   SEALROOM_BENCH_LEAVES=1000000,4000000 node bench/index.ts
 *   SEALROOM_BENCH_HASHES=fast,node node bench/index.ts
 */
import { hash as nodeHash } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import {
  applyBatch,
  fastSha256,
  MemoryPageStore,
  PrefixTree,
  proveBatch,
  type Sha256,
  sha256Into,
  type TreeEvent,
  verifyBatch,
  verifyInclusion,
} from "../src/index.ts";
import { rand } from "./workload.ts";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
/** Page cache budget (MB) of the bounded-memory rows (SEALROOM_BENCH_CACHE_MB, default 100). */
const CACHE_MB = Number(process.env.SEALROOM_BENCH_CACHE_MB ?? (QUICK ? "2" : "100"));

/**
 * Milliseconds of CPU time of this (main) thread. The bench machine is shared, so wall-clock rates
 * swing with other processes' load; main-thread CPU time does not (GC helper threads excluded).
 * Set SEALROOM_BENCH_WALL=1 to time by wall clock instead.
 */
const WALL = process.env.SEALROOM_BENCH_WALL === "1";
function now(): number {
  if (WALL) return performance.now();
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}
const wallStart = performance.now();
const SIZES = (process.env.SEALROOM_BENCH_LEAVES ?? (QUICK ? "16384,65536" : "1000000,16000000"))
  .split(",")
  .map((s) => Number.parseInt(s, 10))
  .filter((n) => n > 0);

let hashCount = 0;
const platform: Sha256 = (d) => nodeHash("sha256", d, "buffer") as unknown as Uint8Array;
const noble: Sha256 = (d) => nobleSha256(d);

interface BenchHash {
  name: string;
  /** The function handed to the tree and the verifiers. */
  fn: Sha256;
  /** The same, counting hashes (bulk build and updates). */
  counted: Sha256;
  /** One-shot call used for the anchor: the form the tree's hot paths call. */
  oneShot: (b: Uint8Array, out: Uint8Array) => void;
}
const HASHES: Record<string, BenchHash> = {
  fast: {
    name: "fastSha256 (sha256Into)",
    fn: fastSha256,
    // What a tree given fastSha256 calls (its .into, sha256Into), plus the count.
    counted: Object.assign((d: Uint8Array) => fastSha256(d), {
      into: (d: Uint8Array, o: number, l: number, out: Uint8Array, oo: number) => {
        hashCount++;
        sha256Into(d, o, l, out, oo);
      },
    }),
    oneShot: (b, out) => sha256Into(b, 0, b.length, out, 0),
  },
  node: {
    name: "node:crypto",
    fn: platform,
    counted: (d) => {
      hashCount++;
      return platform(d);
    },
    oneShot: (b) => {
      platform(b);
    },
  },
  noble: {
    name: "@noble/hashes",
    fn: noble,
    counted: (d) => {
      hashCount++;
      return nobleSha256(d);
    },
    oneShot: (b) => {
      nobleSha256(b);
    },
  },
};
const HASH_NAMES = (process.env.SEALROOM_BENCH_HASHES ?? "fast,node,noble")
  .split(",")
  .map((s) => s.trim())
  .filter((s) => s !== "");
for (const h of HASH_NAMES) if (!HASHES[h]) throw new Error(`unknown hash ${h} (fast, node, noble)`);
const benchHashes = HASH_NAMES.map((h) => HASHES[h] as BenchHash);

const rows: [string, string, string, string][] = [];
function row(metric: string, value: string, anchor = "", goal = ""): void {
  rows.push([metric, value, anchor, goal]);
  console.log(`  ${metric.padEnd(44)} ${value.padStart(14)}   ${anchor.padEnd(34)} ${goal}`);
}
const fmt = (x: number, d = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

const anchorOut = new Uint8Array(32);
function shaRate(h: BenchHash, ms = QUICK ? 300 : 1500): number {
  const b = new Uint8Array(65);
  const one = h.oneShot;
  let n = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 1000; i++) {
      b[0] = i;
      one(b, anchorOut);
    }
    n += 1000;
    t = now();
  }
  return (n / (t - t0)) * 1000;
}

console.log(
  `@sealroom/prefix-tree bench (${QUICK ? "quick" : "full"}; leaves ${SIZES.join(", ")}; node ${process.version})`,
);
console.log(`  ${"metric".padEnd(44)} ${"value".padStart(14)}   ${"anchor (same run)".padEnd(34)} goal`);
const shaOneShot = new Map<BenchHash, number>();
for (const h of Object.values(HASHES)) {
  const r = shaRate(h);
  shaOneShot.set(h, r);
  row(`SHA-256 one-shot, 65 B, ${h.name}`, `${fmt(r)}/s`, h === HASHES.noble ? "default hash" : "");
}

const proofFit: { n: number; bytes: number }[] = [];
let bytesPerLeaf = 0;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
}
function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Random updates: 90% existing keys (a site appending), 10% new keys (enrolments). */
function updateSet(
  keys: Uint8Array,
  N: number,
  total: number,
  seed: number,
): { k: Uint8Array; v: Uint8Array } {
  const v = rand(total * 32, seed);
  const k = new Uint8Array(total * 32);
  const dv = new DataView(v.buffer);
  for (let i = 0; i < total; i++) {
    if (i % 10 === 9) k.set(rand(32, seed + i), i * 32);
    else {
      const j = dv.getUint32(i * 32) % N;
      k.set(keys.subarray(j * 32, j * 32 + 32), i * 32);
    }
  }
  return { k, v };
}

function runUpdates(
  tree: PrefixTree,
  h: BenchHash,
  keys: Uint8Array,
  N: number,
  B: number,
  label: string,
  goal: string,
): number {
  const total = QUICK ? Math.min(4 * B, 20000) : B >= 10000 ? 200_000 : 50_000;
  const { k, v } = updateSet(keys, N, total, 0x5555 + B + (label === "" ? 0 : 1));
  const before = tree.stats().rowsWritten;
  const sha = shaRate(h, 300); // anchor re-measured right before: the machine is shared
  hashCount = 0;
  const t0 = now();
  for (let i = 0; i < total; i += B)
    tree.setMany(k.subarray(i * 32, (i + B) * 32), v.subarray(i * 32, (i + B) * 32));
  const dt = (now() - t0) / 1000;
  row(
    `updates${label}, batch ${fmt(B)}`,
    `${fmt(total / dt)}/s`,
    `${fmt(hashCount / total, 1)} hash/upd = ${fmt((100 * hashCount) / dt / sha)}% of ${fmt(sha / 1000)}k SHA/s`,
    goal,
  );
  if (label === "") {
    const pages = (tree.stats().rowsWritten - before) / total;
    row(`rows written per update, batch ${fmt(B)}`, fmt(pages, 2), "", B === 1000 ? "<= 2" : "");
  }
  return total;
}

for (const N of SIZES) {
  const keys = rand(N * 32, 0x1234 + N);
  const values = rand(N * 32, 0x9876 + N);
  const big = N >= 16e6;
  for (const [hi, h] of benchHashes.entries()) {
    console.log(`\n-- ${fmt(N)} leaves, tree hash ${h.name} --`);
    await settle();
    const mem0 = heapBytes();
    let sha = shaRate(h, 300);
    hashCount = 0;
    let t0 = now();
    let tree: PrefixTree | undefined = PrefixTree.bulkBuild(keys, values, { hash: h.counted });
    let dt = (now() - t0) / 1000;
    row(
      "bulk build (in memory)",
      `${fmt(N / dt)} leaves/s`,
      `${fmt(hashCount / N, 1)} hash/leaf = ${fmt((100 * hashCount) / dt / sha)}% of ${fmt(sha / 1000)}k SHA/s`,
      ">= 300k leaves/s",
    );
    // Bytes per leaf, proof sizes and page-store figures do not depend on the hash: once per size.
    const first = hi === 0;
    if (first) {
      await settle();
      const st = tree.stats();
      bytesPerLeaf = (heapBytes() - mem0) / N;
      row(
        "bytes per leaf (measured heap + buffers)",
        fmt(bytesPerLeaf, 1),
        `arrays+objects est. ${fmt(st.bytes / N, 1)}, ${fmt(st.pages)} pages`,
        "<= 150 B",
      );
    }
    for (const B of [1000, 10000])
      runUpdates(tree, h, keys, N, B, "", big && B === 10000 ? ">= 60k/s, >= 50% of SHA" : "");

    // Proofs: sizes, prove and verify times (verify with this hash).
    const S = QUICK ? 2000 : 20000;
    const probe: Uint8Array[] = [];
    for (let i = 0; i < S; i++) {
      const j = ((i * 2654435761) >>> 0) % N;
      probe.push(keys.slice(j * 32, j * 32 + 32));
    }
    const vals = probe.map((k) => (tree as PrefixTree).get(k) as Uint8Array);
    t0 = now();
    const proofs = probe.map((k) => (tree as PrefixTree).proveInclusion(k) as Uint8Array);
    const proveUs = ((now() - t0) * 1000) / S;
    const avg = proofs.reduce((a, p) => a + p.length, 0) / S;
    if (first) proofFit.push({ n: N, bytes: avg });
    const root = tree.root();
    const segs = (avg - 41) / 33;
    if (first) row("inclusion proof size (avg)", `${fmt(avg, 1)} B`, `${fmt(segs, 1)} segments`);
    row("prove", `${fmt(proveUs, 2)} µs`, "", "<= 20 µs");
    sha = shaRate(h, 300);
    t0 = now();
    let ok = 0;
    for (let i = 0; i < S; i++)
      if (verifyInclusion(root, probe[i] as Uint8Array, vals[i] as Uint8Array, proofs[i] as Uint8Array, h.fn))
        ok++;
    const verifyUs = ((now() - t0) * 1000) / S;
    if (ok !== S) throw new Error("a proof failed to verify");
    row("verify", `${fmt(verifyUs, 2)} µs`, `${fmt(((segs + 1) / sha) * 1e6, 2)} µs of pure SHA`, "<= 35 µs");

    // Compact batch proofs: enrol B domains, then a batch appending to half and enrolling B/2 more.
    for (const B of QUICK ? [500, 2000] : [1000, 10000]) {
      const dom = (i: number) => `b${B}-site${i}.example`;
      const enrol: TreeEvent[] = [];
      for (let i = 0; i < B; i++)
        enrol.push({
          domain: dom(i),
          assetHosts: ["https://cdn.example"],
          newResourceHash: rand(32, i + 1),
          timestamp: 1000n,
        });
      applyBatch(tree, { events: enrol });
      const events: TreeEvent[] = [];
      for (let i = 0; i < B; i++) {
        const fresh = i % 2 === 1;
        events.push({
          domain: fresh ? dom(B + i) : dom(i),
          assetHosts: fresh ? ["https://cdn.example"] : null,
          newResourceHash: rand(32, i + 7),
          timestamp: 2000n,
        });
      }
      const batch = { events };
      const oldRoot = tree.root();
      sha = shaRate(h, 300);
      t0 = now();
      const proof = proveBatch(tree, batch);
      const proveMs = now() - t0;
      t0 = now();
      const newRoot = verifyBatch(oldRoot, proof, batch, h.fn);
      const vdt = (now() - t0) / 1000;
      const applied = applyBatch(tree, batch);
      if (!newRoot || Buffer.compare(newRoot, applied) !== 0)
        throw new Error("compact proof disagrees with applyBatch");
      if (first)
        row(
          `compact batch proof, batch ${fmt(B)}`,
          `${fmt(proof.length / B, 1)} B/update`,
          `${fmt(proof.length / 1024, 0)} KiB, prove ${fmt(proveMs, 0)} ms`,
        );
      row(
        `compact verify, batch ${fmt(B)}`,
        `${fmt(B / vdt)} updates/s`,
        `anchor ${fmt(sha / 1000)}k SHA/s`,
        ">= 10k/s",
      );
    }
    tree = undefined;
    await settle();
    if (!first) continue;

    // The same with every changed page encoded and handed to a MemoryPageStore (first hash only).
    const store = new MemoryPageStore();
    hashCount = 0;
    t0 = now();
    tree = PrefixTree.bulkBuild(keys, values, { hash: h.counted, store });
    dt = (now() - t0) / 1000;
    row(
      "bulk build + page encoding",
      `${fmt(N / dt)} leaves/s`,
      `${fmt(store.pagesWritten)} rows, ${fmt(store.bytesWritten / N, 1)} B/leaf stored`,
    );
    for (const B of [1000, 10000]) {
      const w0 = store.bytesWritten;
      const p0 = store.pagesWritten;
      const total = runUpdates(tree, h, keys, N, B, " + page store", big && B === 10000 ? ">= 40k/s" : "");
      row(
        `rows written per update, batch ${fmt(B)}`,
        fmt((store.pagesWritten - p0) / total, 2),
        `${fmt((store.bytesWritten - w0) / (store.pagesWritten - p0), 0)} B/row avg`,
        "<= 2",
      );
      row(
        `bytes written per update, batch ${fmt(B)}`,
        fmt((store.bytesWritten - w0) / total, 0),
        "",
        "<= 8 KB",
      );
    }
    tree = undefined;
    await settle();

    // The same store reopened with a bounded page cache: pages load on demand, LRU eviction.
    const mem1 = heapBytes();
    const budget = CACHE_MB * 1e6;
    tree = new PrefixTree({ hash: h.counted, store, cacheBytes: budget });
    for (const B of [1000, 10000]) {
      const s0 = tree.stats();
      const total = runUpdates(tree, h, keys, N, B, `, cache ${CACHE_MB} MB`, "");
      const s1 = tree.stats();
      row(
        `page loads per update, batch ${fmt(B)}`,
        fmt((s1.pageLoads - s0.pageLoads) / total, 2),
        `${fmt(s1.pages)} pages (${fmt(s1.pinned)} pinned), ${fmt(s1.bytes / 1e6, 1)} MB, peak ${fmt(s1.peakBytes / 1e6, 1)} MB`,
        `cache <= ${CACHE_MB} MB`,
      );
    }
    await settle();
    row(
      `memory of the tree, cache ${CACHE_MB} MB`,
      `${fmt((heapBytes() - mem1) / 1e6, 1)} MB`,
      `heap+buffers growth; unbounded ${fmt((N * bytesPerLeaf) / 1e6, 0)} MB`,
    );
    tree = undefined;
    await settle();
  }
}

if (proofFit.length >= 2) {
  // proof bytes = a + b * log2(N), fitted through the two largest sizes.
  const [p, q] = proofFit.slice(-2) as [{ n: number; bytes: number }, { n: number; bytes: number }];
  const b = (q.bytes - p.bytes) / (Math.log2(q.n) - Math.log2(p.n));
  const a = q.bytes - b * Math.log2(q.n);
  console.log("");
  row(
    "inclusion proof fitted at 100M leaves",
    `${fmt(a + b * Math.log2(1e8), 0)} B`,
    `${fmt(a, 1)} + ${fmt(b, 1)}*log2(N)`,
    "<= 1 KB",
  );
}
console.log(`\n(total wall time ${fmt((performance.now() - wallStart) / 1000, 1)} s)`);
