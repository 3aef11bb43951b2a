/**
 * Driving call participants in Chromium, shared by the call tests (peer mesh: `call.test.ts`; SFU:
 * `call-sfu.test.ts`): open a tab on a room's invite link and press Join, read the engine's state
 * (`globalThis.sealroomCall`), and wait until every tab agrees on one epoch and safety number and decodes
 * every other tab's video and audio.
 */
import type { BrowserContext, Page, Worker } from "playwright-core";
import { expect } from "vitest";
import type { Call } from "../../../apps/web/src/engine/call.ts";
import { type LaunchedBrowser, launchChromium } from "./browser.ts";

export interface PageState {
  connection: string;
  me: string | null;
  present: string[];
  epoch: string | null;
  safety: string | null;
  roster: string[];
  dataPlane: string;
}

export interface RemoteStats {
  member: string;
  framesDecoded: number;
  frameWidth: number;
  audioSamplesReceived: number;
}

type CallGlobal = { sealroomCall: Call };

export async function newRoom(origin: string): Promise<string> {
  const res = await fetch(`${origin}/rooms`, { method: "POST" });
  return ((await res.json()) as { room: string }).room;
}

/** Records every WebSocket frame a page sends or receives into `wire`. */
export function recordSockets(page: Page, wire: Buffer[]): void {
  page.on("websocket", (ws) => {
    const keep = (f: { payload: string | Buffer }) =>
      wire.push(typeof f.payload === "string" ? Buffer.from(f.payload) : Buffer.from(f.payload));
    ws.on("framesent", keep);
    ws.on("framereceived", keep);
  });
}

/** Opens the room's link in a new tab of `context` and joins through the lobby's Join button. */
export async function openCall(
  context: BrowserContext,
  origin: string,
  roomId: string,
  opts: { errors: string[]; wire: Buffer[]; setup?: (page: Page) => void },
): Promise<Page> {
  const page = await context.newPage();
  opts.setup?.(page);
  page.on("pageerror", (e) => opts.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") opts.errors.push(m.text());
  });
  recordSockets(page, opts.wire);
  await page.goto(`${origin}/r/${roomId}?video=160x120@10`);
  // The lobby: join as a person would (the engine starts when "Join" is pressed).
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await page.waitForFunction(() => "sealroomCall" in globalThis);
  return page;
}

export function callState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as CallGlobal).sealroomCall;
    return {
      connection: c.connection,
      me: c.me,
      present: c.present,
      epoch: c.epoch?.epoch ?? null,
      safety: c.epoch?.safetyNumber ?? null,
      roster: c.epoch?.roster.map((r) => r[1]) ?? [],
      dataPlane: c.dataPlane,
    };
  });
}

export function remoteStats(page: Page): Promise<RemoteStats[]> {
  return page.evaluate(() => (globalThis as unknown as CallGlobal).sealroomCall.mediaStats());
}

export function frameStats(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => (globalThis as unknown as CallGlobal).sealroomCall.frameStats());
}

/** SFU plane: the connection's video RTP figures and which transceivers carry a transform (diagnostics). */
export function rtpDebug(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const pc = (globalThis as unknown as CallGlobal).sealroomCall.sfuLocal().connection;
    if (!pc) return null;
    const rtp: unknown[] = [];
    (await pc.getStats()).forEach((r) => {
      if ((r.type === "inbound-rtp" || r.type === "outbound-rtp") && r.kind === "video")
        rtp.push({
          type: r.type,
          mid: r.mid,
          track: r.trackIdentifier,
          packets: r.packetsReceived ?? r.packetsSent,
          frames: r.framesReceived ?? r.framesSent,
          decoded: r.framesDecoded,
          keyDecoded: r.keyFramesDecoded,
          keyEncoded: r.keyFramesEncoded,
          pli: r.pliCount,
          fir: r.firCount,
        });
    });
    const transceivers = pc.getTransceivers().map((t) => ({
      mid: t.mid,
      direction: t.currentDirection,
      kind: t.receiver.track.kind,
      track: t.receiver.track.id,
      send: Boolean(t.sender.transform),
      receive: Boolean(t.receiver.transform),
    }));
    return { rtp, transceivers };
  });
}

export function videoWidths(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll<HTMLVideoElement>("video[data-member]")).map((v) => [
        v.dataset.member!,
        v.videoWidth,
      ]),
    ),
  );
}

/** All pages in sync on one epoch with the same safety number and a roster of exactly them. */
export async function expectAgreement(pages: Page[], timeout = 60_000): Promise<PageState[]> {
  let last: PageState[] = [];
  await expect
    .poll(
      async () => {
        last = await Promise.all(pages.map(callState));
        const me = last.map((s) => s.me).sort();
        return last.every(
          (s) =>
            s.safety !== null &&
            s.safety === last[0]!.safety &&
            s.epoch === last[0]!.epoch &&
            JSON.stringify([...s.roster].sort()) === JSON.stringify(me),
        );
      },
      { timeout, interval: 250 },
    )
    .toBe(true);
  expect(last[0]!.safety).toMatch(/^\d{5}( \d{5}){5}$/);
  return last;
}

/**
 * Every page decodes video (rising frame counts, real width) and audio from every other page; on failure
 * the error carries every page's figures, its media worker's counters and `errors`.
 */
export async function expectDecoding(pages: Page[], errors: string[], timeout = 60_000): Promise<void> {
  const ids = (await Promise.all(pages.map(callState))).map((s) => s.me!);
  const snapshot = async () => Promise.all(pages.map(remoteStats));
  const ready = (all: RemoteStats[][], floor: (p: number, m: string) => number) =>
    all.every((stats, p) =>
      ids
        .filter((id) => id !== ids[p])
        .every((id) => {
          const s = stats.find((x) => x.member === id);
          return (
            s !== undefined &&
            s.framesDecoded > floor(p, id) &&
            s.frameWidth > 0 &&
            s.audioSamplesReceived > 0
          );
        }),
    );
  let first: RemoteStats[][] = [];
  try {
    await expect
      .poll(
        async () => {
          first = await snapshot();
          return ready(first, () => 2);
        },
        { timeout, interval: 500 },
      )
      .toBe(true);
  } catch (err) {
    const frames = await Promise.all(pages.map(frameStats));
    const rtp = await Promise.all(pages.map(rtpDebug));
    throw new Error(`not decoding: ${JSON.stringify({ ids, stats: first, frames, rtp, errors })}`, {
      cause: err,
    });
  }
  // Still decoding: every count rises.
  let later: RemoteStats[][] = [];
  await expect
    .poll(
      async () => {
        later = await snapshot();
        return ready(later, (p, m) => first[p]!.find((x) => x.member === m)!.framesDecoded + 5);
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe(true)
    .catch(async (err) => {
      const frames = await Promise.all(pages.map(frameStats));
      const rtp = await Promise.all(pages.map(rtpDebug));
      throw new Error(`stopped decoding: ${JSON.stringify({ ids, first, later, frames, rtp, errors })}`, {
        cause: err,
      });
    });
  for (const [p, page] of pages.entries()) {
    const widths = await videoWidths(page);
    for (const id of ids.filter((x) => x !== ids[p]))
      expect(widths[id], `${ids[p]} shows ${id}`).toBeGreaterThan(0);
  }
}

/** The designated committer's page: the member at the lowest leaf of the (common) roster. */
export async function committerOf(pages: Page[]): Promise<Page> {
  const states = await Promise.all(pages.map(callState));
  const roster = (await pages[0]!.evaluate(
    () => (globalThis as unknown as CallGlobal).sealroomCall.epoch!.roster,
  )) as [number, string][];
  const lowest = roster[0]![1];
  return pages[states.findIndex((s) => s.me === lowest)]!;
}

/**
 * Two tabs of a fresh Chromium profile (no cached media worker) whose media worker is the tap
 * (`fixtures/call/tap-media-worker.ts`, bundled as `tapBundle`: the app's worker plus a copy of every
 * encrypted frame as sent), joined to one new room at `origin`, in sync and decoding each other.
 */
export async function openTappedPair(
  origin: string,
  tapBundle: string,
  opts: { errors: string[]; wire: Buffer[] },
): Promise<{ browser: LaunchedBrowser; pages: Page[]; workers: Worker[] }> {
  const browser = await launchChromium();
  await browser.context.route(/\/assets\/media-worker-[^/]+\.js$/, (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: tapBundle }),
  );
  const roomId = await newRoom(origin);
  const pages: Page[] = [];
  const workers = new Map<Page, Worker>();
  for (let i = 0; i < 2; i++) {
    const page = await browser.context.newPage();
    page.on("worker", (w) => {
      if (w.url().includes("media-worker")) workers.set(page, w);
    });
    page.on("pageerror", (e) => opts.errors.push(e.message));
    recordSockets(page, opts.wire);
    await page.goto(`${origin}/r/${roomId}?video=160x120@10`);
    await page.getByRole("button", { name: "Join", exact: true }).click();
    pages.push(page);
  }
  await expectAgreement(pages);
  await expectDecoding(pages, opts.errors);
  const found = pages.map((p) => workers.get(p));
  expect(found.every((w) => w !== undefined)).toBe(true);
  return { browser, pages, workers: found as Worker[] };
}

type TapGlobal = {
  sealroomTap: {
    count(): number;
    keys(): unknown[];
    decrypt(keys: unknown): Promise<{ frames: number; noKeys: number; wrongKeys: number; rightKeys: number }>;
  };
};

/**
 * The frames `sender`'s tap copied are ciphertext: without keys none decrypts, with keys the receiver
 * never held none does, and with the receiver's own epoch keys (handed over from `receiver`'s worker)
 * most do — so the tap did see the real media, and only the keys open it.
 */
export async function expectTapCannotDecrypt(sender: Worker, receiver: Worker): Promise<void> {
  const count = () => sender.evaluate(() => (globalThis as never as TapGlobal).sealroomTap.count());
  await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(50);
  const keys = await receiver.evaluate(() => (globalThis as never as TapGlobal).sealroomTap.keys());
  const result = await sender.evaluate(
    (k) => (globalThis as never as TapGlobal).sealroomTap.decrypt(k),
    keys,
  );
  expect(result.frames).toBeGreaterThan(50);
  expect(result.noKeys).toBe(0);
  expect(result.wrongKeys).toBe(0);
  // Frames sent before the receiver's epoch was installed are under keys it never had; the rest decrypt.
  expect(result.rightKeys).toBeGreaterThan(result.frames / 2);
}
