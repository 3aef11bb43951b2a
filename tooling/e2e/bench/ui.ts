/**
 * Call UI benchmark (bounded; run inside tooling/scripts/loopback.sh with nice -n 10):
 *   1. first-load bytes per chunk, min+gzip (apps/web/bench/first-load.ts over apps/web/dist);
 *   2. time until the lobby is interactive in Chromium (navigation start -> "Join" enabled, which needs
 *      the camera open), against an anchor page on the same origin in the same run that only opens the
 *      camera and enables a button (no UI code at all): the difference is what the UI costs;
 *   3. frames per second rendered per remote tile with 6 participants (requestVideoFrameCallback over
 *      5 s on one participant's screen), against the fake camera's source rate (10 fps).
 * `pnpm --filter @sealroom/e2e bench`; SEALROOM_BENCH_REPS (default 5) lobby repetitions,
 * SEALROOM_BENCH_PEOPLE (default 6).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { firstLoad } from "../../../apps/web/bench/first-load.ts";
import { launchUiChromium } from "../src/ui-browser.ts";
import { ROOT, startTabsRoom, stop } from "../src/workspace.ts";

const REPS = Number(process.env.SEALROOM_BENCH_REPS ?? 5);
const PEOPLE = Number(process.env.SEALROOM_BENCH_PEOPLE ?? 6);
const VIDEO = "video=160x120@10";
const ANCHOR = `<!doctype html><meta charset="utf-8"><title>anchor</title><button disabled>Join</button>
<script type="module">navigator.mediaDevices.getUserMedia({audio:true,video:{width:160,height:120,frameRate:10}})
.then(() => { document.querySelector("button").disabled = false; });</script>`;

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bytes = firstLoad(join(ROOT, "apps/web/dist"));
console.log("## First load (min+gzip)\n");
console.log("| chunk | min+gzip | loaded |\n| --- | ---: | --- |");
for (const c of bytes.chunks.filter((c) => c.first || c.gzip > 4096))
  console.log(`| ${c.file} | ${kb(c.gzip)} | ${c.first ? "first load" : "workers (after Join)"} |`);
console.log(
  `\nfirst load ${kb(bytes.firstGzip)} (budget 150 KB); workers and their chunks ${kb(bytes.laterGzip)}\n`,
);

const persist = mkdtempSync(join(tmpdir(), "sealroom-ui-bench-"));
const { room, origin } = await startTabsRoom(persist);
const browser = await launchUiChromium(origin);
await browser.context.route(`${origin}/bench-anchor`, (r) =>
  r.fulfill({ status: 200, contentType: "text/html", body: ANCHOR }),
);
try {
  const roomId = ((await (await fetch(`${origin}/rooms`, { method: "POST" })).json()) as { room: string })
    .room;
  const ready = async (url: string, selector: string) => {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForFunction((s) => {
      const b = document.querySelector<HTMLButtonElement>(s);
      return b !== null && !b.disabled;
    }, selector);
    const ms = await page.evaluate(() => performance.now());
    await page.close();
    return ms;
  };
  const ui: number[] = [];
  const anchor: number[] = [];
  for (let i = 0; i < REPS; i++) {
    anchor.push(await ready(`${origin}/bench-anchor`, "button"));
    ui.push(await ready(`${origin}/r/${roomId}?${VIDEO}`, "form.lobby button.primary"));
  }
  console.log("## Lobby interactive (navigation start -> Join enabled, camera open)\n");
  console.log("| page | median | min | max |\n| --- | ---: | ---: | ---: |");
  for (const [name, xs] of [
    ["Sealroom lobby", ui],
    ["anchor (camera + button, no UI)", anchor],
  ] as const)
    console.log(
      `| ${name} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)} ms | ${Math.max(...xs).toFixed(0)} ms |`,
    );
  console.log(`\n(${REPS} each, alternating)\n`);

  // Frames rendered with PEOPLE participants.
  const callRoom = ((await (await fetch(`${origin}/rooms`, { method: "POST" })).json()) as { room: string })
    .room;
  const pages: Page[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const p = await browser.context.newPage();
    await p.goto(`${origin}/r/${callRoom}?${VIDEO}`);
    await p.getByLabel("Your name").fill(`P${i}`);
    await p.getByRole("button", { name: "Join", exact: true }).click();
    pages.push(p);
  }
  const watcher = pages[0]!;
  const started = Date.now();
  let tiles = 0;
  while (Date.now() - started < 120_000) {
    tiles = await watcher.evaluate(
      () =>
        Array.from(document.querySelectorAll<HTMLVideoElement>("video[data-member]")).filter(
          (v) => v.videoWidth > 10,
        ).length,
    );
    if (tiles >= PEOPLE - 1) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const fps = await watcher.evaluate(async () => {
    const vids = Array.from(document.querySelectorAll<HTMLVideoElement>("video[data-member]"));
    const counts = vids.map(() => 0);
    vids.forEach((v, i) => {
      const tick = () => {
        counts[i]! += 1;
        v.requestVideoFrameCallback(tick);
      };
      v.requestVideoFrameCallback(tick);
    });
    await new Promise((r) => setTimeout(r, 5_000));
    return counts.map((c) => c / 5);
  });
  console.log(`## Frames rendered with ${PEOPLE} participants (one screen, 5 s)\n`);
  console.log(
    `remote tiles showing video: ${tiles}/${PEOPLE - 1} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(`fps per remote tile: ${fps.map((f) => f.toFixed(1)).join(", ")} (source: 10 fps)`);
  console.log(`total rendered: ${fps.reduce((a, b) => a + b, 0).toFixed(1)} fps`);
} finally {
  await browser.close();
  await stop(room);
  rmSync(persist, { recursive: true, force: true });
}
