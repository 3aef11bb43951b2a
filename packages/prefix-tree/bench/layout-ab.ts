/**
 * Interleaved A/B of the update path (issue 12, "make updates fast at scale"): a baseline copy of
 * `src/` (another commit, extracted into AB_BASE) against this checkout's `src/`, in one process.
 * Two trees over the same leaves (each with its own MemoryPageStore in the store and cache modes)
 * get the same random batches (90 % existing keys, 10 % new), taking turns batch by batch (which
 * goes first alternates by round); main-thread CPU time; roots compared after every round.
 *
 *   git archive <commit> src | tar -x -C bench/.ab-base    (from packages/prefix-tree; untracked)
 *   AB_BASE=./.ab-base/src nice -n 10 node bench/layout-ab.ts 2000000 mem 6
 *   ... 4000000 store 6      ... 4000000 cache 6   (AB_CACHE_MB, default 100; AB_UPDATES per round)
 */
import { fastSha256 } from "../src/index.ts";
import { cpu, rand, roundBatch } from "./workload.ts";

type TreeLike = {
  setMany(k: Uint8Array, v: Uint8Array): void;
  root(): Uint8Array;
  stats(): { pageLoads: number; pages: number; bytes: number };
};
type Mod = {
  PrefixTree: {
    bulkBuild(k: Uint8Array, v: Uint8Array, o: object): TreeLike;
    new (o: object): TreeLike;
  };
  MemoryPageStore: new () => object;
};

const N = Number(process.argv[2] ?? 2_000_000);
const mode = process.argv[3] ?? "mem";
const rounds = Number(process.argv[4] ?? 6);
const B = Number(process.env.AB_BATCH ?? 10_000);
const perRound = Number(process.env.AB_UPDATES ?? 50_000);
const cacheMb = Number(process.env.AB_CACHE_MB ?? 100);
const basePath = process.env.AB_BASE ?? "./.ab-base/src";

const base = (await import(`${basePath}/index.ts`)) as Mod;
const next = (await import("../src/index.ts")) as unknown as Mod;

const keys = rand(N * 32, 0x1234 + N);
const values = rand(N * 32, 0x9876 + N);
function open(m: Mod): TreeLike {
  const store = mode === "mem" ? undefined : new m.MemoryPageStore();
  const t = m.PrefixTree.bulkBuild(keys, values, { hash: fastSha256, store });
  return mode === "cache" ? new m.PrefixTree({ hash: fastSha256, store, cacheBytes: cacheMb * 1e6 }) : t;
}
const trees: [string, TreeLike][] = [
  ["base", open(base)],
  ["new", open(next)],
];
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const rates: Record<string, number[]> = { base: [], new: [] };
const loads: Record<string, number> = { base: 0, new: 0 };
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const { keys: k, values: v } = roundBatch(keys, N, perRound, r);
  // Batch by batch, the two trees take turns (who goes first alternates by round), so a change
  // of machine load hits both alike.
  const order = r % 2 === 0 ? trees : [...trees].reverse();
  const ms: Record<string, number> = { base: 0, new: 0 };
  const l0 = trees.map(([, t]) => t.stats().pageLoads);
  for (let i = 0; i < perRound; i += B) {
    for (const [name, t] of order) {
      const t0 = cpu();
      t.setMany(k.subarray(i * 32, (i + B) * 32), v.subarray(i * 32, (i + B) * 32));
      ms[name] = (ms[name] as number) + cpu() - t0;
    }
  }
  const line: string[] = [];
  trees.forEach(([name, t], x) => {
    const rate = perRound / ((ms[name] as number) / 1000);
    loads[name] = (loads[name] as number) + t.stats().pageLoads - (l0[x] as number);
    (rates[name] as number[]).push(rate);
    line.push(`${name} ${Math.round(rate)}/s`);
  });
  const [a, b] = trees.map(([, t]) => hex(t.root()));
  if (a !== b && !process.env.AB_NO_ROOTS) throw new Error(`roots differ after round ${r + 1}`);
  const ratio = ((rates.new as number[])[r] as number) / ((rates.base as number[])[r] as number);
  ratios.push(ratio);
  console.log(`round ${r + 1} (${order[0]?.[0]} first): ${line.join(", ")}, new/base ${ratio.toFixed(3)}`);
}
const med = (x: number[]) => {
  const s = [...x].sort((p, q) => p - q);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};
const spread = (x: number[]) => (Math.max(...x) - Math.min(...x)) / med(x);
console.log(
  `\n${N} leaves, ${mode}${mode === "cache" ? ` ${cacheMb} MB` : ""}, batch ${B}, ${rounds} rounds x ${perRound} updates:`,
);
for (const name of ["base", "new"])
  console.log(
    `  ${name}: median ${Math.round(med(rates[name] as number[]))}/s, spread ${(100 * spread(rates[name] as number[])).toFixed(1)} %` +
      (mode === "cache"
        ? `, ${((loads[name] as number) / (rounds * perRound)).toFixed(3)} page loads/update`
        : ""),
  );
console.log(
  `  new/base: median ${med(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}..${Math.max(...ratios).toFixed(3)}); roots equal every round`,
);
