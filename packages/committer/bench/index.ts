/**
 * Benchmarks for @sealroom/committer (issue #5 "Benchmarks"), in process:
 *   - join -> keys: from a joiner's connection to it holding the epoch keys, along the critical path
 *     (joiner makes a key package, room sequences it, committer validates and commits, room sequences the
 *     bundle, joiner processes the Welcome), for groups of 2, 10 and 50 after the join;
 *   - commits per join (one joiner at a time, and a burst of simultaneous joiners);
 *   - bytes on the wire per join (client -> room, and room -> each member).
 * Anchors measured in the same run with ts-mls alone: committing one Add at 10 members, and a joiner
 * processing a Welcome at 50 (plus key package + commit + Welcome at every size: the floor for join -> keys).
 * SEALROOM_BENCH_QUICK=1: sizes 2 and 10 only and fewer repetitions (< 60 s).
 */
import type { ClientState, PrivateKeyPackage } from "ts-mls";
import type { MlsEngine } from "../src/mls-engine.ts";
import { TsMlsEngine } from "../src/ts-mls-engine.ts";
import { World } from "../test/support/world.ts";
import { median, mlsJoinFloor } from "./floor.ts";

const QUICK = process.env.SEALROOM_BENCH_QUICK === "1";
const SIZES = QUICK ? [2, 10] : [2, 10, 50];
const REPS = QUICK ? 3 : 7;

const engine = await TsMlsEngine.create();
type W = World<ClientState, PrivateKeyPackage>;

/** Time spent inside ts-mls calls, so protocol overhead can be told apart from MLS cost on the same tree. */
let mlsMs = 0;
function timed<A extends unknown[], R>(f: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A) => {
    const t0 = performance.now();
    try {
      return await f(...a);
    } finally {
      mlsMs += performance.now() - t0;
    }
  };
}
const timedEngine: MlsEngine<ClientState, PrivateKeyPackage> = {
  generateKeyPackage: timed((m) => engine.generateKeyPackage(m)),
  validateKeyPackage: timed((kp, m) => engine.validateKeyPackage(kp, m)),
  createGroup: timed((g, kp, k) => engine.createGroup(g, kp, k)),
  commit: timed((g, a, r) => engine.commit(g, a, r)),
  processCommit: timed((g, c) => engine.processCommit(g, c)),
  joinGroup: timed((w, kp, k) => engine.joinGroup(w, kp, k)),
  createApplicationMessage: timed((g, p) => engine.createApplicationMessage(g, p)),
  processApplicationMessage: timed((g, m) => engine.processApplicationMessage(g, m)),
  groupId: (g) => engine.groupId(g),
  epoch: (g) => engine.epoch(g),
  ownLeaf: (g) => engine.ownLeaf(g),
  roster: (g) => engine.roster(g),
  epochAuthenticator: (g) => engine.epochAuthenticator(g),
  cipherSuite: (g) => engine.cipherSuite(g),
  exporter: (g, l, c, n) => engine.exporter(g, l, c, n),
};

/** A settled room of `n` members, built with one batched commit. */
async function room(n: number): Promise<W> {
  const w: W = new World("bench", () => timedEngine);
  w.connect("m000");
  await w.drain();
  for (let i = 1; i < n; i++) w.connect(`m${String(i).padStart(3, "0")}`);
  await w.drain();
  await w.checkQuiescent();
  return w;
}

function committerOf(w: W): string {
  return w.alive().find((c) => c.committer.isCommitter)!.id;
}

interface JoinMeasure {
  ms: number;
  mls: number;
  up: number;
  downMember: number;
  downJoiner: number;
  commits: number;
}

async function measureJoin(w: W, id: string): Promise<JoinMeasure> {
  const committer = committerOf(w);
  const c = w.clients.get(committer)!;
  const observer = w.alive().find((x) => x.id !== committer) ?? c;
  const sent0 = c.bytesSent;
  const recv0 = observer.bytesReceived;
  const epoch0 = w.server.view.group!.epoch;
  const t0 = performance.now();
  mlsMs = 0;
  w.connect(id);
  const j = w.clients.get(id)!;
  await w.stepClient(id); // snapshot -> key package
  w.stepServer(id); // announced
  while (!c.committer.hasPendingCommit) await w.stepClient(committer);
  w.stepServer(committer); // committed: commit + Welcome in one bundle
  while (j.committer.group === null) await w.stepClient(id);
  const ms = performance.now() - t0;
  const mls = mlsMs;
  await w.drain();
  return {
    ms,
    mls,
    up: j.bytesSent + (c.bytesSent - sent0),
    downMember: observer.bytesReceived - recv0,
    downJoiner: j.bytesReceived,
    commits: Number(w.server.view.group!.epoch - epoch0),
  };
}

/** A burst: `k` users connect at once; how many commits does the room need to add them all? */
async function burst(n: number, k: number): Promise<number> {
  const w = await room(n);
  const e0 = w.server.view.group!.epoch;
  for (let i = 0; i < k; i++) w.connect(`b${i}`);
  await w.drain();
  await w.checkQuiescent();
  return Number(w.server.view.group!.epoch - e0) / k;
}

const t0 = performance.now();
const a10 = await mlsJoinFloor(engine, 10, REPS);
const a50 = QUICK ? null : await mlsJoinFloor(engine, 49, REPS);
const rows: Record<string, string | number>[] = [];
for (const n of SIZES) {
  const w = await room(n - 1);
  const floor = await mlsJoinFloor(engine, n - 1, REPS);
  const ms: number[] = [];
  const overhead: number[] = [];
  let up = 0;
  let downMember = 0;
  let downJoiner = 0;
  let commits = 0;
  for (let r = 0; r < REPS; r++) {
    const m = await measureJoin(w, `j${r}`);
    ms.push(m.ms);
    overhead.push(m.ms - m.mls);
    up += m.up;
    downMember += m.downMember;
    downJoiner += m.downJoiner;
    commits += m.commits;
    w.crash(`j${r}`); // keep the group size fixed (the removal commit is not timed)
    await w.drain();
  }
  const floorMs = floor.kpMs + floor.commitMs + floor.joinMs;
  rows.push({
    "group size": n,
    "join->keys ms": Number(median(ms).toFixed(1)),
    "anchor: ts-mls kp+commit+join ms": Number(floorMs.toFixed(1)),
    "non-MLS ms in join": Number(median(overhead).toFixed(2)),
    "commits/join": commits / REPS,
    "bytes up/join": Math.round(up / REPS),
    "bytes down/member/join": Math.round(downMember / REPS),
    "bytes to joiner": Math.round(downJoiner / REPS),
  });
}
console.log(`@sealroom/committer bench (${QUICK ? "quick" : "full"}, ${REPS} reps, median)`);
console.log(
  "Goal: join->keys within a few ms of the ts-mls floor (key package + commit + Welcome, fresh group), 1 commit per join.\n" +
    "'non-MLS ms' = join->keys minus time inside ts-mls during that join (protocol, codec, sequencer); the rest of any\n" +
    "gap to the anchor is ts-mls cost on the room's tree, which has seen more commits than the anchor's fresh tree.",
);
console.table(rows);
console.table([
  { anchor: "ts-mls: commit one Add at 10 members", ms: Number(a10.commitMs.toFixed(2)), issue: "~5 ms" },
  ...(a50
    ? [
        {
          anchor: "ts-mls: joiner processes Welcome at 50",
          ms: Number(a50.joinMs.toFixed(2)),
          issue: "~70 ms",
        },
      ]
    : []),
]);
const burstK = QUICK ? 3 : 8;
console.table([
  {
    scenario: `${burstK} users join a room of 4 at once`,
    "commits/join": Number((await burst(4, burstK)).toFixed(2)),
  },
]);
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
