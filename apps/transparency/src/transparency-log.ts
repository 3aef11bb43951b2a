/**
 * The transparency service's coordinator (README "Shards and the coordinator"): a SQLite-backed
 * Durable Object (`LOG`, name `log`) that seals epochs over the tree shards (tree-shard.ts) and
 * holds what is tree-wide: sealed batches with their roots and compact proofs, each shard's
 * published root, witness cosignatures, asset host sets, preload lists and waiting appends.
 *
 * Durability order of an epoch (batch N):
 *  1. collect: each shard that woke us lists its staged events; `planShardBatch` orders them
 *     into batch N; the batch bytes and the plan (per shard: events up to which seq, which keys'
 *     proof part) are stored as the **intent** in one `transactionSync`. Nothing is published.
 *  2. apply: every shard in the plan runs `sealPart(N, ...)`, which proves its part of the batch
 *     proof and applies its events in one transaction of its own, idempotently per N.
 *  3. commit: the top levels (`ShardTop`) give root N+1 and the compact proof, which must verify
 *     (`verifyBatch`) against root N; batch row, shard roots and asset hosts are written and the
 *     intent deleted in one `transactionSync`.
 *  4. publish: only then is size N+1 visible (checkpoint, batches), waiting appends get proofs
 *     and witnesses are notified.
 * A restart at any step loses nothing acknowledged and publishes nothing unstored: the intent
 * survives and the alarm (re-armed in the constructor) rolls it forward with the same plan; a
 * shard that already applied N answers its stored part. Once the intent is stored the epoch is
 * sealed in full: there is no state in which some shards' events are in batch N and others not.
 */

import { DurableObject } from "cloudflare:workers";
import { Buffer } from "node:buffer";
import { assetHostsHash, type ChainNode, decodeChainNode, encodeAssetHosts } from "@sealroom/hash-chain";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  encodeChainHeadWithProof,
  encodePreloadListResponse,
  PreloadListKind,
  preloadChainDomain,
} from "@sealroom/manifest";
import {
  BATCH_MAX_EVENTS,
  decodeTreeEvent,
  decodeTreeEventBatch,
  emptyRoot,
  encodeTreeEventBatch,
  fastSha256,
  joinShardProof,
  keyForNormalizedDomain,
  PAGES_TABLE_SQL,
  planShardBatch,
  ShardTop,
  shardOf,
  verifyBatch,
} from "@sealroom/prefix-tree";
import {
  cosignatureTime,
  formatSignatureLine,
  formatSignedPrefixRoot,
  type NoteSignature,
  parseSignatureLines,
  verifyCosignature,
} from "@sealroom/prefix-tree/note";
import { type Config, configOf } from "./config.ts";
import { isDevIdsCandidate } from "./dev-ids-optin.ts";
import type { Env } from "./env.ts";
import { ErrorKind, type ErrorResult } from "./errors.ts";
import {
  duePreloadList,
  isPreloadChainDomain,
  PRELOAD_LIST_TTL,
  PRELOAD_TABLE_SQL,
  readPreloadList,
  SERVICE_APPEND_KEY,
  storePreloadList,
} from "./preload-lists.ts";
import { migrate } from "./schema.ts";
import { type SealedSite, shardName } from "./tree-shard.ts";

/** Ordered schema migrations; index + 1 is the version recorded in `schema_version`. */
const MIGRATIONS: readonly string[] = [
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  `${PAGES_TABLE_SQL};
   CREATE TABLE domains (
     domain TEXT PRIMARY KEY, tree_key BLOB NOT NULL UNIQUE, append_key TEXT NOT NULL,
     size INTEGER NOT NULL, head BLOB NOT NULL, hosts BLOB NOT NULL,
     sealed_size INTEGER NOT NULL DEFAULT 0, sealed_head BLOB, enrolled_at INTEGER NOT NULL);
   CREATE TABLE entries (domain TEXT NOT NULL, position INTEGER NOT NULL, node BLOB NOT NULL,
     seq INTEGER NOT NULL, PRIMARY KEY (domain, position)) WITHOUT ROWID;
   CREATE TABLE asset_hosts (hash BLOB PRIMARY KEY, hosts BLOB NOT NULL);
   CREATE TABLE staged (seq INTEGER PRIMARY KEY, event BLOB NOT NULL);
   CREATE TABLE batches (n INTEGER PRIMARY KEY, bytes BLOB NOT NULL, proof BLOB NOT NULL,
     root BLOB NOT NULL, time INTEGER NOT NULL, events INTEGER NOT NULL);
   CREATE TABLE cosignatures (n INTEGER NOT NULL, name TEXT NOT NULL, key_id INTEGER NOT NULL,
     time INTEGER NOT NULL, line TEXT NOT NULL, PRIMARY KEY (n, name, key_id, time)) WITHOUT ROWID;`,
  // v3: the tree and chains moved into the shards (tree-shard.ts). A v2 object's tree is not
  // migrated (README "Storage": local state of the one-object layout must be reset).
  `DROP TABLE pages; DROP TABLE domains; DROP TABLE entries; DROP TABLE staged;
   CREATE TABLE shard_roots (shard INTEGER PRIMARY KEY, root BLOB, sealed_seq INTEGER NOT NULL);
   CREATE TABLE pending (shard INTEGER PRIMARY KEY, gen INTEGER NOT NULL);
   CREATE TABLE intent (n INTEGER PRIMARY KEY, bytes BLOB NOT NULL, plan TEXT NOT NULL, time INTEGER NOT NULL);`,
];

export type AppendOutcome =
  | { kind: "cosigned"; proof: Uint8Array; position: string }
  | { kind: "pending"; position: string }
  | ({ kind: "error" } & ErrorResult);

export interface Checkpoint {
  tree_domain: string;
  size: number;
  root: string;
  time: number;
  cosignatures: string[];
}

interface Waiter {
  domain: string;
  shard: number;
  seq: number;
  minSize?: number;
  done: (o: AppendOutcome) => void;
  position: string;
}

interface CachedProof {
  head: ChainNode;
  proof: Uint8Array;
}

/** One shard's share of a stored epoch: its events up to `upTo` (none: null), keys hex. */
interface PlanPart {
  shard: number;
  upTo: number | null;
  keys: string[];
}

interface Intent {
  n: number;
  bytes: Uint8Array;
  plan: PlanPart[];
  time: number;
}

/** Test-only fault points (README "Crash points"): the step throws as a crash there would. */
export type CoordinatorFault = "after-intent" | "after-parts" | "in-commit";

const u8 = (b: ArrayBuffer): Uint8Array => new Uint8Array(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
/** Byte equality from the runtime (`nodejs_compat`'s Buffer), not a helper of our own. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** The shard owning `domain` among `count` (by its tree key). */
export function shardIndexOf(domain: string, count: number): number {
  return shardOf(keyForNormalizedDomain(domain, fastSha256), count);
}

export class TransparencyLog extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Published state: batches sealed so far (the tree size N), root N and the shards' roots. */
  private size = 0;
  private root: Uint8Array = emptyRoot();
  private roots: (Uint8Array | undefined)[] = [];
  private sealedSeqs: number[] = [];
  private top!: ShardTop;
  private alarmSet = false;
  private sealing = false;
  private readonly waiters = new Set<Waiter>();
  /** Inclusion proofs per tree size for domains with waiting appends (in memory only). */
  private readonly proofs = new Map<number, Map<string, CachedProof>>();
  /** Sealed sites per shard for preload lists; a shard's entry is dropped when it applies a batch. */
  private readonly sites = new Map<number, SealedSite[]>();
  /** The preload derivation in progress (publishPreload runs them one at a time). */
  private publishing: Promise<void> = Promise.resolve();
  /** Test-only (README "Crash points"). */
  fault: CoordinatorFault | undefined;
  /** Seal timings since start (wall clock of steps 1-4, for /stats and the bench). */
  private readonly sealTimes = { seals: 0, totalMs: 0, maxMs: 0, events: 0, shardCalls: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      this.sql.exec(PRELOAD_TABLE_SQL);
      this.load();
      const work =
        this.sql
          .exec<{ c: number }>("SELECT (SELECT COUNT(*) FROM pending) + (SELECT COUNT(*) FROM intent) AS c")
          .one().c > 0;
      if (work && (await ctx.storage.getAlarm()) === null)
        await ctx.storage.setAlarm(Date.now() + this.config().epochMs);
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private config(): Config {
    return configOf(this.env);
  }

  private shard(i: number) {
    return this.env.SHARD.getByName(shardName(i, this.config().shards));
  }

  /** Reads the published state from storage. */
  private load(): void {
    const count = this.config().shards;
    const stored = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'shards'")
      .toArray()[0];
    // Resharding is not supported: a different count would route keys to shards that lack them.
    if (stored && Number(stored.value) !== count)
      throw new Error(`TREE_SHARDS is ${count} but this service was created with ${stored.value}`);
    if (!stored) this.sql.exec("INSERT INTO meta (key, value) VALUES ('shards', ?)", String(count));
    this.roots = new Array(count).fill(undefined);
    this.sealedSeqs = new Array(count).fill(0);
    for (const r of this.sql.exec<{ shard: number; root: ArrayBuffer | null; sealed_seq: number }>(
      "SELECT shard, root, sealed_seq FROM shard_roots",
    )) {
      this.roots[r.shard] = r.root ? u8(r.root) : undefined;
      this.sealedSeqs[r.shard] = r.sealed_seq;
    }
    this.top = new ShardTop(this.roots, fastSha256);
    const last = this.sql
      .exec<{ n: number; root: ArrayBuffer }>("SELECT n, root FROM batches ORDER BY n DESC LIMIT 1")
      .toArray()[0];
    this.size = last ? last.n + 1 : 0;
    this.root = last ? u8(last.root) : emptyRoot();
    if (!sameBytes(this.top.root(), this.root))
      throw new Error("the shards' stored roots do not give the last batch's root");
  }

  private injected(step: CoordinatorFault): void {
    if (this.fault === step) throw new Error(`injected fault: ${step}`);
  }

  /** Schema version now in storage; `/healthz` reads it to prove the object and its SQLite answer. */
  async schemaVersion(): Promise<number> {
    return this.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version;
  }

  /** The published size and the shard count (routes compute shard indexes themselves). */
  async published(): Promise<{ size: number; shards: number }> {
    return { size: this.size, shards: this.config().shards };
  }

  // --- epochs ----------------------------------------------------------------------------------

  /** A shard holds staged events: remember it durably (`gen` counts wakes) and arm the epoch. */
  async wake(shard: number): Promise<void> {
    if (!Number.isInteger(shard) || shard < 0 || shard >= this.config().shards)
      throw new RangeError("bad shard");
    this.sql.exec(
      "INSERT INTO pending (shard, gen) VALUES (?, 1) ON CONFLICT(shard) DO UPDATE SET gen = gen + 1",
      shard,
    );
    this.scheduleEpoch();
  }

  private scheduleEpoch(): void {
    if (this.alarmSet) return;
    this.alarmSet = true;
    // Epochs end on multiples of EPOCH_MS (wall clock), so an append waits half an epoch on
    // average for its batch rather than a full one after an idle period.
    const e = this.config().epochMs;
    void this.ctx.storage.setAlarm((Math.floor(Date.now() / e) + 1) * e);
  }

  /** The epoch alarm: seals every staged event (in batches of at most the draft's limits). */
  override async alarm(): Promise<void> {
    this.alarmSet = false;
    if (this.sealing) return;
    this.sealing = true;
    try {
      while (await this.sealOne()) {}
    } catch (e) {
      // A shard or this object failed mid-epoch: the intent stays and the next alarm rolls it
      // forward (also after a restart: the constructor re-arms it).
      console.error(`seal failed, retrying next epoch: ${(e as Error).message}`);
      this.alarmSet = true;
      await this.ctx.storage.setAlarm(Date.now() + this.config().epochMs);
    } finally {
      this.sealing = false;
    }
  }

  private readIntent(): Intent | undefined {
    const r = this.sql
      .exec<{ n: number; bytes: ArrayBuffer; plan: string; time: number }>(
        "SELECT n, bytes, plan, time FROM intent",
      )
      .toArray()[0];
    return r && { n: r.n, bytes: u8(r.bytes), plan: JSON.parse(r.plan) as PlanPart[], time: r.time };
  }

  /**
   * Seals one batch (steps 1-4 of the file comment), resuming a stored intent first. Returns
   * whether it sealed anything. An epoch with no staged events seals nothing: N does not advance
   * (freshness comes from witnesses re-cosigning the same root).
   */
  async sealOne(): Promise<boolean> {
    const started = Date.now();
    const intent = this.readIntent() ?? (await this.collect());
    if (!intent) return false;
    if (intent.n !== this.size) throw new Error(`stored intent for batch ${intent.n} at size ${this.size}`);
    this.injected("after-intent");
    // Step 2: every shard of the plan proves its part and applies its events (idempotent per n).
    const results = await Promise.all(
      intent.plan.map((p) => this.shard(p.shard).sealPart(intent.n, p.upTo, p.keys.map(unhex))),
    );
    this.injected("after-parts");
    // Step 3: the top, the new root and the compact proof, checked before anything is stored.
    const roots = this.roots.slice();
    const seqs = this.sealedSeqs.slice();
    const parts = new Map<number, Uint8Array>();
    intent.plan.forEach((p, i) => {
      const r = results[i]!;
      if (r.part) parts.set(p.shard, r.part);
      if (p.upTo !== null) {
        roots[p.shard] = r.root ?? undefined;
        seqs[p.shard] = p.upTo;
      }
    });
    const top = new ShardTop(roots, fastSha256);
    const root = top.root();
    const batch = decodeTreeEventBatch(intent.bytes);
    const keys = new Map<string, Uint8Array>();
    for (const e of batch.events) {
      const k = keyForNormalizedDomain(e.domain, fastSha256);
      keys.set(hex(k), k);
    }
    const proof = this.top.batchProof([...keys.values()], parts, root);
    const check = verifyBatch(this.root, proof, batch, fastSha256);
    if (!check || !sameBytes(check, root))
      throw new Error(`batch ${intent.n}: the shards' parts do not verify`);
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO batches (n, bytes, proof, root, time, events) VALUES (?, ?, ?, ?, ?, ?)",
        intent.n,
        intent.bytes,
        proof,
        root,
        intent.time,
        batch.events.length,
      );
      for (const p of intent.plan) {
        if (p.upTo === null) continue;
        this.sql.exec(
          "INSERT OR REPLACE INTO shard_roots (shard, root, sealed_seq) VALUES (?, ?, ?)",
          p.shard,
          roots[p.shard] ?? null,
          p.upTo,
        );
      }
      for (const e of batch.events)
        if (e.assetHosts)
          this.sql.exec(
            "INSERT OR IGNORE INTO asset_hosts (hash, hosts) VALUES (?, ?)",
            assetHostsHash(e.assetHosts, fastSha256),
            encodeAssetHosts(e.assetHosts),
          );
      this.sql.exec("DELETE FROM intent");
      this.injected("in-commit");
    });
    // Step 4, publish: only now is size n + 1 visible.
    const ms = Date.now() - started;
    this.sealTimes.seals++;
    this.sealTimes.totalMs += ms;
    this.sealTimes.maxMs = Math.max(this.sealTimes.maxMs, ms);
    this.sealTimes.events += batch.events.length;
    this.sealTimes.shardCalls += intent.plan.length;
    this.size = intent.n + 1;
    this.root = root;
    this.roots = roots;
    this.sealedSeqs = seqs;
    this.top = top;
    for (const p of intent.plan) if (p.upTo !== null) this.sites.delete(p.shard);
    this.notifyWitnesses();
    await this.progressWaiters();
    await this.publishPreload();
    return true;
  }

  /**
   * Step 1: collects the woken shards' staged events into batch `size` and stores it as the
   * intent with its plan. Undefined when nothing is staged.
   */
  private async collect(): Promise<Intent | undefined> {
    const pending = this.sql.exec<{ shard: number; gen: number }>("SELECT shard, gen FROM pending").toArray();
    if (pending.length === 0) return undefined;
    const got = await Promise.all(pending.map((p) => this.shard(p.shard).staged(BATCH_MAX_EVENTS)));
    const n = this.size;
    const plan = planShardBatch(
      pending.map((p, i) => ({ shard: p.shard, events: got[i]!.events })),
      n % this.config().shards,
    );
    // A shard is drained when it gave everything it had; a wake since (gen moved) keeps its row.
    const drained = pending.filter(
      (p, i) => !got[i]!.more && (plan.taken.get(p.shard) ?? 0) === got[i]!.events.length,
    );
    const forget = () => {
      for (const p of drained)
        this.sql.exec("DELETE FROM pending WHERE shard = ? AND gen = ?", p.shard, p.gen);
    };
    if (plan.events.length === 0) {
      this.ctx.storage.transactionSync(forget);
      return undefined;
    }
    const events = plan.events.map(decodeTreeEvent);
    const bytes = encodeTreeEventBatch({ events });
    const keys = new Map<string, Uint8Array>();
    for (const e of events) {
      const k = keyForNormalizedDomain(e.domain, fastSha256);
      keys.set(hex(k), k);
    }
    const routed = this.top.route([...keys.values()]);
    const shards = new Set<number>([...plan.taken.keys(), ...routed.keys()]);
    const intent: Intent = {
      n,
      bytes,
      time: Math.floor(Date.now() / 1000),
      plan: [...shards]
        .sort((a, b) => a - b)
        .map((s) => {
          const i = pending.findIndex((p) => p.shard === s);
          const t = plan.taken.get(s) ?? 0;
          return {
            shard: s,
            upTo: t > 0 ? got[i]!.seqs[t - 1]! : null,
            keys: (routed.get(s) ?? []).map(hex),
          };
        }),
    };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT INTO intent (n, bytes, plan, time) VALUES (?, ?, ?, ?)",
        intent.n,
        intent.bytes,
        JSON.stringify(intent.plan),
        intent.time,
      );
      forget();
    });
    return intent;
  }

  private notifyWitnesses(): void {
    for (const url of this.config().notifyUrls) {
      fetch(url, { method: "POST", body: String(this.size) }).then(
        (r) => r.body?.cancel(),
        () => {},
      );
    }
  }

  // --- waiting for cosignatures ------------------------------------------------------------------

  /**
   * Waits until the event `seq` of shard `shard` (an append to `domain`) is sealed and a quorum
   * cosigned a size holding it; answers `pending` after `APPEND_TIMEOUT_MS`.
   */
  async waitCosigned(shard: number, seq: number, domain: string, position: string): Promise<AppendOutcome> {
    const timeout = this.config().appendTimeoutMs;
    return new Promise<AppendOutcome>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const w: Waiter = {
        domain,
        shard,
        seq,
        position,
        done: (o) => {
          if (timer !== undefined) clearTimeout(timer);
          this.waiters.delete(w);
          resolve(o);
        },
      };
      this.waiters.add(w);
      timer = setTimeout(() => w.done({ kind: "pending", position }), timeout);
      this.progressWaiters().catch((e) => console.error(`proofs for waiters: ${(e as Error).message}`));
    });
  }

  /**
   * Gives each waiter whose event is sealed a proof at the current size (its shard's part joined
   * with the top's segments for that size), then answers what it can.
   */
  private async progressWaiters(): Promise<void> {
    const size = this.size;
    const top = this.top;
    const want = new Map<number, Set<string>>();
    for (const w of this.waiters) {
      if (w.minSize === undefined && w.seq <= (this.sealedSeqs[w.shard] ?? 0)) w.minSize = size;
      if (w.minSize !== undefined && !this.proofs.get(size)?.has(w.domain)) {
        const s = want.get(w.shard) ?? new Set<string>();
        s.add(w.domain);
        want.set(w.shard, s);
      }
    }
    await Promise.all(
      [...want].map(async ([shard, domains]) => {
        const got = await this.shard(shard).proofs([...domains], size);
        if (!got) return; // the shard is already past this size: the next seal's round covers it
        let m = this.proofs.get(size);
        if (!m) {
          m = new Map();
          this.proofs.set(size, m);
        }
        const segments = top.segments(shard);
        for (const g of got)
          m.set(g.domain, { head: decodeChainNode(g.head), proof: joinShardProof(g.part, segments) });
      }),
    );
    this.answerWaiters();
  }

  private answerWaiters(): void {
    if (this.waiters.size === 0) {
      for (const s of this.proofs.keys()) if (s !== this.size) this.proofs.delete(s);
      return;
    }
    const sizes = [...this.proofs.keys()].sort((a, b) => b - a);
    const notes = new Map<number, Uint8Array | null>();
    const noteAt = (s: number): Uint8Array | null => {
      if (!notes.has(s)) notes.set(s, this.signedRoot(s));
      return notes.get(s)!;
    };
    let oldestNeeded = this.size;
    for (const w of this.waiters) {
      if (w.minSize === undefined) continue;
      for (const s of sizes) {
        if (s < w.minSize) break;
        const p = this.proofs.get(s)?.get(w.domain);
        if (!p) continue;
        const note = noteAt(s);
        if (!note) continue;
        w.done({
          kind: "cosigned",
          position: w.position,
          proof: encodeChainHeadWithProof({ head: p.head, incProof: p.proof, signedPrefixRoot: note }),
        });
        break;
      }
    }
    for (const w of this.waiters) oldestNeeded = Math.min(oldestNeeded, w.minSize ?? this.size);
    for (const s of this.proofs.keys()) if (s < oldestNeeded) this.proofs.delete(s);
  }

  /** Root of the tree of size `n` (after batches [0, n)), or undefined if not sealed. */
  private rootAt(n: number): Uint8Array | undefined {
    if (n === 0) return emptyRoot();
    if (n > this.size) return undefined;
    const r = this.sql
      .exec<{ root: ArrayBuffer }>("SELECT root FROM batches WHERE n = ?", n - 1)
      .toArray()[0];
    return r ? u8(r.root) : undefined;
  }

  /** The newest cosignature per configured witness key for size n. */
  private cosignaturesAt(n: number): NoteSignature[] {
    const keys = this.config().witnessKeys;
    const out: NoteSignature[] = [];
    for (const k of keys) {
      const r = this.sql
        .exec<{ line: string }>(
          "SELECT line FROM cosignatures WHERE n = ? AND name = ? AND key_id = ? ORDER BY time DESC LIMIT 1",
          n,
          k.name,
          k.keyId,
        )
        .toArray()[0];
      if (r) out.push(parseSignatureLines(r.line)[0]!);
    }
    return out;
  }

  /** The signed prefix root note for size n if a quorum of witnesses cosigned it, else null. */
  private signedRoot(n: number): Uint8Array | null {
    const c = this.config();
    const sigs = this.cosignaturesAt(n);
    const root = this.rootAt(n);
    if (sigs.length < c.quorum || sigs.length === 0 || !root) return null;
    const text = formatSignedPrefixRoot({
      checkpoint: { tdomain: c.treeDomain, size: BigInt(n), root },
      signatures: sigs,
    });
    return new TextEncoder().encode(text);
  }

  /**
   * `POST /upload-cosignature/<N>`: every line must be a valid WAICT cosignature by a configured
   * witness on (tree domain, N, root N); all lines are checked before any is stored, so a body
   * with one forged line stores nothing. Re-uploading a stored line is a no-op (idempotent).
   */
  async uploadCosignatures(n: number, body: Uint8Array): Promise<{ stored: number } | ErrorResult> {
    const c = this.config();
    let sigs: NoteSignature[];
    try {
      sigs = parseSignatureLines(body, { maxSignatures: 16, maxNoteBytes: 8192 });
    } catch (e) {
      return { error: ErrorKind.BadRequest, message: `cosignature lines: ${(e as Error).message}` };
    }
    const root = this.rootAt(n);
    if (!root) return { error: ErrorKind.NotFound, message: `tree size ${n} is not sealed` };
    const cp = { tdomain: c.treeDomain, size: BigInt(n), root };
    for (const s of sigs) {
      const key = c.witnessKeys.find((k) => k.name === s.name && k.keyId === s.keyId);
      if (!key) return { error: ErrorKind.UnknownKey, message: `${s.name} is not a configured witness key` };
      if (cosignatureTime(s) === undefined)
        return { error: ErrorKind.BadRequest, message: "signature is not a timestamped cosignature" };
      if (!verifyCosignature(key, cp, s))
        return {
          error: ErrorKind.BadCosignature,
          message: `cosignature by ${s.name} does not verify for root ${n}`,
        };
    }
    this.ctx.storage.transactionSync(() => {
      for (const s of sigs)
        this.sql.exec(
          "INSERT OR IGNORE INTO cosignatures (n, name, key_id, time, line) VALUES (?, ?, ?, ?, ?)",
          n,
          s.name,
          s.keyId,
          Number(cosignatureTime(s)),
          formatSignatureLine(s),
        );
    });
    this.answerWaiters();
    return { stored: sigs.length };
  }

  // --- reads ---------------------------------------------------------------------------------

  checkpoint(): Checkpoint {
    const c = this.config();
    const t = this.sql
      .exec<{ time: number }>("SELECT time FROM batches WHERE n = ?", this.size - 1)
      .toArray()[0];
    return {
      tree_domain: c.treeDomain,
      size: this.size,
      root: encodeBase64(this.root),
      time: t?.time ?? 0,
      cosignatures: this.cosignaturesAt(this.size).map(formatSignatureLine),
    };
  }

  /** `/asset-hosts/sha256-<digest>`: the canonical `AssetHost<1..2^13-1>` bytes hashing to it. */
  assetHosts(hash: Uint8Array): Uint8Array | ErrorResult {
    const r = this.sql
      .exec<{ hosts: ArrayBuffer }>("SELECT hosts FROM asset_hosts WHERE hash = ?", hash)
      .toArray()[0];
    return r ? u8(r.hosts) : { error: ErrorKind.NotFound, message: "unknown asset hosts hash" };
  }

  /** Sealed batch n: its bytes, compact proof, root after it and seal time. */
  batch(n: number): { bytes: Uint8Array; proof: Uint8Array; root: Uint8Array; time: number } | ErrorResult {
    if (n >= this.size) return { error: ErrorKind.NotFound, message: `batch ${n} is not sealed` };
    const r = this.sql
      .exec<{ bytes: ArrayBuffer; proof: ArrayBuffer; root: ArrayBuffer; time: number }>(
        "SELECT bytes, proof, root, time FROM batches WHERE n = ?",
        n,
      )
      .one();
    return { bytes: u8(r.bytes), proof: u8(r.proof), root: u8(r.root), time: r.time };
  }

  /**
   * For `/leaf` (routes/read.ts): the published size, the top's segments for `shard` at that size
   * (null when the shard is empty there) and the signed root note if a quorum cosigned it.
   */
  async leafTop(
    shard: number,
  ): Promise<{ size: number; segments: Uint8Array | null; note: Uint8Array | null }> {
    const segments = this.roots[shard] ? this.top.segments(shard) : null;
    return { size: this.size, segments, note: this.signedRoot(this.size) };
  }

  /** `/preload-list` (extension): sealed, not tombstoned domains at the current size and root. */
  async preloadList(): Promise<{ tree_domain: string; size: number; root: string; domains: string[] }> {
    const size = this.size;
    const root = this.root;
    const domains = (await this.sealedSites())
      .filter((s) => !s.tombstone && !isPreloadChainDomain(s.domain, this.config().treeDomain))
      .map((s) => s.domain)
      .sort();
    return { tree_domain: this.config().treeDomain, size, root: encodeBase64(root), domains };
  }

  /** Every shard's sealed sites (cached per shard until it applies another batch). */
  private async sealedSites(): Promise<SealedSite[]> {
    const count = this.config().shards;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        if (this.sites.has(i) || !this.roots[i]) return;
        this.sites.set(i, await this.shard(i).sealedSites());
      }),
    );
    return Array.from({ length: count }, (_, i) => (this.roots[i] ? (this.sites.get(i) ?? []) : [])).flat();
  }

  // --- preload lists (Sealroom extension: src/preload-lists.ts, @sealroom/manifest docs/preload-list.md)

  /**
   * After a seal (and when a read finds the list past half its lifetime): if the list derived
   * from the sealed heads of tree `this.size` must be published, store its bytes under the next
   * version, then stage its hash as the next entry of the service's own preload chain in the
   * shard that owns it; the next batch seals it. Durability order: bytes first (keyed by version,
   * replaced if a restart left a row with no staged entry), then the staged entry. Both kinds
   * (transparency, dev-ids) come from one read of the shards' sealed sites. Runs one at a time:
   * two derivations racing across their awaits would store two lists under one version.
   */
  private publishPreload(): Promise<void> {
    const run = this.publishing.then(() => this.derivePreload());
    this.publishing = run.catch(() => {});
    return run;
  }

  private async derivePreload(): Promise<void> {
    const c = this.config();
    const size = this.size;
    const root = this.root;
    const now = Math.floor(Date.now() / 1000);
    const sites = await this.sealedSites();
    if (size !== this.size) return; // a newer seal derives them
    // The dev-ids candidates (src/dev-ids-optin.ts) from the choices the shards reported; that
    // list exists once some sealed site has opted into code signing.
    const devIds = new Set(sites.filter((s) => isDevIdsCandidate(s.devIds, now)).map((s) => s.domain));
    const anyOptIn = sites.some((s) => s.devIds !== null);
    for (const kind of [PreloadListKind.transparency, PreloadListKind.devIds]) {
      if (kind === PreloadListKind.devIds && !anyOptIn) continue;
      const chainDomain = preloadChainDomain(c.treeDomain, kind);
      const owner = this.shard(shardIndexOf(chainDomain, c.shards));
      const chain = await owner.chainSize(chainDomain);
      if (size !== this.size) return;
      const due = duePreloadList(this.sql, {
        treeDomain: c.treeDomain,
        size,
        root,
        now,
        sites,
        version: chain?.size ?? 0,
        kind,
        ...(kind === PreloadListKind.devIds ? { only: devIds } : {}),
      });
      if (!due) continue;
      storePreloadList(this.sql, kind, due.version, due.bytes);
      const staged = await owner.stageService(
        due.chainDomain,
        { resourceHash: due.resourceHash, assetHosts: due.assetHosts },
        due.version,
        SERVICE_APPEND_KEY,
      );
      if (staged.kind === "error")
        console.error(`preload list ${kind} v${due.version} not staged: ${staged.message}`);
    }
  }

  /**
   * `GET /preload-list/<kind>[?from=m]`: @sealroom/manifest's `PreloadListResponse`: the list
   * logged by the preload chain's sealed head, that head's proof at the latest size (which must be
   * cosigned), and the chain's consistency proof from size `from` (default: the head's).
   */
  async preloadListResponse(kind: number, from: number | undefined): Promise<Uint8Array | ErrorResult> {
    if (kind !== PreloadListKind.transparency && kind !== PreloadListKind.devIds)
      return { error: ErrorKind.NotFound, message: `no preload list of kind ${kind}` };
    const c = this.config();
    const domain = preloadChainDomain(c.treeDomain, kind);
    const i = shardIndexOf(domain, c.shards);
    const size = this.size;
    const top = this.top;
    const note = this.signedRoot(size);
    const got = this.roots[i] ? await this.shard(i).proofs([domain], size) : [];
    if (got === null)
      return { error: ErrorKind.NotYetCosigned, message: `tree size ${size} is being sealed, retry` };
    const p = got[0];
    if (!p) return { error: ErrorKind.NotFound, message: "no preload list is published yet" };
    const head = decodeChainNode(p.head);
    const sealedSize = Number(head.entry.positionInChain) + 1;
    const bytes = readPreloadList(this.sql, kind, Number(head.entry.positionInChain));
    if (!bytes) throw new Error(`preload list v${head.entry.positionInChain} is logged but not stored`);
    const age = Math.floor(Date.now() / 1000) - Number(head.entry.timeCreated);
    if (age > PRELOAD_LIST_TTL / 2) await this.publishPreload();
    const f = from ?? sealedSize;
    if (f > sealedSize)
      return { error: ErrorKind.NotFound, message: `the preload chain has ${sealedSize} sealed entries` };
    if (!note) return { error: ErrorKind.NotYetCosigned, message: `tree size ${size} is not cosigned yet` };
    const entries = await this.shard(i).chainEntries(domain, f, sealedSize);
    return encodePreloadListResponse({
      listBytes: bytes,
      headProof: { head, incProof: joinShardProof(p.part, top.segments(i)), signedPrefixRoot: note },
      consistency: { oldSize: BigInt(f), entries: entries.map((e) => decodeChainNode(e).entry) },
    });
  }

  /** Explorer: the service overview. */
  async overview() {
    const c = this.config();
    const cp = this.checkpoint();
    const witnesses = c.witnessKeys.map((k) => {
      const r = this.sql
        .exec<{ n: number; time: number }>(
          "SELECT n, time FROM cosignatures WHERE name = ? AND key_id = ? ORDER BY n DESC, time DESC LIMIT 1",
          k.name,
          k.keyId,
        )
        .toArray()[0];
      return { name: k.name, size: r?.n ?? null, time: r?.time ?? null };
    });
    const domains = (await this.sealedSites()).length;
    const batches = this.sql
      .exec<{ n: number; time: number; events: number }>(
        "SELECT n, time, events FROM batches ORDER BY n DESC LIMIT 20",
      )
      .toArray();
    const staged = this.sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM pending").one().c;
    return {
      ...cp,
      quorum: c.quorum,
      epochMs: c.epochMs,
      shards: c.shards,
      witnesses,
      domains,
      batches,
      staged,
    };
  }

  /** `/stats` (extension): the coordinator's database bytes and rows (routes add the shards'). */
  async storageStats() {
    const count = (t: string) => this.sql.exec<{ c: number }>(`SELECT COUNT(*) AS c FROM ${t}`).one().c;
    return {
      databaseSize: this.sql.databaseSize,
      rows: {
        batches: count("batches"),
        cosignatures: count("cosignatures"),
        asset_hosts: count("asset_hosts"),
      },
      seal: { ...this.sealTimes },
    };
  }
}
