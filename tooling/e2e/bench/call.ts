/**
 * Calls in real Chromium (issue #11 "Benchmarks"), loopback only, bounded:
 *
 *   1. Join -> first decrypted remote frame: a tab opens the invite link of a room that already holds
 *      n - 1 members and waits in the lobby until the engine is prepared (`data-engine=ready`: workers,
 *      room socket, key package; that time, from navigation start, is its own column); measured from
 *      the click on the lobby's Join button to (a) it holding the epoch keys (it is in the
 *      roster of the current epoch) and (b) its first decrypted remote video frame, and (c) frames from
 *      every other member. p50/p95 over JOINS joins into rooms of SIZES members (the joiner leaves after
 *      each measurement and the room settles before the next join).
 *      Anchors, same run: the ts-mls join floor (key package + commit of one Add + Welcome, in Node,
 *      `packages/committer/bench/floor.ts`) at the same group size, and one relay hop approximated by a
 *      WebSocket round trip through the room Worker (the runtime's ping auto-response).
 *      A second table splits the time to the keys by what crosses the room sockets (every tab's socket
 *      logs its frames with a wall-clock time; the engine's `wireLog()` where the socket is in the MLS
 *      worker, else a page init script): click -> key package sent, the hop to the committer tab, the
 *      commit made there, the hop back, the Welcome processed in the joiner's worker (keys handed to the
 *      media worker) and the keys on the page. A third splits the media path: the signals (offer out, at
 *      the resident, answer out, back at the joiner), the peer connection's milestones on both sides
 *      (a bench-only `RTCPeerConnection` wrapper) and the frames the joiner dropped before its keys.
 *   2. CPU in the receiving browser: one participant in its own Chromium, the other n - 1 in a second
 *      one; the receiving Chromium's processes (browser, renderer, GPU, network, audio: every descendant
 *      of the process started with its profile) are summed from /proc over CPU_SECONDS, for n = 1
 *      (alone: the anchor, camera only; measured first and again last, the last is the anchor), 2 and 6.
 *      Per remote participant = (cpu(n) - cpu(1)) / (n - 1): on the mesh that is one encoder, one decoder and
 *      the SFrame work of both directions.
 *
 *   bash tooling/scripts/loopback.sh nice -n 10 node tooling/e2e/bench/call.ts
 *   env: SIZES=2,5,10  JOINS=20  CPU_SIZES=2,6 (empty: skip)  CPU_SECONDS=30  SEALROOM_BENCH_QUICK=1 (sizes 2,5, 5 joins, 10 s)
 *        CALL_DEBUG=1 (print every tab's console warnings and errors, labelled by the tab's join order)
 *        PLANE=sfu (the SFU path through the local SFU instead of the peer mesh)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { mlsJoinFloor } from "../../../packages/committer/bench/floor.ts";
import { TsMlsEngine } from "../../../packages/committer/src/ts-mls-engine.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { chromiumCpuSeconds } from "../src/proc-cpu.ts";
import { ROOT, run, startSfuRoom, startTabsRoom, stop } from "../src/workspace.ts";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
/** A comma list from the environment; unset gives the default, empty gives none (CPU_SIZES= skips part 2). */
const list = (v: string | undefined, d: number[]) =>
  v === undefined ? d : v === "" ? [] : v.split(",").map(Number);
const SIZES = list(process.env.SIZES, QUICK ? [2, 5] : [2, 5, 10]);
const JOINS = Math.min(50, Number(process.env.JOINS ?? (QUICK ? 5 : 20)));
const CPU_SIZES = list(process.env.CPU_SIZES, [2, 6]);
const CPU_SECONDS = Math.min(60, Number(process.env.CPU_SECONDS ?? (QUICK ? 10 : 30)));
/** Small camera frames: ten tabs of one machine must fit on two cores. */
const VIDEO = "160x120@10";

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

if (!existsSync(join(ROOT, "apps/web/dist/index.html"))) {
  const b = await run("pnpm", ["--filter", "@sealroom/web", "build"], { cwd: ROOT });
  if (b.code !== 0) throw new Error(`web build failed:\n${b.stdout}\n${b.stderr}`);
}

const persist = mkdtempSync(join(tmpdir(), "sealroom-callbench-"));
// PLANE=sfu: the Realtime SFU path through the local SFU (`@sealroom/local-sfu`, 127.0.0.1) instead of the
// peer mesh: one connection per tab, one encoder per sender whatever the room's size.
const PLANE = process.env.PLANE === "sfu" ? "sfu" : "mesh";
const sfuRoom = PLANE === "sfu" ? await startSfuRoom(persist) : null;
const { room, origin } = sfuRoom ?? (await startTabsRoom(persist));
console.log(`media plane: ${PLANE}`);
const browsers: LaunchedBrowser[] = [];

async function newRoom(): Promise<string> {
  const res = await fetch(`${origin}/rooms`, { method: "POST" });
  return ((await res.json()) as { room: string }).room;
}

async function members(id: string): Promise<number> {
  const res = await fetch(`${origin}/rooms/${id}`);
  return ((await res.json()) as { members: number }).members;
}

/**
 * Where a join's time goes, read off the room socket of every tab (bench only, no engine hook): each
 * page's WebSocket logs the frames it sends and receives (committer codec: byte 1 is the message tag,
 * byte 10 an event's tag) with a wall-clock time (`performance.timeOrigin + now()`, comparable across
 * tabs of one machine).
 */
const WIRE_LOG = () => {
  const log: { t: number; dir: "send" | "recv"; tag: number; ev: number }[] = [];
  (globalThis as unknown as { wireLog: typeof log }).wireLog = log;
  const at = () => performance.timeOrigin + performance.now();
  const note = (dir: "send" | "recv", d: unknown) => {
    if (!(d instanceof ArrayBuffer || ArrayBuffer.isView(d))) return;
    const b =
      d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    if (log.length > 5000) log.splice(0, 1000);
    log.push({ t: at(), dir, tag: b[1] ?? 0, ev: b[10] ?? 0 });
  };
  const Base = WebSocket;
  class Logged extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e) => note("recv", e.data));
    }
    override send(d: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      note("send", d);
      super.send(d);
    }
  }
  (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = Logged;
};
/**
 * The joiner's peer-connection milestones (bench only): every `RTCPeerConnection` of the page logs when it
 * was made, its descriptions set, its first local candidate, and its ICE/DTLS/connection states, with a
 * wall-clock time.
 */
const PC_LOG = () => {
  const log: { t: number; what: string }[] = [];
  (globalThis as unknown as { pcLog: typeof log }).pcLog = log;
  const at = () => performance.timeOrigin + performance.now();
  const Base = RTCPeerConnection;
  class Logged extends Base {
    constructor(config?: RTCConfiguration) {
      super(config);
      log.push({ t: at(), what: "created" });
      let candidates = 0;
      this.addEventListener("icecandidate", (e) => {
        if (e.candidate && candidates++ === 0) log.push({ t: at(), what: "local candidate" });
      });
      this.addEventListener("iceconnectionstatechange", () =>
        log.push({ t: at(), what: `ice ${this.iceConnectionState}` }),
      );
      this.addEventListener("connectionstatechange", () =>
        log.push({ t: at(), what: `pc ${this.connectionState}` }),
      );
    }
    override async setLocalDescription(d?: RTCLocalSessionDescriptionInit): Promise<void> {
      log.push({ t: at(), what: "setLocal called" });
      await super.setLocalDescription(d);
      log.push({ t: at(), what: `setLocal ${this.localDescription?.type} done` });
    }
    override async setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
      log.push({ t: at(), what: `setRemote ${d.type} called` });
      await super.setRemoteDescription(d);
      log.push({ t: at(), what: `setRemote ${d.type} done` });
    }
  }
  (globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection }).RTCPeerConnection = Logged;
};

type WireEntry = { t: number; dir: "send" | "recv" | "keys"; tag: number; ev: number };
/**
 * The engine's own log when it has one (`Call.wireLog()`: the room socket lives in the MLS worker, where a
 * page init script cannot reach), else the page's (`WIRE_LOG`, builds whose socket is on the page).
 */
const wireLog = (page: Page) =>
  page.evaluate(async () => {
    const g = globalThis as unknown as {
      wireLog?: WireEntry[];
      sealroomCall?: { wireLog?: () => Promise<WireEntry[]> };
    };
    return (await g.sealroomCall?.wireLog?.()) ?? g.wireLog ?? [];
  });
/** Committer codec tags (packages/committer/src/codec.ts): ClientTag.KeyPackage, CommitBundle; ServerTag.Event; EventTag.Announced, Committed. */
const KEY_PACKAGE = 0x01;
const COMMIT_BUNDLE = 0x02;
const EVENT = 0x82;
const ANNOUNCED = 0x01;
const COMMITTED = 0x04;
/** ClientTag.Signal, ServerTag.Signal: media signalling (offer, answer, ICE candidates) relayed by the room. */
const SIGNAL_OUT = 0x05;
const SIGNAL_IN = 0x84;

/** The join's steps in ms, from the joiner's and the residents' socket logs (undefined if one is missing). */
function joinSteps(clickAt: number, joiner: WireEntry[], residents: WireEntry[][]) {
  const first = (log: WireEntry[], after: number, f: (e: WireEntry) => boolean) =>
    log.find((e) => e.t >= after && f(e))?.t;
  const kp = first(joiner, clickAt, (e) => e.dir === "send" && e.tag === KEY_PACKAGE);
  if (kp === undefined) return undefined;
  const seen = residents
    .map((l) => first(l, kp, (e) => e.dir === "recv" && e.tag === EVENT && e.ev === ANNOUNCED))
    .filter((x): x is number => x !== undefined);
  const atCommitter = Math.min(...seen);
  const commit = Math.min(
    ...residents
      .map((l) => first(l, atCommitter, (e) => e.dir === "send" && e.tag === COMMIT_BUNDLE))
      .filter((x): x is number => x !== undefined),
  );
  const atJoiner = first(joiner, commit, (e) => e.dir === "recv" && e.tag === EVENT && e.ev === COMMITTED);
  if (!Number.isFinite(atCommitter) || !Number.isFinite(commit) || atJoiner === undefined) return undefined;
  // Signalling: the joiner's first signal out (its offer), the first signal a resident receives and the
  // first it sends after that (its answer), and the first signal back at the joiner.
  const offerSent = first(joiner, clickAt, (e) => e.dir === "send" && e.tag === SIGNAL_OUT);
  const offerIn = Math.min(
    ...residents
      .map((l) => first(l, clickAt, (e) => e.dir === "recv" && e.tag === SIGNAL_IN))
      .filter((x): x is number => x !== undefined),
  );
  const answerSent = Math.min(
    ...residents
      .map((l) => first(l, offerIn, (e) => e.dir === "send" && e.tag === SIGNAL_OUT))
      .filter((x): x is number => x !== undefined),
  );
  const answerIn = first(joiner, clickAt, (e) => e.dir === "recv" && e.tag === SIGNAL_IN);
  // Builds whose socket is in the MLS worker also log when it handed the keys to the media worker.
  const keysInWorker = first(joiner, atJoiner, (e) => e.dir === "keys");
  const rel = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? Number.NaN : x - clickAt);
  return {
    offerSent: rel(offerSent),
    offerIn: rel(offerIn),
    answerSent: rel(answerSent),
    answerIn: rel(answerIn),
    welcome: keysInWorker === undefined ? Number.NaN : keysInWorker - atJoiner,
    kpSent: kp - clickAt,
    toCommitter: atCommitter - kp,
    commitMade: commit - atCommitter,
    toJoiner: atJoiner - commit,
    committedAt: atJoiner - clickAt,
  };
}

/** Opens the invite link; resolves with in-page times (ms from navigation start) once decoding `others`. */
async function joinRoom(browser: LaunchedBrowser, id: string, others: number) {
  const page = await browser.context.newPage();
  // CALL_DEBUG=1: every tab's warnings and errors (the call view logs the engine's error events).
  if (process.env.CALL_DEBUG === "1")
    page.on("console", (m) => {
      if (m.type() === "warning" || m.type() === "error")
        console.error(`[${new Date().toISOString().slice(11, 23)} tab ${others}] ${m.type()}: ${m.text()}`);
    });
  await page.goto(`${origin}/r/${id}?video=${VIDEO}`);
  // The lobby: the call starts when "Join" is pressed; times count from that click.
  const join = page.getByRole("button", { name: "Join", exact: true });
  await join.waitFor({ timeout: 60_000 });
  // A person spends a few seconds in the lobby; the engine prepares meanwhile (workers, room socket, key
  // package). Click once it is ready, and report how long preparing took (from navigation start) apart.
  // (A client without the marker, i.e. a build from before lobby preparation, is clicked at once.)
  await page.waitForFunction(
    () => {
      const form = document.querySelector<HTMLFormElement>("form.lobby");
      return form !== null && (form.dataset.engine ?? "ready") === "ready";
    },
    undefined,
    { timeout: 60_000 },
  );
  // Times count from the click as the page sees it (a capture listener), and are taken in the page: the
  // measuring loop starts right after the click's handlers ran (the call view is mounted synchronously),
  // with no DevTools round trip in between (those grow with the machine's load).
  const lobbyMs = await page.evaluate((others) => {
    type Times = {
      poll: number | null;
      me: number | null;
      peerUp: number | null;
      keys: number | null;
      first: number | null;
      all: number | null;
      done: boolean;
      state?: unknown;
    };
    const g = globalThis as unknown as {
      sealroomCall: import("../../../apps/web/src/engine/call.ts").Call;
      joinTimes: Times;
    };
    addEventListener(
      "click",
      () => {
        const clickedAt = performance.now();
        (g as unknown as { clickAt: number }).clickAt = performance.timeOrigin + clickedAt;
        const since = () => performance.now() - clickedAt;
        const t: Times = {
          poll: null,
          me: null,
          peerUp: null,
          keys: null,
          first: null,
          all: null,
          done: false,
        };
        g.joinTimes = t;
        setTimeout(async () => {
          const c = g.sealroomCall;
          t.poll = since();
          const inRoster = () => c.me !== null && (c.epoch?.roster.some((r) => r[1] === c.me) ?? false);
          c.on("epoch", () => {
            if (t.keys === null && inRoster()) t.keys = since();
          });
          const deadline = performance.now() + 90_000;
          while (performance.now() < deadline) {
            if (t.me === null && c.me !== null) t.me = since();
            if (t.keys === null && inRoster()) t.keys = since();
            const stats = await c.mediaStats();
            if (t.peerUp === null && stats.some((s) => s.connection === "connected")) t.peerUp = since();
            const decoding = new Set(stats.filter((s) => s.framesDecoded > 0).map((s) => s.member)).size;
            if (t.first === null && decoding > 0) t.first = since();
            if (decoding >= others && t.keys !== null) {
              t.all = since();
              break;
            }
            await new Promise((r) => setTimeout(r, 10));
          }
          if (t.all === null)
            t.state = {
              connection: c.connection,
              me: c.me,
              present: c.present,
              epoch: c.epoch,
              stats: await c.mediaStats(),
            };
          t.done = true;
        }, 0);
      },
      { capture: true, once: true },
    );
    return performance.now();
  }, others);
  await join.click();
  await page.waitForFunction(
    () => (globalThis as unknown as { joinTimes?: { done: boolean } }).joinTimes?.done === true,
    undefined,
    { timeout: 120_000, polling: 100 },
  );
  const t = await page.evaluate(
    () =>
      (
        globalThis as unknown as {
          joinTimes: {
            poll: number;
            me: number | null;
            peerUp: number | null;
            keys: number | null;
            first: number | null;
            all: number | null;
            state?: unknown;
          };
        }
      ).joinTimes,
  );
  if (others > 0 && t.all === null) {
    await page.close();
    throw new Error(`join did not decode ${others} members: ${JSON.stringify(t)}`);
  }
  const clickAt = await page.evaluate(() => (globalThis as unknown as { clickAt: number }).clickAt);
  return { page, t: { ...t, lobby: lobbyMs }, clickAt };
}

async function settle(id: string, n: number): Promise<void> {
  const end = Date.now() + 30_000;
  while ((await members(id)) !== n) {
    if (Date.now() > end) throw new Error(`room did not settle at ${n} members`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One relay hop, approximated: a WebSocket round trip through the room Worker (runtime auto-response). */
async function relayHopMs(): Promise<number> {
  const ws = new WebSocket(`${origin.replace("http", "ws")}/rooms/${await newRoom()}/ws`);
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = fail;
  });
  const rtts: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await new Promise<void>((ok) => {
      ws.onmessage = (e) => {
        if (e.data === "pong") ok();
      };
      ws.send("ping");
    });
    rtts.push(performance.now() - t0);
  }
  ws.close();
  return quantile(rtts, 0.5);
}

try {
  const engine = await TsMlsEngine.create();
  const hop = await relayHopMs();
  const joinRows = [];
  const stepRows = [];
  const signalRows = [];
  const senders = await launchChromium();
  browsers.push(senders);
  await senders.context.addInitScript(WIRE_LOG);
  await senders.context.addInitScript(PC_LOG);
  for (const n of SIZES) {
    const floor = await mlsJoinFloor(engine, n - 1, 5);
    const floorMs = floor.kpMs + floor.commitMs + floor.joinMs;
    const id = await newRoom();
    const residents: Page[] = [];
    for (let i = 0; i < n - 1; i++) {
      residents.push((await joinRoom(senders, id, i)).page);
      console.error(`room of ${n}: resident ${i + 1} of ${n - 1} in and decoding`);
    }
    const lobby: number[] = [];
    const poll: number[] = [];
    const me: number[] = [];
    const peerUp: number[] = [];
    const keys: number[] = [];
    const first: number[] = [];
    const all: number[] = [];
    const steps: NonNullable<ReturnType<typeof joinSteps>>[] = [];
    const failed: string[] = [];
    const dropped: number[] = [];
    /** Per milestone of the joiner's peer connections: its first time in each join (ms from the click). */
    const pcFirst = new Map<string, number[]>();
    for (let j = 0; j < JOINS; j++) {
      await settle(id, n - 1);
      let joined: Awaited<ReturnType<typeof joinRoom>>;
      try {
        joined = await joinRoom(senders, id, n - 1);
      } catch (err) {
        // Counted and reported, not fatal: the other joins of this size and the next sizes still run.
        failed.push(String(err).slice(0, 600));
        console.error(`room of ${n}: join ${j + 1} failed: ${String(err).slice(0, 600)}`);
        continue;
      }
      const { page, t, clickAt } = joined;
      const s = joinSteps(clickAt, await wireLog(page), await Promise.all(residents.map(wireLog)));
      const pcLog = await page.evaluate(
        () => (globalThis as unknown as { pcLog?: { t: number; what: string }[] }).pcLog ?? [],
      );
      const residentLogs = await Promise.all(
        residents.map((r) =>
          r.evaluate(() => (globalThis as unknown as { pcLog?: { t: number; what: string }[] }).pcLog ?? []),
        ),
      );
      for (const e of [
        ...pcLog,
        ...residentLogs.flat().map((x) => ({ ...x, what: `resident: ${x.what}` })),
      ]) {
        if (e.t < clickAt) continue;
        const k = e.what;
        if (!pcFirst.has(k)) pcFirst.set(k, []);
        const seen = pcFirst.get(k)!;
        if (seen.length <= j) seen.push(e.t - clickAt);
      }
      if (s) steps.push(s);
      // Frames the joiner's media worker dropped for want of a key (arrived before the Welcome's epoch).
      const frames = (await page.evaluate(() =>
        (
          globalThis as unknown as { sealroomCall: { frameStats(): Promise<Record<string, number>> } }
        ).sealroomCall.frameStats(),
      )) as Record<string, number>;
      dropped.push(frames["unknown-epoch"] ?? 0);
      lobby.push(t.lobby);
      poll.push(t.poll);
      me.push(t.me!);
      peerUp.push(t.peerUp!);
      keys.push(t.keys!);
      first.push(t.first!);
      all.push(t.all!);
      await page.close();
    }
    for (const p of residents) await p.close();
    const row = {
      "room size": n,
      joins: JOINS,
      "joins not decoding everyone in 90 s": failed.length,
      "lobby: page -> prepared p50 ms": r1(quantile(lobby, 0.5)),
      "first poll p50 ms": r1(quantile(poll, 0.5)),
      "member id p50 ms": r1(quantile(me, 0.5)),
      "peer connected p50 ms": r1(quantile(peerUp, 0.5)),
      "keys p50 ms": r1(quantile(keys, 0.5)),
      "first frame p50 ms": r1(quantile(first, 0.5)),
      "first frame p95 ms": r1(quantile(first, 0.95)),
      "all frames p50 ms": r1(quantile(all, 0.5)),
      "all frames p95 ms": r1(quantile(all, 0.95)),
      "anchor: ts-mls floor ms": r1(floorMs),
      "anchor: relay hop ms": r1(hop),
      "goal: 2×floor+hop ms": r1(2 * floorMs + hop),
    };
    console.log(JSON.stringify(row)); // as measured: a later size that fails keeps this one
    joinRows.push(row);
    const p50 = (k: keyof (typeof steps)[number]) =>
      r1(quantile(steps.map((x) => x[k]).filter(Number.isFinite), 0.5));
    if (steps.length > 0)
      stepRows.push({
        "room size": n,
        "joins read": steps.length,
        "click -> key package sent": p50("kpSent"),
        "-> announce at committer (hop)": p50("toCommitter"),
        "committer: announce -> commit sent": p50("commitMade"),
        "-> commit at joiner (hop)": p50("toJoiner"),
        "click -> commit at joiner": p50("committedAt"),
        "joiner's worker: commit in -> keys out": p50("welcome"),
        "click -> keys (page)": r1(quantile(keys, 0.5)),
      });
    if (steps.length > 0)
      signalRows.push({
        "room size": n,
        "click -> first signal sent": p50("offerSent"),
        "-> first signal at a resident": p50("offerIn"),
        "resident: first signal sent back": p50("answerSent"),
        "-> first signal at joiner": p50("answerIn"),
        "click -> peer connected": r1(quantile(peerUp, 0.5)),
        "click -> first frame": r1(quantile(first, 0.5)),
        "joiner: frames dropped before its keys p50": quantile(dropped, 0.5),
      });
    if (steps.length > 0) console.log(JSON.stringify(stepRows.at(-1)));
    if (steps.length > 0) console.log(JSON.stringify(signalRows.at(-1)));
    const pcRow = Object.fromEntries(
      [...pcFirst].map(([k, v]) => [k, `${r1(quantile(v, 0.5))} (${v.length})`] as const),
    );
    console.log(JSON.stringify({ "room size": n, "joiner's peer connection, p50 ms (joins)": pcRow }));
  }
  console.log(
    `\nJoin -> first decrypted remote frame in Chromium (video ${VIDEO}, ${PLANE}, from the click on Join)`,
  );
  console.table(joinRows);
  console.log("\nWhere the join's time goes (p50 ms, read off every tab's room socket; wall clock)");
  console.table(stepRows);
  console.log("\nMedia signalling (p50 ms from the click, same logs; the mesh's offer/answer)");
  console.table(signalRows);

  // CPU_SIZES= (empty) skips part 2.
  if (CPU_SIZES.length > 0) {
    const cpuRows = [];
    const receiver = await launchChromium();
    browsers.push(receiver);
    // Alone first and again last: the first window also holds the fresh browser's own start-up work
    // (seen: alone 42.7 % then 35.9 % with six, load 27), so the anchor is the later of the two, and both
    // are printed.
    const sizes = [1, ...CPU_SIZES, 1];
    const measured: { n: number; pct: number }[] = [];
    for (const n of sizes) {
      const id = await newRoom();
      const others: Page[] = [];
      for (let i = 0; i < n - 1; i++) others.push((await joinRoom(senders, id, i)).page);
      const me = await joinRoom(receiver, id, n - 1);
      await new Promise((r) => setTimeout(r, 3_000)); // past the join's own work
      const c0 = chromiumCpuSeconds(receiver.profile);
      const w0 = performance.now();
      await new Promise((r) => setTimeout(r, CPU_SECONDS * 1000));
      const pct = ((chromiumCpuSeconds(receiver.profile) - c0) / ((performance.now() - w0) / 1000)) * 100;
      measured.push({ n, pct });
      await me.page.close();
      for (const p of others) await p.close();
    }
    const alone = measured.at(-1)!.pct;
    for (const [i, { n, pct }] of measured.entries())
      cpuRows.push({
        participants: n,
        "receiver Chromium CPU % of one core": r1(pct),
        "per remote participant %":
          n !== 1
            ? r1((pct - alone) / (n - 1))
            : i === 0
              ? "alone, first (not the anchor)"
              : "anchor (alone, last)",
      });
    console.log(
      `\nCPU of the receiving Chromium over ${CPU_SECONDS} s (all its processes; video ${VIDEO}; ${PLANE})`,
    );
    console.table(cpuRows);
  }
} finally {
  for (const b of browsers) await b.close();
  await stop(room);
  await sfuRoom?.sfu.close();
  rmSync(persist, { recursive: true, force: true });
}
