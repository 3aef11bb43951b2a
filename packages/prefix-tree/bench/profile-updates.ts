/**
 * Update-path driver for `node --cpu-prof` (issue 12, "cache-aware layout"): builds N random leaves
 * (in memory, with a MemoryPageStore, or reopened behind a page cache), then times batches of
 * random updates (90 % existing keys, 10 % new) in main-thread CPU time.
 *
 *   nice -n 10 node bench/profile-updates.ts 2000000 mem
 *   PROFILE_OUT=/tmp/mem.cpuprofile ...   CPU profile of the update loop only (node:inspector)
 *   PROFILE_BATCH=10000 PROFILE_UPDATES=200000 node bench/profile-updates.ts 4000000 store
 *   node bench/profile-updates.ts 4000000 cache     (PROFILE_CACHE_MB, default 100)
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { poolCounters } from "../src/buffer-pool.ts";
import { fastSha256, MemoryPageStore, PrefixTree } from "../src/index.ts";
import { cpu, rand } from "./workload.ts";

const N = Number(process.argv[2] ?? 2_000_000);
const mode = process.argv[3] ?? "mem";
const B = Number(process.env.PROFILE_BATCH ?? 10_000);
const total = Number(process.env.PROFILE_UPDATES ?? 200_000);
const cacheMb = Number(process.env.PROFILE_CACHE_MB ?? 100);

const keys = rand(N * 32, 0x1234 + N);
const values = rand(N * 32, 0x9876 + N);
const store = mode === "mem" ? undefined : new MemoryPageStore();
let t0 = cpu();
let tree = PrefixTree.bulkBuild(keys, values, { hash: fastSha256, store });
console.log(`build ${N} (${mode}): ${((cpu() - t0) / 1000).toFixed(1)} s`);
if (mode === "cache") tree = new PrefixTree({ hash: fastSha256, store, cacheBytes: cacheMb * 1e6 });
const v = rand(total * 32, 77);
const k = new Uint8Array(total * 32);
const dv = new DataView(v.buffer);
for (let i = 0; i < total; i++) {
  if (i % 10 === 9) k.set(rand(32, 99 + i), i * 32);
  else {
    const j = dv.getUint32(i * 32) % N;
    k.set(keys.subarray(j * 32, j * 32 + 32), i * 32);
  }
}
const out = process.env.PROFILE_OUT;
const session = out ? new Session() : undefined;
const post = (method: string, params?: object) =>
  new Promise<unknown>((res, rej) =>
    (session as Session).post(method, params, (e, r) => (e ? rej(e) : res(r))),
  );
if (session) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
  await post("Profiler.start");
}
const s0 = tree.stats();
const p0 = { ...poolCounters };
t0 = cpu();
for (let i = 0; i < total; i += B)
  tree.setMany(k.subarray(i * 32, (i + B) * 32), v.subarray(i * 32, (i + B) * 32));
const dt = (cpu() - t0) / 1000;
const s1 = tree.stats();
if (session) {
  const { profile } = (await post("Profiler.stop")) as { profile: unknown };
  writeFileSync(out as string, JSON.stringify(profile));
}
console.log(
  `${mode} batch ${B}: ${Math.round(total / dt)} updates/s; ${((s1.rowsWritten - s0.rowsWritten) / total).toFixed(2)} rows/update; ${((s1.pageLoads - s0.pageLoads) / total).toFixed(2)} loads/update; peak ${(s1.peakBytes / 1e6).toFixed(1)} MB of pages; page buffers ${poolCounters.takes - p0.takes} taken, ${poolCounters.hits - p0.hits} from the pool`,
);
