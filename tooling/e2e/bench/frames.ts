import type { Cell, Prepared } from "../fixtures/frames-bench/page.ts";
import {
  cell as nodeCell,
  decrypt as nodeDecrypt,
  prepare as nodePrepare,
} from "../fixtures/frames-bench/page.ts";
import { launchChromium } from "../src/browser.ts";
import { bundleFixture, serveFixtures } from "../src/fixture-server.ts";
import { chromiumCpuSeconds } from "../src/proc-cpu.ts";

const SECONDS = Math.min(20, Number(process.env.SECONDS ?? 5));
const SIZES = [64, 100, 300, 512, 1024, 4096, 10_240];
const BUDGET_MS = 400;

const server = await serveFixtures({
  "/": ["text/html", "<!doctype html><title>frames bench</title>"],
  "/worker.js": ["text/javascript", await bundleFixture("frames-bench/page.ts")],
});
const origin = server.origin;
const browser = await launchChromium();

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
try {
  const page = await browser.context.newPage();
  await page.goto(origin);
  await page.evaluate(() => {
    const w = new Worker("/worker.js", { type: "module" });
    (globalThis as unknown as { call: unknown }).call = (op: string, args: unknown[]) =>
      new Promise((resolve, reject) => {
        w.onmessage = (e) => (e.data.ok ? resolve(e.data.r) : reject(new Error(e.data.error)));
        w.postMessage({ op, args });
      });
  });
  const inChromium = async <T>(op: string, args: unknown[]): Promise<{ r: T; cpu: number }> => {
    const c0 = chromiumCpuSeconds(browser.profile);
    const r = (await page.evaluate(
      ([op, args]) =>
        (globalThis as unknown as { call(op: string, a: unknown[]): Promise<unknown> }).call(op, args),
      [op, args] as const,
    )) as T;
    return { r, cpu: chromiumCpuSeconds(browser.profile) - c0 };
  };
  const inNode = async <T>(f: () => Promise<T>): Promise<{ r: T; cpu: number }> => {
    const c0 = process.cpuUsage();
    const r = await f();
    const d = process.cpuUsage(c0);
    return { r, cpu: (d.user + d.system) / 1e6 };
  };
  const perOp = (x: { r: Cell; cpu: number }) => (x.cpu * 1e6) / x.r.n;

  // Warm both paths in both runtimes first (JIT, key schedules), unmeasured.
  for (const sync of [Infinity, 0]) {
    await inChromium<Cell>("cell", [100, sync, BUDGET_MS]);
    await nodeCell(100, sync, BUDGET_MS);
  }
  const rows = [];
  for (const bytes of SIZES) {
    const cn = perOp(await inChromium<Cell>("cell", [bytes, Infinity, BUDGET_MS]));
    const cw = perOp(await inChromium<Cell>("cell", [bytes, 0, BUDGET_MS]));
    const nn = perOp(await inNode(() => nodeCell(bytes, Infinity, BUDGET_MS)));
    const nw = perOp(await inNode(() => nodeCell(bytes, 0, BUDGET_MS)));
    rows.push({
      bytes,
      "Chromium noble": f1(cn),
      "Chromium WebCrypto": f1(cw),
      "Chromium cheaper": cn < cw ? "noble" : "WebCrypto",
      "Node noble": f1(nn),
      "Node WebCrypto": f1(nw),
      "Node cheaper": nn < nw ? "noble" : "WebCrypto",
    });
  }
  console.log(
    `\n## 1. AES-GCM seal + open per frame, one in flight: CPU µs per round trip (${BUDGET_MS} ms per cell)`,
  );
  console.table(rows);

  const prepared = (await inChromium<Prepared>("prepare", [SECONDS])).r;
  const chrome = await inChromium<number>("decrypt", []);
  await nodePrepare(SECONDS);
  const node = await inNode(() => nodeDecrypt());
  const needed = prepared.senders * (30 + 50);
  const share = (cpu: number) => (100 * needed * cpu) / prepared.frames;
  console.log(
    `\n## 2. one receiver, ${prepared.senders} senders x (30 fps 4 KB video + 50 fps 100 B audio), ${SECONDS} s of media` +
      ` (${prepared.frames} frames), one frame in flight, sync GCM up to ${prepared.syncMaxBytes} B`,
  );
  console.table(
    [
      ["Chromium, dedicated worker (all its processes)", chrome],
      ["Node, main thread (+ WebCrypto pool)", node],
    ].map(([where, x]) => {
      const m = x as { r: number; cpu: number };
      return {
        where,
        "CPU s": f2(m.cpu),
        "wall ms": Math.round(m.r),
        "share of one core at real time": `${f1(share(m.cpu))} %`,
        goal: "<= 15 %",
      };
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
