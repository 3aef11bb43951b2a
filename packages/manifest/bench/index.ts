/**
 * @sealroom/manifest benchmarks: full client verification time and browser bundle size, each with
 * an anchor measured in the same run and the goal from issue 4. SEALROOM_BENCH_QUICK=1 shrinks the
 * tree (10 k leaves instead of 1 M) and the iteration counts for a smoke run (< 60 s).
 *
 *     pnpm --filter @sealroom/manifest bench
 *     SEALROOM_BENCH_QUICK=1 pnpm --filter @sealroom/manifest bench
 */
import { measureBundles } from "./bundle-size.ts";
import { measurePreload } from "./preload.ts";
import { measureVerify } from "./verify.ts";

const quick = process.env.SEALROOM_BENCH_QUICK === "1";
const leaves = Number(process.env.SEALROOM_BENCH_LEAVES ?? (quick ? 10_000 : 1_000_000));
const ops = quick ? 100 : 1000;

console.log(`@sealroom/manifest bench (${quick ? "quick" : "full"}; node ${process.version})\n`);

const v = await measureVerify(leaves, ops);
console.log(
  `tree of ${leaves} leaves built in ${v.buildMs.toFixed(0)} ms; ChainHeadWithProof ${v.proofBytes} B\n`,
);
const fmtUs = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(3)} ms` : `${us.toFixed(1)} µs`);
// Issue 12: the verifier's CPU cost against the same run's cost of the quorum's 3 signature checks.
const sigCpu =
  3 *
  (v.timings.find((t) => t.name.startsWith("anchor: 1 Ed25519 verify, WebCrypto"))?.cpuPerOpUs ?? Number.NaN);
const nodeSigCpu =
  3 *
  (v.timings.find((t) => t.name.startsWith("anchor: 1 Ed25519 verify, node:crypto"))?.cpuPerOpUs ??
    Number.NaN);
console.table(
  v.timings.map((t) => ({
    measurement: t.name,
    "cpu per op": fmtUs(t.cpuPerOpUs),
    "wall per op": fmtUs(t.perOpUs),
    ops: t.ops,
    "x quorum sig cpu": t.name.startsWith("verifyTransparency (")
      ? (t.cpuPerOpUs / sigCpu).toFixed(2)
      : t.name.startsWith("verifyTransparency, Ed25519 via ./node")
        ? (t.cpuPerOpUs / nodeSigCpu).toFixed(2)
        : "",
    goal: t.name.startsWith("verifyTransparency") ? "<= 1.5x the 3 same-backend verifies" : "anchor",
  })),
);

console.log(
  "\nissue 12 ratio, paired (alternating windows of 25 ops, median of per-round ratios of process CPU):",
);
console.table(
  v.paired.map((p) => ({
    measurement: p.name,
    "median ratio": p.median.toFixed(2),
    "min..max": `${p.min.toFixed(2)}..${p.max.toFixed(2)}`,
    rounds: p.rounds,
    goal: "<= 1.5",
  })),
);

const bundles = await measureBundles();
console.table(
  bundles.map((b) => ({
    bundle: b.name,
    "min (B)": b.minBytes,
    "min+gzip (B)": b.gzipBytes,
    "min+gzip (KB)": (b.gzipBytes / 1024).toFixed(2),
    goal:
      b.name === "browser verifier, loaded up front"
        ? "<= 12 KB (test/bundle-size.test.ts)"
        : b.name.startsWith("anchor")
          ? "anchor"
          : "-",
  })),
);

const preloadDomains = quick ? 10_000 : 100_000;
const p = await measurePreload(preloadDomains, quick ? 20 : 100);
console.log(`\npreload list of ${preloadDomains + 1} sites: ${p.listBytes} B; response ${p.responseBytes} B`);
console.table(
  p.timings.map((t) => ({
    measurement: t.name,
    "per op": t.perOpUs >= 1000 ? `${(t.perOpUs / 1000).toFixed(3)} ms` : `${t.perOpUs.toFixed(2)} µs`,
    ops: t.ops,
  })),
);
