/**
 * One followed transparency service, as a SQLite-backed Durable Object named by its tree domain.
 * Its alarm loop polls `/checkpoint`, fetches each batch it has not verified (replay: the batch,
 * applied to a full tree copy in this object's SQLite; compact: batch + proof, checked against the
 * stored root alone), and cosigns the resulting root.
 *
 * Durability order (issue 10): verify; persist the new (N, root) [and the tree pages] in one
 * `transactionSync`; sign and record the cosignature (refusing if this N was ever signed with
 * another root); only then upload it. A restart between any two steps resumes from storage: a
 * persisted but unsigned or un-uploaded N is signed/uploaded by the next poll, and the witness can
 * never be led to sign two roots for one N because the signature log is checked first.
 *
 * Any inconsistency (refusal.ts) is recorded and halts the service: no more signing and no more
 * polling until `reset` (README "Reset"); the refused update never reaches storage.
 */

import { DurableObject } from "cloudflare:workers";
import { encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import {
  applyBatch,
  BatchError,
  DecodeError,
  decodeBatchProofBundle,
  emptyRoot,
  fastSha256,
  PrefixTree,
  PrefixTreeError,
  SqlPageStore,
  verifyBatch,
} from "@sealroom/prefix-tree";
import { formatSignatureLine, signCosignature } from "@sealroom/prefix-tree/note";
import { pollMs, recosignMs, type ServiceConfig, signerKey, WitnessMode } from "./config.ts";
import type { Env } from "./env.ts";
import { WitnessError } from "./errors.ts";
import { Refusal, RefusalKind } from "./refusal.ts";
import { fetchBatch, fetchCheckpoint, type RemoteCheckpoint, uploadCosignature } from "./service-client.ts";
import { SqlHeadStore, STORE_TABLES } from "./sql-stores.ts";

/** Ordered schema migrations; index + 1 is the version recorded in `schema_version`. */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    "CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL, root BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS service (id INTEGER PRIMARY KEY CHECK (id = 0), url TEXT NOT NULL, tree_domain TEXT NOT NULL, mode TEXT NOT NULL)",
    // One row per N this witness cosigned: the root (never replaced by another) and the latest line.
    "CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER PRIMARY KEY, root BLOB NOT NULL, time INTEGER NOT NULL, line TEXT NOT NULL, uploaded_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS refusals (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL, reason TEXT NOT NULL, cleared_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS activity (id INTEGER PRIMARY KEY CHECK (id = 0), polled_at INTEGER, remote_size INTEGER, error TEXT, error_at INTEGER)",
    ...STORE_TABLES,
  ],
];

/** Roots compared by their base64 form, which is also how they are shown and signed. */
const sameRoot = (a: Uint8Array, b: Uint8Array) => base64Encode(a) === base64Encode(b);

/** Batches verified per poll before yielding (the alarm comes straight back if more are waiting). */
const MAX_BATCHES_PER_POLL = 64;
/** Delay before the next poll when a poll left batches to fetch. */
const CATCH_UP_MS = 10;

export interface Checkpoint {
  /** Number of batches the root covers. */
  size: number;
  /** Tree root after `size` batches, 32 bytes. */
  root: Uint8Array;
}

export interface RefusalRecord {
  at: number;
  kind: string;
  size: number;
  reason: string;
  clearedAt: number | null;
}

export interface ServiceStatus {
  service: ServiceConfig | null;
  size: number;
  root: string;
  halted: boolean;
  lastCosignature: { size: number; time: number; uploadedAt: number | null } | null;
  polledAt: number | null;
  remoteSize: number | null;
  error: { message: string; at: number } | null;
  refusals: RefusalRecord[];
  /** Bytes of this object's SQLite database (tree copy, logs, state). */
  storageBytes: number;
  /** Rows in the replay tree copy (0 in compact mode). */
  pages: number;
  heads: number;
}

export type PollResult =
  | { state: "ok"; size: number; signed: boolean; uploaded: boolean; behind: number }
  | { state: "halted" | "unconfigured" }
  | { state: "refused"; kind: RefusalKind; reason: string }
  | { state: "error"; error: string };

export interface ResetOptions {
  /** Also forget the verified (N, root) and tree: start again from the empty tree. */
  forget?: boolean;
  /** Also forget which roots were cosigned (allows signing another root for an old N). */
  forgetSignatures?: boolean;
}

export class WitnessState extends DurableObject<Env> {
  private tree: PrefixTree | undefined;
  private polling: Promise<PollResult> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const current =
      sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0]?.version ?? 0;
    if (current >= MIGRATIONS.length) return;
    this.ctx.storage.transactionSync(() => {
      for (let v = current; v < MIGRATIONS.length; v++) for (const s of MIGRATIONS[v]!) sql.exec(s);
      sql.exec("DELETE FROM schema_version");
      sql.exec("INSERT INTO schema_version (version) VALUES (?)", MIGRATIONS.length);
      sql.exec("INSERT OR IGNORE INTO activity (id) VALUES (0)");
    });
  }

  // ---------------------------------------------------------------------------------------------
  // RPC

  /**
   * Sets (first call) or checks the followed service and makes sure the poll loop runs. A URL
   * change is taken as is (content is verified anyway); replay -> compact drops the tree copy;
   * compact -> replay cannot rebuild a tree and is reported until a `reset` with `forget`.
   */
  async configure(service: ServiceConfig): Promise<void> {
    const sql = this.ctx.storage.sql;
    const current = this.service();
    if (current && current.tree_domain !== service.tree_domain)
      throw new WitnessError(
        "config",
        `this object follows ${current.tree_domain}, not ${service.tree_domain}`,
      );
    if (current?.mode === WitnessMode.Compact && service.mode === WitnessMode.Replay) {
      const size = this.checkpoint().size;
      if (size > 0) {
        this.recordError(`mode replay configured but state is compact at N=${size}: reset with forget`);
        return this.ensureAlarm();
      }
    }
    this.ctx.storage.transactionSync(() => {
      sql.exec(
        "INSERT OR REPLACE INTO service (id, url, tree_domain, mode) VALUES (0, ?, ?, ?)",
        service.url,
        service.tree_domain,
        service.mode,
      );
      if (current?.mode === WitnessMode.Replay && service.mode === WitnessMode.Compact) {
        sql.exec("DELETE FROM pages");
        sql.exec("DELETE FROM heads");
      }
    });
    this.tree = undefined;
    await this.ensureAlarm();
  }

  /** A hint that the service has news: poll now (never trusted for content). */
  async notify(): Promise<void> {
    if (this.service() && !this.halted()) await this.ctx.storage.setAlarm(Date.now());
  }

  /** One poll step; the alarm calls it, tests call it directly. Concurrent calls share one run. */
  async poll(): Promise<PollResult> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  override async alarm(): Promise<void> {
    const r = await this.poll();
    if (r.state === "halted" || r.state === "unconfigured" || r.state === "refused") return;
    let delay: number;
    try {
      delay =
        r.state === "ok" && r.behind > 0 ? CATCH_UP_MS : Math.min(pollMs(this.env), recosignMs(this.env));
    } catch {
      delay = 60_000;
    }
    await this.ctx.storage.setAlarm(Date.now() + delay);
  }

  async status(): Promise<ServiceStatus> {
    const sql = this.ctx.storage.sql;
    const cp = this.checkpoint();
    const sig = this.lastCosignature();
    const act = sql
      .exec<{
        polled_at: number | null;
        remote_size: number | null;
        error: string | null;
        error_at: number | null;
      }>("SELECT polled_at, remote_size, error, error_at FROM activity WHERE id = 0")
      .toArray()[0];
    const refusals = sql
      .exec<{ at: number; kind: string; size: number; reason: string; cleared_at: number | null }>(
        "SELECT at, kind, size, reason, cleared_at FROM refusals ORDER BY id DESC LIMIT 20",
      )
      .toArray()
      .map((r) => ({ at: r.at, kind: r.kind, size: r.size, reason: r.reason, clearedAt: r.cleared_at }));
    return {
      service: this.service(),
      size: cp.size,
      root: base64Encode(cp.root),
      halted: this.halted(),
      lastCosignature: sig ? { size: sig.size, time: sig.time, uploadedAt: sig.uploaded_at } : null,
      polledAt: act?.polled_at ?? null,
      remoteSize: act?.remote_size ?? null,
      error: act?.error ? { message: act.error, at: act.error_at ?? 0 } : null,
      refusals,
      storageBytes: sql.databaseSize,
      pages: sql.exec<{ n: number }>("SELECT count(*) AS n FROM pages").one().n,
      heads: sql.exec<{ n: number }>("SELECT count(*) AS n FROM heads").one().n,
    };
  }

  /** The verified (N, root). */
  async state(): Promise<Checkpoint> {
    return this.checkpoint();
  }

  /**
   * Operator reset after a refusal (README "Reset"): clears the halt, keeps the verified (N, root)
   * unless `forget`, keeps the log of cosigned roots unless `forgetSignatures`, and polls again.
   */
  async reset(options: ResetOptions = {}): Promise<void> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      sql.exec("UPDATE refusals SET cleared_at = ? WHERE cleared_at IS NULL", now);
      sql.exec("UPDATE activity SET error = NULL, error_at = NULL WHERE id = 0");
      if (options.forget || options.forgetSignatures) {
        sql.exec("DELETE FROM checkpoint");
        sql.exec("DELETE FROM pages");
        sql.exec("DELETE FROM heads");
      }
      if (options.forgetSignatures) sql.exec("DELETE FROM cosignatures");
    });
    this.tree = undefined;
    await this.ensureAlarm();
  }

  // ---------------------------------------------------------------------------------------------
  // The poll step

  private async pollOnce(): Promise<PollResult> {
    const service = this.service();
    if (!service) return { state: "unconfigured" };
    if (this.halted()) return { state: "halted" };
    try {
      const key = signerKey(this.env);
      const remote = await fetchCheckpoint(service.url);
      this.ctx.storage.sql.exec(
        "UPDATE activity SET polled_at = ?, remote_size = ? WHERE id = 0",
        Date.now(),
        remote.size,
      );
      let cp = this.checkpoint();
      this.checkClaim(service, cp, remote);
      for (let i = 0; i < MAX_BATCHES_PER_POLL && cp.size < remote.size; i++) {
        cp = await this.advance(service, cp, remote);
      }
      if (this.halted()) return { state: "halted" }; // reset/refusal raced with our awaits
      const signed = this.signIfDue(service, cp, key);
      const uploaded = await this.uploadPending(service);
      this.ctx.storage.sql.exec("UPDATE activity SET error = NULL, error_at = NULL WHERE id = 0");
      return { state: "ok", size: cp.size, signed, uploaded, behind: remote.size - cp.size };
    } catch (e) {
      if (e instanceof Refusal) {
        this.refuse(e);
        return { state: "refused", kind: e.kind, reason: e.message };
      }
      if (e instanceof WitnessError) {
        this.recordError(e.message);
        return { state: "error", error: e.message };
      }
      throw e;
    }
  }

  /** What the service claims must extend what this witness verified. */
  private checkClaim(service: ServiceConfig, cp: Checkpoint, remote: RemoteCheckpoint): void {
    if (remote.tree_domain !== service.tree_domain)
      throw new Refusal(
        RefusalKind.Domain,
        remote.size,
        `service speaks for tree domain ${JSON.stringify(remote.tree_domain.slice(0, 300))}, not ${service.tree_domain}`,
      );
    if (remote.size < cp.size)
      throw new Refusal(
        RefusalKind.Rollback,
        remote.size,
        `service is at N=${remote.size}, below verified N=${cp.size}`,
      );
    if (remote.size === cp.size && !sameRoot(remote.root, cp.root))
      throw new Refusal(
        RefusalKind.Fork,
        remote.size,
        `service root ${base64Encode(remote.root)} for N=${remote.size} differs from verified ${base64Encode(cp.root)}`,
      );
  }

  /**
   * Fetches and verifies batch `cp.size`, then persists (N + 1, root') — with the tree pages in
   * replay mode — in one transaction, or refuses and leaves storage as it was.
   */
  private async advance(
    service: ServiceConfig,
    cp: Checkpoint,
    remote: RemoteCheckpoint,
  ): Promise<Checkpoint> {
    const n = cp.size;
    const compact = service.mode === WitnessMode.Compact;
    const bytes = await fetchBatch(service.url, compact ? "batch-proof" : "tree-event-batch", n);
    if (bytes === undefined)
      throw new Refusal(RefusalKind.Gap, n, `service advertises N=${remote.size} but batch ${n} is missing`);
    const next = n + 1;
    // The service's own root for the size we reach must be the one we computed.
    const mustMatch = (root: Uint8Array) => {
      if (next === remote.size && !sameRoot(root, remote.root))
        throw new Refusal(
          RefusalKind.Fork,
          next,
          `batch ${n} gives root ${base64Encode(root)}, service claims ${base64Encode(remote.root)} for N=${next}`,
        );
    };
    const sql = this.ctx.storage.sql;
    const persist = (root: Uint8Array) => {
      const stored = this.checkpoint();
      // A reset (or another step) moved the state during our fetch: drop this step.
      if (stored.size !== n || !sameRoot(stored.root, cp.root) || this.halted())
        throw new WitnessError("service", "state changed during the poll");
      // Never hold a root for N other than one already cosigned for N (possible only after a
      // reset with `forget`): refused here, before it is stored, and again before signing.
      const signed = sql
        .exec<{ root: ArrayBuffer }>("SELECT root FROM cosignatures WHERE size = ?", next)
        .toArray()[0];
      if (signed && !sameRoot(new Uint8Array(signed.root), root))
        throw new Refusal(
          RefusalKind.Equivocation,
          next,
          `N=${next} was cosigned with root ${base64Encode(new Uint8Array(signed.root))}; batch ${n} gives ${base64Encode(root)}`,
        );
      sql.exec(
        "INSERT INTO checkpoint (id, size, root) VALUES (0, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size, root = excluded.root",
        next,
        root,
      );
    };

    if (compact) {
      let root: Uint8Array | null;
      try {
        const bundle = decodeBatchProofBundle(bytes);
        root = verifyBatch(cp.root, bundle.proof, bundle.batch, fastSha256);
      } catch (e) {
        if (!(e instanceof PrefixTreeError)) throw e;
        throw new Refusal(RefusalKind.Proof, n, `batch proof ${n}: ${e.message}`);
      }
      if (root === null)
        throw new Refusal(RefusalKind.Proof, n, `batch proof ${n} does not verify against root for N=${n}`);
      mustMatch(root);
      const r = root;
      this.ctx.storage.transactionSync(() => persist(r));
      return { size: next, root: r };
    }

    const tree = this.openTree();
    if (!sameRoot(tree.root(), cp.root)) {
      this.tree = undefined;
      throw new WitnessError("service", "tree copy does not match the stored root; reopened");
    }
    try {
      const root = this.ctx.storage.transactionSync(() => {
        const r = applyBatch(tree, bytes);
        mustMatch(r);
        persist(r);
        return r;
      });
      return { size: next, root };
    } catch (e) {
      // The transaction rolled back; the in-memory pages may hold the refused batch.
      this.tree = undefined;
      if (e instanceof BatchError || e instanceof DecodeError)
        throw new Refusal(RefusalKind.Replay, n, `batch ${n} does not replay: ${e.message}`);
      throw e;
    }
  }

  /**
   * Cosigns (N, root) if it has no cosignature yet or the last one is older than RECOSIGN_MS.
   * The log row for N is written in the same transaction and refuses a second root for N.
   */
  private signIfDue(service: ServiceConfig, cp: Checkpoint, key: ReturnType<typeof signerKey>): boolean {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    const prev = sql
      .exec<{ root: ArrayBuffer; time: number }>(
        "SELECT root, time FROM cosignatures WHERE size = ?",
        cp.size,
      )
      .toArray()[0];
    if (prev && !sameRoot(new Uint8Array(prev.root), cp.root))
      throw new Refusal(
        RefusalKind.Equivocation,
        cp.size,
        `N=${cp.size} was cosigned with root ${base64Encode(new Uint8Array(prev.root))}; refusing ${base64Encode(cp.root)}`,
      );
    if (prev && now - prev.time * 1000 < recosignMs(this.env)) return false;
    const time = Math.max(Math.floor(now / 1000), prev?.time ?? 0);
    const sig = signCosignature(
      key,
      { tdomain: service.tree_domain, size: BigInt(cp.size), root: cp.root },
      time,
    );
    const line = formatSignatureLine(sig);
    sql.exec(
      "INSERT INTO cosignatures (size, root, time, line, uploaded_at) VALUES (?, ?, ?, ?, NULL) ON CONFLICT(size) DO UPDATE SET time = excluded.time, line = excluded.line, uploaded_at = NULL",
      cp.size,
      cp.root,
      time,
      line,
    );
    return true;
  }

  /** Uploads the newest cosignature if the service has not acknowledged it yet. */
  private async uploadPending(service: ServiceConfig): Promise<boolean> {
    const sig = this.lastCosignature();
    if (!sig || sig.uploaded_at !== null) return false;
    await uploadCosignature(service.url, sig.size, sig.line);
    this.ctx.storage.sql.exec(
      "UPDATE cosignatures SET uploaded_at = ? WHERE size = ? AND line = ?",
      Date.now(),
      sig.size,
      sig.line,
    );
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Storage helpers

  private openTree(): PrefixTree {
    const sql = this.ctx.storage.sql;
    this.tree ??= new PrefixTree({
      hash: fastSha256,
      store: new SqlPageStore(sql),
      heads: new SqlHeadStore(sql),
      // A Durable Object has 128 MB: keep the replayed tree's loaded pages within a third of it.
      cacheBytes: 48 * 1024 * 1024,
    });
    return this.tree;
  }

  private service(): ServiceConfig | null {
    return (
      this.ctx.storage.sql
        .exec<{ url: string; tree_domain: string; mode: string }>(
          "SELECT url, tree_domain, mode FROM service WHERE id = 0",
        )
        .toArray()
        .map((r) => ({ url: r.url, tree_domain: r.tree_domain, mode: r.mode as ServiceConfig["mode"] }))[0] ??
      null
    );
  }

  private checkpoint(): Checkpoint {
    const row = this.ctx.storage.sql
      .exec<{ size: number; root: ArrayBuffer }>("SELECT size, root FROM checkpoint WHERE id = 0")
      .toArray()[0];
    return row ? { size: row.size, root: new Uint8Array(row.root) } : { size: 0, root: emptyRoot() };
  }

  private lastCosignature() {
    return this.ctx.storage.sql
      .exec<{ size: number; time: number; line: string; uploaded_at: number | null }>(
        "SELECT size, time, line, uploaded_at FROM cosignatures ORDER BY size DESC LIMIT 1",
      )
      .toArray()[0];
  }

  private halted(): boolean {
    return (
      this.ctx.storage.sql.exec("SELECT 1 FROM refusals WHERE cleared_at IS NULL LIMIT 1").toArray().length >
      0
    );
  }

  private refuse(r: Refusal): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO refusals (at, kind, size, reason) VALUES (?, ?, ?, ?)",
      Date.now(),
      r.kind,
      r.size,
      r.message.slice(0, 1000),
    );
    console.warn(`witness refused ${this.service()?.tree_domain}: ${r.kind}: ${r.message}`);
  }

  private recordError(message: string): void {
    this.ctx.storage.sql.exec(
      "UPDATE activity SET error = ?, error_at = ? WHERE id = 0",
      message.slice(0, 1000),
      Date.now(),
    );
  }

  private async ensureAlarm(): Promise<void> {
    if (this.halted()) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }
}
