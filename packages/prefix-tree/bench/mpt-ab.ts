/**
 * A/B of `mptSha256Into` (src/mpt-hash.ts: SHA-256 with the padding block's schedule precomputed
 * for 64/65-byte node inputs) against the generic `sha256Into`, interleaved in one process (issue
 * 12): two trees over the same leaves, the same random batches applied to each in turn, rounds
 * alternating which goes first; main-thread CPU time per round; roots checked equal. The gain is
 * kept only if it exceeds the run-to-run spread (the spread of the generic side across rounds).
 *
 *   SEALROOM_AB_LEAVES=2000000 SEALROOM_AB_ROUNDS=8 node bench/mpt-ab.ts
 */
import { fastSha256, PrefixTree, type Sha256, sha256Into } from "../src/index.ts";

const N = Number(process.env.SEALROOM_AB_LEAVES ?? 2_000_000);
const ROUNDS = Number(process.env.SEALROOM_AB_ROUNDS ?? 8);
const PER_ROUND = 50_000;
const B = 10_000;

function rand(n: number, seed: number): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(n);
  const w = new Uint32Array(out.buffer, 0, n >>> 2);
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  return out;
}
const cpu = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};

// The generic form: a `.into` that is exactly sha256Into is special-cased to mptSha256Into by
// intoOf, so wrap it.
const generic: Sha256 = Object.assign((d: Uint8Array) => fastSha256(d), {
  into: (d: Uint8Array, o: number, l: number, out: Uint8Array, oo: number) => sha256Into(d, o, l, out, oo),
});
const keys = rand(N * 32, 0x1234);
const trees = {
  mpt: PrefixTree.bulkBuild(keys, keys, { hash: fastSha256 }),
  generic: PrefixTree.bulkBuild(keys, keys, { hash: generic }),
};
const rates: Record<"mpt" | "generic", number[]> = { mpt: [], generic: [] };
const ratios: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const k = new Uint8Array(PER_ROUND * 32);
  const pick = new DataView(rand(PER_ROUND * 4, 77 + r).buffer);
  for (let i = 0; i < PER_ROUND; i++) {
    const j = pick.getUint32(i * 4) % N;
    if (i % 10 === 9) k.set(rand(32, 1000 * r + i), i * 32);
    else k.set(keys.subarray(j * 32, j * 32 + 32), i * 32);
  }
  const v = rand(PER_ROUND * 32, 99 + r);
  const order = r % 2 === 0 ? (["mpt", "generic"] as const) : (["generic", "mpt"] as const);
  for (const name of order) {
    const t = trees[name];
    const t0 = cpu();
    for (let i = 0; i < PER_ROUND; i += B)
      t.setMany(k.subarray(i * 32, (i + B) * 32), v.subarray(i * 32, (i + B) * 32));
    rates[name].push(PER_ROUND / ((cpu() - t0) / 1000));
  }
  if (Buffer.compare(trees.mpt.root(), trees.generic.root()) !== 0) throw new Error("roots differ");
  ratios.push((rates.mpt[r] as number) / (rates.generic[r] as number));
  console.log(
    `round ${r + 1} (${order[0]} first): mptSha256Into ${(rates.mpt[r] as number).toFixed(0)}/s, sha256Into ${(rates.generic[r] as number).toFixed(0)}/s, ratio ${(ratios[r] as number).toFixed(3)}`,
  );
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const g = rates.generic;
const spread = (Math.max(...g) - Math.min(...g)) / median(g);
const gain = median(ratios) - 1;
console.log(
  `\n${N.toLocaleString("en-US")} leaves, batch ${B}, ${ROUNDS} rounds x ${PER_ROUND} updates each:` +
    `\n  median gain of mptSha256Into ${(100 * gain).toFixed(1)} % (ratios ${Math.min(...ratios).toFixed(3)}..${Math.max(...ratios).toFixed(3)})` +
    `\n  run-to-run spread of sha256Into ${(100 * spread).toFixed(1)} % ((max - min) / median over rounds)` +
    `\n  => ${gain > spread ? "KEEP: gain exceeds the spread" : "REMOVE: gain within the spread"}`,
);
