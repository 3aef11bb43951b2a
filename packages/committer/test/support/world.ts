/**
 * A simulated room for the checks: one sequencer, clients with FIFO queues in both directions, and the
 * faults of issue #5 (crash, reconnect that misses events). Used with symbolic MLS by the exhaustive
 * explorer and with ts-mls by the randomized runs. Every step is explicit so that a schedule is a list of
 * choices and any failure can be replayed.
 */
import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import { Writer } from "../../src/bytes.ts";
import { writeRoomView } from "../../src/codec.ts";
import { Committer } from "../../src/committer.ts";
import type { MlsEngine } from "../../src/mls-engine.ts";
import {
  type ConnectionId,
  createSequencer,
  encodeSequencerState,
  type SequencerResult,
  type SequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "../../src/sequencer.ts";

export class CrashSignal extends Error {}

/** Wraps an engine so that the n-th MLS call (an await point of the committer) crashes the client. */
export class CrashingEngine<G, K> implements MlsEngine<G, K> {
  crashAfter: number | null = null;
  crashed = false;
  readonly inner: MlsEngine<G, K>;
  constructor(inner: MlsEngine<G, K>) {
    this.inner = inner;
  }
  private async point(): Promise<void> {
    if (this.crashed) throw new CrashSignal();
    if (this.crashAfter !== null) {
      if (this.crashAfter <= 0) {
        this.crashed = true;
        throw new CrashSignal();
      }
      this.crashAfter--;
    }
  }
  async generateKeyPackage(m: string) {
    await this.point();
    return this.inner.generateKeyPackage(m);
  }
  async validateKeyPackage(kp: Uint8Array, m: string) {
    await this.point();
    return this.inner.validateKeyPackage(kp, m);
  }
  async createGroup(g: Uint8Array, kp: Uint8Array, k: K) {
    await this.point();
    return this.inner.createGroup(g, kp, k);
  }
  async commit(g: G, a: Uint8Array[], r: number[]) {
    await this.point();
    return this.inner.commit(g, a, r);
  }
  async processCommit(g: G, c: Uint8Array) {
    await this.point();
    return this.inner.processCommit(g, c);
  }
  async joinGroup(w: Uint8Array, kp: Uint8Array, k: K) {
    await this.point();
    return this.inner.joinGroup(w, kp, k);
  }
  async createApplicationMessage(g: G, p: Uint8Array) {
    await this.point();
    return this.inner.createApplicationMessage(g, p);
  }
  async processApplicationMessage(g: G, m: Uint8Array) {
    await this.point();
    return this.inner.processApplicationMessage(g, m);
  }
  groupId(g: G) {
    return this.inner.groupId(g);
  }
  epoch(g: G) {
    return this.inner.epoch(g);
  }
  ownLeaf(g: G) {
    return this.inner.ownLeaf(g);
  }
  roster(g: G) {
    return this.inner.roster(g);
  }
  epochAuthenticator(g: G) {
    return this.inner.epochAuthenticator(g);
  }
  cipherSuite(g: G) {
    return this.inner.cipherSuite(g);
  }
  exporter(g: G, l: string, c: Uint8Array, n: number) {
    return this.inner.exporter(g, l, c, n);
  }
}

export interface SimClient<G, K> {
  id: string;
  engine: MlsEngine<G, K>;
  committer: Committer<G, K>;
  /** The client's live connection (a reconnect opens a new one). */
  conn: ConnectionId;
  inbox: Uint8Array[];
  outbox: Uint8Array[];
  alive: boolean;
  errors: string[];
  /** Bytes this client put on the wire, and epochs it entered (for the benchmarks and reports). */
  bytesSent: number;
  bytesReceived: number;
  epochsEntered: number;
}

export class InvariantError extends Error {}

export class World<G, K> {
  server: SequencerState;
  clients = new Map<string, SimClient<G, K>>();
  readonly makeEngine: (id: string) => MlsEngine<G, K>;
  readonly cloneEngine: ((e: MlsEngine<G, K>) => MlsEngine<G, K>) | undefined;
  /** Set by a test to observe every committer action. */
  onAction: ((id: string, a: Awaited<ReturnType<Committer<G, K>["receive"]>>[number]) => void) | undefined;

  constructor(
    roomId: string,
    makeEngine: (id: string) => MlsEngine<G, K>,
    cloneEngine?: (e: MlsEngine<G, K>) => MlsEngine<G, K>,
  ) {
    this.server = createSequencer(roomId);
    this.makeEngine = makeEngine;
    this.cloneEngine = cloneEngine;
  }

  clone(): World<G, K> {
    if (!this.cloneEngine) throw new Error("engine cannot be cloned");
    const w = new World<G, K>(this.server.roomId, this.makeEngine, this.cloneEngine);
    w.server = this.server;
    for (const [id, c] of this.clients) {
      const engine = this.cloneEngine(c.engine);
      w.clients.set(id, {
        ...c,
        engine,
        committer: c.committer.clone(engine),
        inbox: [...c.inbox],
        outbox: [...c.outbox],
        errors: [...c.errors],
      });
    }
    return w;
  }

  private route(r: SequencerResult): void {
    this.server = r.state;
    for (const o of r.out) {
      if (o.to === null) {
        for (const id of this.server.connections.keys()) this.deliver(id, o.bytes);
      } else {
        for (const c of this.clients.values()) if (c.conn === o.to) this.deliver(c.id, o.bytes);
      }
    }
  }

  private deliver(id: string, bytes: Uint8Array): void {
    const c = this.clients.get(id);
    if (!c) return;
    c.inbox.push(bytes);
    c.bytesReceived += bytes.length;
  }

  alive(): SimClient<G, K>[] {
    return [...this.clients.values()].filter((c) => c.alive);
  }

  /** A client opens its connection; with `lobby` it is not announced until `announce(id)`. */
  connect(id: string, options: { lobby?: boolean } = {}): void {
    if (this.clients.has(id)) throw new Error(`${id} already used`);
    const engine = this.makeEngine(id);
    const r = sequencerConnect(this.server, id);
    this.clients.set(id, {
      id,
      engine,
      conn: r.connection,
      committer: new Committer(engine, options),
      inbox: [],
      outbox: [],
      alive: true,
      errors: [],
      bytesSent: 0,
      bytesReceived: 0,
      epochsEntered: 0,
    });
    this.route(r);
  }

  /** A lobby client joins (`Committer.announce`); its frame goes to the outbox like any other. */
  announce(id: string): void {
    const c = this.clients.get(id)!;
    for (const a of c.committer.announce()) {
      if (a.type !== "send") continue;
      c.outbox.push(a.bytes);
      c.bytesSent += a.bytes.length;
    }
  }

  /** The client process dies: frames in flight either way are lost, the room sees the socket close. */
  crash(id: string): void {
    const c = this.clients.get(id)!;
    c.alive = false;
    c.inbox = [];
    c.outbox = [];
    this.route(sequencerDisconnect(this.server, c.conn));
  }

  /** Graceful leave: the client forgets its keys, then closes. */
  leave(id: string): void {
    const c = this.clients.get(id)!;
    c.committer.stop();
    this.crash(id);
  }

  /**
   * The socket drops and reopens: frames in flight are lost, the room answers with a snapshot. The new
   * connection replaces the old one, whose close then arrives (a no-op for the sequencer); returns the old
   * connection id, so a test can also replay the old socket's late frames or close.
   */
  reconnect(id: string, closeOld = true): ConnectionId {
    const c = this.clients.get(id)!;
    c.inbox = [];
    c.outbox = [];
    const old = c.conn;
    const r = sequencerConnect(this.server, id);
    c.conn = r.connection;
    this.route(r);
    if (closeOld) this.closeStale(old);
    return old;
  }

  /** The close of a connection that is no longer live (a stale socket) arrives at the room. */
  closeStale(connection: ConnectionId): void {
    this.route(sequencerDisconnect(this.server, connection));
  }

  async stepClient(id: string): Promise<void> {
    const c = this.clients.get(id)!;
    const frame = c.inbox.shift()!;
    let actions: Awaited<ReturnType<Committer<G, K>["receive"]>>;
    try {
      actions = await c.committer.receive(frame);
    } catch (e) {
      if (e instanceof CrashSignal || (c.engine instanceof CrashingEngine && c.engine.crashed)) {
        this.crash(id);
        return;
      }
      throw e;
    }
    if (c.engine instanceof CrashingEngine && c.engine.crashed) {
      this.crash(id);
      return;
    }
    for (const a of actions) {
      this.onAction?.(id, a);
      if (a.type === "send") {
        c.outbox.push(a.bytes);
        c.bytesSent += a.bytes.length;
      } else if (a.type === "error") c.errors.push(`${a.code}: ${a.detail}`);
      else if (a.type === "new-epoch") c.epochsEntered++;
    }
  }

  stepServer(id: string): void {
    const c = this.clients.get(id)!;
    const frame = c.outbox.shift()!;
    this.route(sequencerReceive(this.server, c.conn, frame));
  }

  quiescent(): boolean {
    for (const c of this.clients.values())
      if (c.alive && (c.inbox.length > 0 || c.outbox.length > 0)) return false;
    return true;
  }

  /**
   * Fair deterministic delivery until nothing is in flight. The most any test needs is 34 steps (the
   * explorations; 14 in the rest, counted 2026-12-02): 2,000 is far above that, and a livelock (two
   * members answering each other for ever) fails in a second instead of running until a timeout (a
   * mutation run used to spend ~40 s per such mutant at 100,000 steps).
   */
  async drain(maxSteps = 2_000): Promise<number> {
    let steps = 0;
    while (!this.quiescent()) {
      for (const c of this.alive()) {
        if (c.outbox.length > 0) {
          this.stepServer(c.id);
          steps++;
        }
        if (c.alive && c.inbox.length > 0) {
          await this.stepClient(c.id);
          steps++;
        }
      }
      if (steps > maxSteps) throw new InvariantError(`no quiescence after ${maxSteps} steps`);
    }
    return steps;
  }

  /** Safety, checked after every step. */
  checkSafety(): void {
    const byEpoch = new Map<string, { who: string; auth: string; roster: string }>();
    const committers = new Map<bigint, string>();
    for (const c of this.alive()) {
      if (c.errors.length > 0) throw new InvariantError(`${c.id} reported ${c.errors.join("; ")}`);
      const g = c.committer.group;
      if (g !== null) {
        const e = c.engine;
        const key = `${toHex(e.groupId(g))}/${e.epoch(g)}`;
        const auth = toHex(e.epochAuthenticator(g));
        const roster = JSON.stringify([...e.roster(g)].sort((a, b) => a[0] - b[0]));
        const seen = byEpoch.get(key);
        if (seen && (seen.auth !== auth || seen.roster !== roster)) {
          throw new InvariantError(`${seen.who} and ${c.id} disagree on epoch ${key}`);
        }
        byEpoch.set(key, { who: c.id, auth, roster });
      }
      if (c.committer.isCommitter) {
        const seq = c.committer.view!.nextSeq;
        const other = committers.get(seq);
        if (other) throw new InvariantError(`${other} and ${c.id} are both committer of view ${seq}`);
        committers.set(seq, c.id);
      }
    }
  }

  /** Liveness at quiescence: one epoch, roster = the members present, everyone who left removed. */
  async checkQuiescent(): Promise<void> {
    const live = this.alive()
      .map((c) => c.id)
      .sort();
    const v = this.server.view;
    const present = [...v.present.keys()].sort();
    if (JSON.stringify(present) !== JSON.stringify(live)) {
      throw new InvariantError(`present ${present} but live ${live}`);
    }
    if (live.length === 0) {
      if (v.group !== null) throw new InvariantError("empty room kept a group");
      return;
    }
    const roster = [...(v.group?.roster.keys() ?? [])].sort();
    if (JSON.stringify(roster) !== JSON.stringify(live))
      throw new InvariantError(`roster ${roster} != live ${live}`);
    let auth: string | undefined;
    let exported: string | undefined;
    for (const c of this.alive()) {
      const g = c.committer.group;
      if (!g || !c.committer.inSync) throw new InvariantError(`${c.id} is not in the group at quiescence`);
      if (c.committer.hasPendingCommit)
        throw new InvariantError(`${c.id} has a commit in flight at quiescence`);
      const ids = [...c.engine.roster(g).values()].sort();
      if (JSON.stringify(ids) !== JSON.stringify(live)) throw new InvariantError(`${c.id} MLS roster ${ids}`);
      const a = toHex(c.engine.epochAuthenticator(g));
      const x = toHex(await c.engine.exporter(g, "SFrame 1.0 Base Key", new Uint8Array(0), 16));
      if (auth !== undefined && (a !== auth || x !== exported)) throw new InvariantError("secrets differ");
      auth = a;
      exported = x;
    }
  }

  /** Canonical description of the whole state (for de-duplication in the explorer). */
  key(describeGroup: (g: G) => string): string {
    const parts = [toHex(encodeSequencerState(this.server))];
    for (const c of this.clients.values()) {
      if (!c.alive) {
        parts.push(`${c.id}:dead`);
        continue;
      }
      const s = c.committer.inspect();
      const w = new Writer();
      if (s.view) writeRoomView(w, s.view);
      parts.push(
        [
          c.id,
          c.inbox.map(toHex).join(","),
          c.outbox.map(toHex).join(","),
          toHex(w.finish()),
          s.awaitingSnapshot ? 1 : 0,
          s.keyPackage ? toHex(s.keyPackage) : "",
          s.group ? describeGroup(s.group) : "",
          s.pending ? toHex(s.pending.commit) : "",
        ].join("|"),
      );
    }
    return parts.join("\n");
  }
}
