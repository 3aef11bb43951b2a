/**
 * Issue 16's benchmarks (`pnpm --filter @sealroom/e2e bench`; runs inside loopback.sh with nice):
 *
 * 1. Bytes the verifier adds to the first load, bundled alone with Vite like the app (minified as the
 *    app build minifies: identifiers, syntax and whitespace; each chunk gzipped -9): the badge
 *    (src/transparency/badge.ts) in the page's entry chunk, and its module worker (verify-worker.ts:
 *    @sealroom/manifest/browser-worker, the cosignature check in the worker's own chunk) with any
 *    lazy chunk it imports on every page (none now; the @noble/ed25519 fallback only loads without
 *    WebCrypto Ed25519), fetched after `load`. The app itself (`src/main.ts` bundled alone) is the
 *    anchor. The service worker (dist/sw.js, fetched by the browser in the background after a
 *    verified load) is reported apart. Vite's library mode keeps whitespace in ES output (to keep
 *    pure annotations for the library's users), which the app build does not: so whitespace
 *    minification is asked for explicitly (`rolldownOptions.output.minify`).
 * 2. Extra time to interactive in Chromium: the dev stack (dev-stack.ts, isolated), fresh browser
 *    contexts (cold cache), alternating the verified page with the same page unverified (the
 *    manifest request aborted, so the badge stops at once; both variants route that request through
 *    Playwright so interception costs the same) for `ROUNDS` pairs. TTI here = the end
 *    of the last long task (> 50 ms, Long Tasks API) or `domContentLoadedEventEnd` if later,
 *    observed until the badge finished plus 1 s; also total blocking time (sum of long-task time
 *    beyond 50 ms) and the badge's own duration (`data-ms`). Medians; the difference is the cost.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { measureEntry } from "../../../packages/manifest/bench/bundle-size.ts";
import { startDevStack } from "../../scripts/dev-stack.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../src/browser.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const WEB = join(ROOT, "apps/web");
const ROUNDS = Number(process.env.SEALROOM_BENCH_QUICK ? 3 : 7);

const { build } = (await import(join(WEB, "node_modules/vite/dist/node/index.js"))) as {
  build(config: unknown): Promise<unknown>;
};

/** Up-front and lazy bytes of one entry bundled like the app; the lazy chunks counted are those the
 * badge loads on every page, so not the @noble/ed25519 fallback (only where WebCrypto lacks Ed25519). */
async function bundle(
  entry: string,
): Promise<{ upFront: number; upFrontMin: number; lazy: number; lazyMin: number }> {
  const { upFront, lazy } = await measureEntry(entry, WEB, {
    vite: build,
    lazy: (file) => !file.startsWith("ed25519-noble"),
  });
  return {
    upFront: upFront.gzipBytes,
    upFrontMin: upFront.minBytes,
    lazy: lazy.gzipBytes,
    lazyMin: lazy.minBytes,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

const badge = await bundle(join(WEB, "src/transparency/badge.ts"));
const worker = await bundle(join(WEB, "src/transparency/verify-worker.ts"));
const app = await bundle(join(WEB, "src/main.ts"));
const total = badge.upFront + worker.upFront + worker.lazy;
console.log("-- bytes (Vite, minified, gzip -9 per chunk) --");
console.log(
  `  badge in the page's entry chunk (up front, main thread)        ${badge.upFront} B (${kb(badge.upFront)})   min ${badge.upFrontMin} B`,
);
console.log(
  `  verifier worker after load (@sealroom/manifest/browser-worker) ${worker.upFront} B (${kb(worker.upFront)})   min ${worker.upFrontMin} B`,
);
console.log(
  `  lazy chunks it loads on every page (none: check in the worker) ${worker.lazy} B (${kb(worker.lazy)})   min ${worker.lazyMin} B`,
);
console.log(
  `  verifier total in the first load                               ${total} B (${kb(total)})   goal <= 15 KB`,
);
console.log(
  `  anchor: the app's own entry (src/main.ts) up front              ${app.upFront} B (${kb(app.upFront)})`,
);
try {
  const sw = readFileSync(join(WEB, "dist/sw.js"));
  console.log(
    `  service worker dist/sw.js (background, after a verified load)  ${gzipSync(sw, { level: 9 }).length} B gzip, ${sw.length} B min`,
  );
} catch {
  // built by the stack below on first run
}

const dir = mkdtempSync(join(tmpdir(), "sealroom-deliver-bench-"));
const t0 = Date.now();
const stack = await startDevStack({ isolated: dir, keysDir: join(dir, "keys"), log: () => {} });
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
});

async function load(verified: boolean) {
  const ctx = await browser.newContext({ serviceWorkers: "block" });
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __lt: { start: number; duration: number }[] };
    w.__lt = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lt.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  });
  // Both variants intercept the same request (interception has a cost of its own); only the
  // unverified one aborts it, so its badge stops at once.
  await page.route("**/.well-known/waict/manifest", (r) => (verified ? r.continue() : r.abort()));
  await page.goto(stack.url, { waitUntil: "load" });
  const el = page.locator(".sealroom-transparency");
  await page.waitForFunction(
    () =>
      /^(verified|failed)$/.test(
        document.querySelector(".sealroom-transparency")?.getAttribute("data-state") ?? "",
      ),
    undefined,
    { timeout: 30_000 },
  );
  const state = await el.getAttribute("data-state");
  await page.waitForTimeout(1000);
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const lt = (window as unknown as { __lt: { start: number; duration: number }[] }).__lt;
    const lastLong = lt.reduce((x, e) => Math.max(x, e.start + e.duration), 0);
    return {
      tti: Math.max(nav.domContentLoadedEventEnd, lastLong),
      tbt: lt.reduce((x, e) => x + Math.max(0, e.duration - 50), 0),
      load: nav.loadEventEnd,
    };
  });
  const ms = Number((await el.getAttribute("data-ms")) ?? "NaN");
  await ctx.close();
  return { ...m, state, ms };
}

const v: Awaited<ReturnType<typeof load>>[] = [];
const u: Awaited<ReturnType<typeof load>>[] = [];
await load(true); // warm-up (workerd JIT, the Workers' caches)
for (let i = 0; i < ROUNDS; i++) {
  v.push(await load(true));
  u.push(await load(false));
}
await browser.close();
await stack.stop();
rmSync(dir, { recursive: true, force: true });
if (v.some((x) => x.state !== "verified")) throw new Error("a verified load did not verify");
console.log(`-- Chromium, ${ROUNDS} alternating pairs, fresh contexts (cold cache), medians --`);
console.log("                                   verified    unverified   extra");
for (const [k, label] of [
  ["tti", "time to interactive (ms)"],
  ["tbt", "total blocking time (ms)"],
  ["load", "load event end (ms)"],
] as const)
  console.log(
    `  ${label.padEnd(32)} ${median(v.map((x) => x[k]))
      .toFixed(1)
      .padStart(8)}   ${median(u.map((x) => x[k]))
      .toFixed(1)
      .padStart(
        10,
      )}   ${(median(v.map((x) => x[k])) - median(u.map((x) => x[k]))).toFixed(1).padStart(6)}   goal <= 50 ms extra TTI`,
  );
// The noise the medians sit in: the per-pair differences (each verified load minus the unverified
// load right after it) and the unverified loads' own spread (quartiles), both for TTI.
const quartiles = (xs: number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)]!, s[Math.ceil(((s.length - 1) * 3) / 4)]!];
};
const pairs = v.map((x, i) => x.tti - u[i]!.tti);
const [uq1, uq3] = quartiles(u.map((x) => x.tti));
console.log(
  `  TTI per pair (verified - unverified): median ${median(pairs).toFixed(1)} ms, range ${Math.min(...pairs).toFixed(1)} .. ${Math.max(...pairs).toFixed(1)}; unverified TTI quartiles ${uq1.toFixed(1)} .. ${uq3.toFixed(1)} ms`,
);
console.log(
  `  badge verification duration (after load, async)   ${median(v.map((x) => x.ms)).toFixed(0)} ms`,
);
console.log(`(total wall time ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
