/**
 * Randomized schedules with real MLS (issue #5 "Randomized runs with real ts-mls"): 3–6 users join in
 * random interleavings, with crashes (leaves), crashes at an MLS await point inside the committer (the
 * n-th engine call throws and the client dies there), and reconnects that lose frames in flight. Safety is
 * checked after every step; at the end everything is drained and the quiescence properties are checked,
 * including byte-identical epoch authenticators and exporter secrets among live members.
 */
import type { MlsEngine } from "../../src/mls-engine.ts";
import { CrashingEngine, InvariantError, World } from "./world.ts";

/** mulberry32: small, seedable, good enough for schedules. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RunResult {
  seed: number;
  users: number;
  steps: number;
  crashes: number;
  awaitCrashes: number;
  reconnects: number;
  finalEpoch: bigint;
}

export async function randomRun<G, K>(
  seed: number,
  inner: MlsEngine<G, K>,
  maxSteps = 60,
): Promise<RunResult> {
  const rnd = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const users = 3 + Math.floor(rnd() * 4);
  const ids = Array.from({ length: users }, (_, i) => `u${i}`);
  const w = new World<G, K>(`r${seed}`, () => new CrashingEngine(inner));
  const r: RunResult = { seed, users, steps: 0, crashes: 0, awaitCrashes: 0, reconnects: 0, finalEpoch: 0n };
  const trace: string[] = [];
  try {
    for (let step = 0; step < maxSteps; step++) {
      const moves: [string, () => Promise<void> | void][] = [];
      const next = ids.find((u) => !w.clients.has(u));
      if (next) moves.push([`join(${next})`, () => w.connect(next)]);
      for (const c of w.alive()) {
        const id = c.id;
        if (c.outbox.length > 0)
          moves.push([`srv<${id}`, () => w.stepServer(id)], [`srv<${id}`, () => w.stepServer(id)]);
        if (c.inbox.length > 0)
          moves.push([`${id}<srv`, () => w.stepClient(id)], [`${id}<srv`, () => w.stepClient(id)]);
      }
      const alive = w.alive();
      const faults = r.crashes + r.awaitCrashes + r.reconnects;
      if (alive.length > 0 && faults < 3 && rnd() < 0.12) {
        const c = pick(alive);
        const kind = rnd();
        if (kind < 0.35) {
          moves.length = 0;
          moves.push([`crash(${c.id})`, () => w.crash(c.id)]);
          r.crashes++;
        } else if (kind < 0.7) {
          const e = c.engine as CrashingEngine<G, K>;
          if (e.crashAfter === null) {
            e.crashAfter = Math.floor(rnd() * 3);
            trace.push(`arm(${c.id},${e.crashAfter})`);
            r.awaitCrashes++;
          }
        } else if (c.inbox.length > 0 || c.outbox.length > 0) {
          moves.length = 0;
          moves.push([`reconnect(${c.id})`, () => void w.reconnect(c.id)]);
          r.reconnects++;
        }
      }
      if (moves.length === 0) break;
      const [name, move] = pick(moves);
      trace.push(name);
      await move();
      r.steps++;
      w.checkSafety();
    }
    // Disarm pending await-crashes so the run can settle, then drain and check convergence.
    for (const c of w.alive()) (c.engine as CrashingEngine<G, K>).crashAfter = null;
    await w.drain();
    w.checkSafety();
    await w.checkQuiescent();
    r.finalEpoch = w.server.view.group?.epoch ?? 0n;
    return r;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const err = new InvariantError(`seed ${seed}: ${msg}\n  schedule: ${trace.join(" ")}`);
    if (!(e instanceof InvariantError) && e instanceof Error) err.stack = `${err.message}\n${e.stack}`;
    throw err;
  }
}
