/**
 * Exhaustive bounded exploration of the designated-committer protocol with MLS abstracted (this replaces
 * the Orange Meets E2EE post's TLA+/PlusCal model with checks on the real state machine and sequencer). From a start state
 * (an empty room, or k members already settled), depth-first search over every interleaving of: a new
 * user connecting, the server taking any client's next frame, any client taking its next frame, a crash
 * (= leave) of any live client, and a reconnect that loses the frames in flight. States are de-duplicated
 * by their full canonical description (a state reached again with no more remaining depth is skipped).
 * Safety is checked in every state; quiescence properties in every quiescent state; and at the depth
 * bound each state is drained fairly with no further faults and must then reach quiescence correctly.
 * Users join in a fixed order (they are symmetric), a simple symmetry reduction.
 */
import { SymbolicEngine, type SymGroup, type SymSecret } from "./symbolic-engine.ts";
import { InvariantError, World } from "./world.ts";

export interface ExploreConfig {
  /** Ids of users who may join, in order. */
  users: string[];
  /** Users already settled in the group at the start (a prefix of `users`). */
  settled: number;
  depth: number;
  maxCrashes: number;
  maxReconnects: number;
  /** Safety cap on distinct states. */
  maxStates?: number;
}

export interface ExploreReport {
  states: number;
  transitions: number;
  quiescentChecks: number;
  frontierDrains: number;
  ms: number;
}

type W = World<SymGroup, SymSecret>;

function describeGroup(g: SymGroup): string {
  return `${g.epoch}/${g.own}/${g.secret}/${g.leaves.map((l) => l?.kp ?? "_").join(",")}`;
}

function stateKey(w: W, crashes: number, reconnects: number): string {
  let counts = "";
  for (const c of w.clients.values()) counts += `${(c.engine as SymbolicEngine).count},`;
  return `${w.key(describeGroup)}\n${counts}\n${crashes}/${reconnects}`;
}

export async function settledWorld(users: string[], settled: number): Promise<W> {
  const w: W = new World(
    "room",
    () => new SymbolicEngine(),
    (e) => (e as SymbolicEngine).clone(),
  );
  for (const u of users.slice(0, settled)) {
    w.connect(u);
    await w.drain();
  }
  return w;
}

export async function explore(cfg: ExploreConfig): Promise<ExploreReport> {
  const t0 = performance.now();
  const report: ExploreReport = { states: 0, transitions: 0, quiescentChecks: 0, frontierDrains: 0, ms: 0 };
  const seen = new Map<string, number>();
  const maxStates = cfg.maxStates ?? 5_000_000;
  const start = await settledWorld(cfg.users, cfg.settled);

  async function visit(w: W, depth: number, crashes: number, reconnects: number, trace: string[]) {
    const key = stateKey(w, crashes, reconnects);
    const prev = seen.get(key);
    if (prev !== undefined && prev >= depth) return;
    if (prev === undefined) report.states++;
    seen.set(key, depth);
    if (report.states > maxStates) throw new Error(`more than ${maxStates} states`);
    try {
      w.checkSafety();
      if (w.quiescent()) {
        report.quiescentChecks++;
        await w.checkQuiescent();
      }
      if (depth === 0) {
        report.frontierDrains++;
        const d = w.clone();
        await d.drain();
        d.checkSafety();
        await d.checkQuiescent();
        return;
      }
    } catch (e) {
      if (e instanceof InvariantError) throw new InvariantError(`${e.message}\n  after: ${trace.join(" ")}`);
      throw e;
    }
    const moves: [string, (x: W) => Promise<void> | void, number, number][] = [];
    const next = cfg.users.find((u) => !w.clients.has(u));
    if (next) moves.push([`join(${next})`, (x) => x.connect(next), crashes, reconnects]);
    for (const c of w.alive()) {
      const id = c.id;
      if (c.outbox.length > 0) moves.push([`srv<${id}`, (x) => x.stepServer(id), crashes, reconnects]);
      if (c.inbox.length > 0) moves.push([`${id}<srv`, (x) => x.stepClient(id), crashes, reconnects]);
      if (crashes < cfg.maxCrashes) moves.push([`crash(${id})`, (x) => x.crash(id), crashes + 1, reconnects]);
      if (reconnects < cfg.maxReconnects && (c.inbox.length > 0 || c.outbox.length > 0)) {
        moves.push([`reconnect(${id})`, (x) => void x.reconnect(id), crashes, reconnects + 1]);
      }
    }
    for (const [name, move, cr, rc] of moves) {
      const x = w.clone();
      try {
        await move(x);
      } catch (e) {
        throw new Error(`exception in ${name} after: ${trace.join(" ")}: ${(e as Error).stack}`);
      }
      report.transitions++;
      trace.push(name);
      await visit(x, depth - 1, cr, rc, trace);
      trace.pop();
    }
  }

  await visit(start, cfg.depth, 0, 0, []);
  report.ms = Math.round(performance.now() - t0);
  return report;
}
