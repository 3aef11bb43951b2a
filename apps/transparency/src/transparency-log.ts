/**
 * The transparency service's single source of truth: a SQLite-backed Durable Object holding the
 * prefix tree (pages through @sealroom/prefix-tree's `PageStore`), every site's chain
 * (@sealroom/hash-chain), staged tree events, sealed batches with their roots and compact proofs,
 * and witness cosignatures (README "Storage").
 *
 * Durability order (README "Epochs"):
 *  1. stage: an append/enrolment writes its chain entry, the domain's new head and one staged
 *     `TreeEvent` in one `transactionSync`, then schedules the epoch alarm;
 *  2. seal (alarm): batch N = the staged events in order; its compact proof, the tree update
 *     (pages + sealed heads), the batch row with root N+1 and the removal of the staged rows commit
 *     in one `transactionSync`;
 *  3. publish: only after that commit does the object expose size N+1 (checkpoint, batches),
 *     compute proofs for waiting appends and notify witnesses.
 * A restart between any two steps loses nothing acknowledged: staged rows stay until the
 * transaction that seals them, and the alarm (persisted) re-runs the seal; a root is never
 * exposed before its batch row exists. An append is acknowledged with a cosigned proof only, or
 * with 503 after it was durably staged, so a retry finds it (same position, same entry) and waits
 * for it instead of appending twice.
 */

import { DurableObject } from "cloudflare:workers";
import { Buffer } from "node:buffer";
import {
  assetHostsHash,
  type ChainNode,
  decodeChainNode,
  type Entry,
  encodeAssetHosts,
  encodeChainConsistencyProof,
  encodeChainNode,
  encodeEntriesTile,
  isTombstone,
  nextChainHash,
  nextChainNode,
  TILE_WIDTH,
} from "@sealroom/hash-chain";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  encodeChainHeadWithProof,
  encodePreloadListResponse,
  PreloadListKind,
  preloadChainDomain,
  verifyAppend,
} from "@sealroom/manifest";
import {
  applyBatch,
  BATCH_MAX_BYTES,
  BATCH_MAX_EVENTS,
  decodeTreeEvent,
  emptyRoot,
  encodeTreeEvent,
  encodeTreeEventBatch,
  fastSha256,
  keyForNormalizedDomain,
  PAGES_TABLE_SQL,
  PrefixTree,
  proveBatch,
  SqlPageStore,
  type TreeEvent,
} from "@sealroom/prefix-tree";
import {
  cosignatureTime,
  formatSignatureLine,
  formatSignedPrefixRoot,
  type NoteSignature,
  parseSignatureLines,
  parseVerifierKey,
  verifyCosignature,
} from "@sealroom/prefix-tree/note";
import { type Config, configOf } from "./config.ts";
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
import { SqlHeadStore } from "./sql-stores.ts";

/** Ordered schema migrations; index + 1 is the version recorded in `schema_version`. */
/**
 * Byte budget of the tree's page cache: a Durable Object has 128 MB, and the tree must leave room for
 * the isolate, the staged events and in-flight requests (prefix-tree evicts least recently used pages).
 */
const TREE_CACHE_BYTES = 48 * 1024 * 1024;

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
];

export type AppendOutcome =
  | { kind: "cosigned"; proof: Uint8Array; position: string }
  | { kind: "pending"; position: string }
  | ({ kind: "error" } & ErrorResult);

export interface EntryInput {
  resourceHash: Uint8Array;
  assetHosts: string[];
}

export interface Checkpoint {
  tree_domain: string;
  size: number;
  root: string;
  time: number;
  cosignatures: string[];
}

interface Waiter {
  domain: string;
  seq: number;
  minSize?: number;
  done: (o: AppendOutcome) => void;
  position: string;
}

interface CachedProof {
  head: ChainNode;
  proof: Uint8Array;
}

const err = (error: ErrorKind, message: string, position?: bigint): { kind: "error" } & ErrorResult => ({
  kind: "error",
  error,
  message,
  ...(position !== undefined ? { position: position.toString() } : {}),
});

const u8 = (b: ArrayBuffer): Uint8Array => new Uint8Array(b);

/** Byte equality from the runtime (`nodejs_compat`'s Buffer), not a helper of our own. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export class TransparencyLog extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly pages: SqlPageStore;
  private tree!: PrefixTree;
  /** Published state: batches sealed so far (the tree size N) and root N. */
  private size = 0;
  private root: Uint8Array = emptyRoot();
  /** Highest staged-event sequence number already sealed into a batch. */
  private sealedSeq = 0;
  private nextSeq = 1;
  private alarmSet = false;
  private readonly waiters = new Set<Waiter>();
  /** Inclusion proofs per tree size for domains with waiting appends (in memory only). */
  private readonly proofs = new Map<number, Map<string, CachedProof>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.pages = new SqlPageStore(this.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.migrate();
      this.sql.exec(PRELOAD_TABLE_SQL);
      this.load();
      if (this.nextSeq - 1 > this.sealedSeq && (await ctx.storage.getAlarm()) === null) {
        await ctx.storage.setAlarm(Date.now() + this.config().epochMs);
      }
      this.alarmSet = (await ctx.storage.getAlarm()) !== null;
    });
  }

  private config(): Config {
    return configOf(this.env);
  }

  private migrate(): void {
    const sql = this.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
    const current = row?.version ?? 0;
    if (current >= MIGRATIONS.length) return;
    this.ctx.storage.transactionSync(() => {
      for (let v = current; v < MIGRATIONS.length; v++) sql.exec(MIGRATIONS[v]!);
      sql.exec("DELETE FROM schema_version");
      sql.exec("INSERT INTO schema_version (version) VALUES (?)", MIGRATIONS.length);
    });
  }

  /** Reads the published state from storage (constructor, and after a failed seal). */
  private load(): void {
    this.tree = new PrefixTree({
      store: this.pages,
      heads: new SqlHeadStore(this.sql),
      hash: fastSha256,
      cacheBytes: TREE_CACHE_BYTES,
    });
    const last = this.sql
      .exec<{ n: number; root: ArrayBuffer }>("SELECT n, root FROM batches ORDER BY n DESC LIMIT 1")
      .toArray()[0];
    this.size = last ? last.n + 1 : 0;
    this.root = last ? u8(last.root) : emptyRoot();
    const meta = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'sealed_seq'")
      .toArray()[0];
    this.sealedSeq = meta ? Number(meta.value) : 0;
    const maxSeq = this.sql.exec<{ m: number | null }>("SELECT MAX(seq) AS m FROM staged").one().m;
    this.nextSeq = Math.max(this.sealedSeq, maxSeq ?? 0) + 1;
    if (!sameBytes(this.tree.root(), this.root))
      throw new Error("stored tree root differs from the last batch's root");
  }

  /** Schema version now in storage; `/healthz` reads it to prove the object and its SQLite answer. */
  async schemaVersion(): Promise<number> {
    return this.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version;
  }

  // --- writes ----------------------------------------------------------------------------------

  /**
   * Enrolment (waict-apis.md "Enrollment via HTTPS"): creates the chain at position 0, or appends
   * to an existing one; either way the well-known document's append key becomes the domain's key
   * (re-enrolment rotates it). The caller fetched and parsed the document.
   */
  async enroll(domain: string, input: EntryInput, appendKey: string): Promise<AppendOutcome> {
    const staged = this.stage(domain, input, undefined, appendKey);
    if ("kind" in staged) return staged;
    return this.waitCosigned(domain, staged.seq, staged.position);
  }

  /**
   * Append (waict-apis.md "Append to resource chain") authenticated by the domain's append key over
   * (domain, position, body) (README "Append authentication"). `position` must be the chain's next
   * position; a retry of an append that is already stored (same position, same entry, valid
   * signature) waits for that entry instead of appending again.
   */
  async append(
    domain: string,
    input: EntryInput,
    body: Uint8Array,
    position: string,
    signature: Uint8Array,
    wait = true,
  ): Promise<AppendOutcome> {
    const row = this.domainRow(domain);
    if (!row) return err(ErrorKind.NotEnrolled, `${domain} is not enrolled`);
    const pos = BigInt(position);
    const key = parseVerifierKey(row.append_key);
    if (!(await verifyAppend(key, signature, { domain, position: pos, body })))
      return err(
        ErrorKind.BadSignature,
        "append signature does not verify for this domain, position and body",
      );
    if (pos > BigInt(row.size))
      return err(ErrorKind.Conflict, `position ${pos} is ahead of the chain`, BigInt(row.size));
    if (pos < BigInt(row.size)) {
      const e = this.sql
        .exec<{ node: ArrayBuffer; seq: number }>(
          "SELECT node, seq FROM entries WHERE domain = ? AND position = ?",
          domain,
          Number(pos),
        )
        .toArray()[0];
      const node = e && decodeChainNode(u8(e.node));
      if (
        node &&
        sameBytes(node.entry.resourceHash, input.resourceHash) &&
        sameBytes(node.entry.assetHostsHash, assetHostsHash(input.assetHosts))
      ) {
        return this.waitCosigned(domain, e.seq, position); // idempotent retry
      }
      return err(ErrorKind.Conflict, `position ${pos} is taken`, BigInt(row.size));
    }
    const staged = this.stage(domain, input, pos);
    if ("kind" in staged) return staged;
    if (!wait) return { kind: "pending", position: staged.position };
    return this.waitCosigned(domain, staged.seq, staged.position);
  }

  /**
   * Step 1 of the durability order: entry, head and staged event in one transaction. With
   * `expected`, the chain's size must still equal it (the signature was checked across an await).
   */
  private stage(
    domain: string,
    input: EntryInput,
    expected: bigint | undefined,
    newKey?: string,
  ): { seq: number; position: string } | ({ kind: "error" } & ErrorResult) {
    const now = BigInt(Math.floor(Date.now() / 1000));
    let out: { seq: number; position: string } | ({ kind: "error" } & ErrorResult) = err(
      ErrorKind.BadRequest,
      "unreachable",
    );
    this.ctx.storage.transactionSync(() => {
      const row = this.domainRow(domain);
      if (!row && newKey === undefined) {
        out = err(ErrorKind.NotEnrolled, `${domain} is not enrolled`);
        return;
      }
      if (expected !== undefined && row && BigInt(row.size) !== expected) {
        out = err(ErrorKind.Conflict, `position ${expected} is taken`, BigInt(row.size));
        return;
      }
      const head = row ? decodeChainNode(u8(row.head)) : undefined;
      const hosts = encodeAssetHosts(input.assetHosts);
      const changed = !row || !sameBytes(hosts, u8(row.hosts));
      const time = head && head.entry.timeCreated > now ? head.entry.timeCreated : now;
      const node = nextChainNode(head, {
        timeCreated: time,
        resourceHash: input.resourceHash,
        ...(changed ? { assetHosts: input.assetHosts } : {}),
      });
      const event: TreeEvent = {
        domain,
        assetHosts: changed ? input.assetHosts : null,
        newResourceHash: input.resourceHash,
        timestamp: time,
      };
      const seq = this.nextSeq;
      const pos = Number(node.entry.positionInChain);
      const nodeBytes = encodeChainNode(node);
      if (row) {
        this.sql.exec(
          "UPDATE domains SET size = ?, head = ?, hosts = ?, append_key = ? WHERE domain = ?",
          pos + 1,
          nodeBytes,
          hosts,
          newKey ?? row.append_key,
          domain,
        );
      } else {
        this.sql.exec(
          "INSERT INTO domains (domain, tree_key, append_key, size, head, hosts, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          domain,
          keyForNormalizedDomain(domain, fastSha256),
          newKey!,
          pos + 1,
          nodeBytes,
          hosts,
          Number(now),
        );
      }
      if (changed)
        this.sql.exec(
          "INSERT OR IGNORE INTO asset_hosts (hash, hosts) VALUES (?, ?)",
          node.entry.assetHostsHash,
          hosts,
        );
      this.sql.exec(
        "INSERT INTO entries (domain, position, node, seq) VALUES (?, ?, ?, ?)",
        domain,
        pos,
        nodeBytes,
        seq,
      );
      this.sql.exec("INSERT INTO staged (seq, event) VALUES (?, ?)", seq, encodeTreeEvent(event));
      this.nextSeq = seq + 1;
      out = { seq, position: String(pos) };
    });
    if (!("kind" in out)) this.scheduleEpoch();
    return out;
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
    while (this.sealOne()) {}
  }

  /**
   * Seals one batch (steps 2 and 3 of the durability order). Returns whether it sealed anything.
   * An epoch with no staged events seals nothing: N does not advance (freshness comes from
   * witnesses re-cosigning the same root).
   */
  sealOne(): boolean {
    const events: TreeEvent[] = [];
    let bytes = 0;
    let lastSeq = this.sealedSeq;
    for (const r of this.sql.exec<{ seq: number; event: ArrayBuffer }>(
      "SELECT seq, event FROM staged ORDER BY seq LIMIT ?",
      BATCH_MAX_EVENTS,
    )) {
      if (bytes + r.event.byteLength > BATCH_MAX_BYTES) break;
      events.push(decodeTreeEvent(u8(r.event)));
      bytes += r.event.byteLength;
      lastSeq = r.seq;
    }
    if (events.length === 0) return false;
    const batch = { events };
    const encoded = encodeTreeEventBatch(batch);
    const n = this.size;
    const time = Math.floor(Date.now() / 1000);
    let root: Uint8Array;
    try {
      root = this.ctx.storage.transactionSync(() => {
        const proof = proveBatch(this.tree, batch);
        const r = applyBatch(this.tree, batch);
        this.sql.exec(
          "INSERT INTO batches (n, bytes, proof, root, time, events) VALUES (?, ?, ?, ?, ?, ?)",
          n,
          encoded,
          proof,
          r,
          time,
          events.length,
        );
        this.sql.exec("DELETE FROM staged WHERE seq <= ?", lastSeq);
        this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('sealed_seq', ?)", String(lastSeq));
        return r;
      });
    } catch (e) {
      // The in-memory tree may hold the rolled-back update: reload everything from storage.
      this.load();
      throw e;
    }
    // Publish: only now is size n + 1 visible.
    this.size = n + 1;
    this.root = root;
    this.sealedSeq = lastSeq;
    this.progressWaiters();
    this.notifyWitnesses();
    this.publishPreload();
    return true;
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

  private waitCosigned(domain: string, seq: number, position: string): Promise<AppendOutcome> {
    const timeout = this.config().appendTimeoutMs;
    return new Promise<AppendOutcome>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const w: Waiter = {
        domain,
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
      this.progressWaiters();
    });
  }

  /** Gives each waiter whose event is sealed a proof at the current size, then answers what it can. */
  private progressWaiters(): void {
    for (const w of this.waiters) {
      if (w.minSize === undefined && w.seq <= this.sealedSeq) w.minSize = this.size;
      if (w.minSize !== undefined) this.cacheProof(this.size, w.domain);
    }
    this.answerWaiters();
  }

  private cacheProof(size: number, domain: string): void {
    if (size !== this.size) return;
    let m = this.proofs.get(size);
    if (!m) {
      m = new Map();
      this.proofs.set(size, m);
    }
    if (m.has(domain)) return;
    const key = keyForNormalizedDomain(domain, fastSha256);
    const head = this.tree.getHead(key);
    const proof = this.tree.proveInclusion(key);
    if (head && proof) m.set(domain, { head, proof });
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

  // --- reads -----------------------------------------------------------------------------------

  private domainRow(domain: string) {
    return this.sql
      .exec<{
        domain: string;
        append_key: string;
        size: number;
        head: ArrayBuffer;
        hosts: ArrayBuffer;
        sealed_size: number;
        sealed_head: ArrayBuffer | null;
        enrolled_at: number;
      }>(
        "SELECT domain, append_key, size, head, hosts, sealed_size, sealed_head, enrolled_at FROM domains WHERE domain = ?",
        domain,
      )
      .toArray()[0];
  }

  /** The domain's append key (vkey text), for asset uploads. */
  async appendKey(domain: string): Promise<string | null> {
    return this.domainRow(domain)?.append_key ?? null;
  }

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

  /** `/leaf/<domain>`: the sealed head with its proof at the latest size, if that size is cosigned. */
  leaf(domain: string): { proof: Uint8Array } | ErrorResult {
    const row = this.domainRow(domain);
    if (!row?.sealed_head) return { error: ErrorKind.NotFound, message: `${domain} is not in the tree` };
    const note = this.signedRoot(this.size);
    if (!note)
      return { error: ErrorKind.NotYetCosigned, message: `tree size ${this.size} is not cosigned yet` };
    const key = keyForNormalizedDomain(domain, fastSha256);
    const proof = this.tree.proveInclusion(key)!;
    return {
      proof: encodeChainHeadWithProof({
        head: decodeChainNode(u8(row.sealed_head)),
        incProof: proof,
        signedPrefixRoot: note,
      }),
    };
  }

  private sealedEntries(domain: string, from: number, to: number): Entry[] {
    return this.sql
      .exec<{ node: ArrayBuffer }>(
        "SELECT node FROM entries WHERE domain = ? AND position >= ? AND position < ? ORDER BY position",
        domain,
        from,
        to,
      )
      .toArray()
      .map((r) => decodeChainNode(u8(r.node)).entry);
  }

  /** `/entries-tile/<domain>/<N>[.p/<W>]` over sealed entries; a full tile once W = 256 exist. */
  entriesTile(domain: string, index: number, width: number | undefined): Uint8Array | ErrorResult {
    const row = this.domainRow(domain);
    if (!row) return { error: ErrorKind.NotFound, message: `${domain} is not enrolled` };
    const start = index * TILE_WIDTH;
    const avail = Math.min(TILE_WIDTH, row.sealed_size - start);
    const want = width ?? TILE_WIDTH;
    if (avail < want)
      return { error: ErrorKind.NotFound, message: `tile ${index} has ${Math.max(0, avail)} sealed entries` };
    return encodeEntriesTile(this.sealedEntries(domain, start, start + want));
  }

  /** `/chain-hash/<domain>/<N>`: H("waict-ch" || node N), the chain hash after entry N. */
  chainHash(domain: string, n: number): Uint8Array | ErrorResult {
    const row = this.domainRow(domain);
    if (!row || n >= row.sealed_size)
      return { error: ErrorKind.NotFound, message: `no sealed entry ${n} for ${domain}` };
    const r = this.sql
      .exec<{ node: ArrayBuffer }>("SELECT node FROM entries WHERE domain = ? AND position = ?", domain, n)
      .one();
    return nextChainHash(decodeChainNode(u8(r.node)));
  }

  /** `/chain-proof/<domain>?from=m&to=n` (extension): entries m..n-1 as a ChainConsistencyProof. */
  chainProof(domain: string, from: number, to: number): Uint8Array | ErrorResult {
    const row = this.domainRow(domain);
    if (!row) return { error: ErrorKind.NotFound, message: `${domain} is not enrolled` };
    if (to > row.sealed_size || from > to)
      return { error: ErrorKind.NotFound, message: `need from <= to <= ${row.sealed_size} (sealed size)` };
    return encodeChainConsistencyProof({
      oldSize: BigInt(from),
      entries: this.sealedEntries(domain, from, to),
    });
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

  /** `/preload-list` (extension): sealed, not tombstoned domains at the current size and root. */
  preloadList(): { tree_domain: string; size: number; root: string; domains: string[] } {
    const domains: string[] = [];
    for (const r of this.sql.exec<{ domain: string; sealed_head: ArrayBuffer }>(
      "SELECT domain, sealed_head FROM domains WHERE sealed_head IS NOT NULL ORDER BY domain",
    )) {
      if (isPreloadChainDomain(r.domain, this.config().treeDomain)) continue; // the service's own chain
      if (!isTombstone(decodeChainNode(u8(r.sealed_head)).entry)) domains.push(r.domain);
    }
    return { tree_domain: this.config().treeDomain, size: this.size, root: encodeBase64(this.root), domains };
  }

  // --- preload lists (Sealroom extension: src/preload-lists.ts, @sealroom/manifest docs/preload-list.md)

  /**
   * After a seal (and when a read finds the list past half its lifetime): if the list derived
   * from the sealed heads of tree `this.size` must be published, store its bytes under the next
   * version, then stage its hash as the next entry of the service's own preload chain; the next
   * batch seals it. Durability order: bytes first (keyed by version, replaced if a restart left
   * a row with no staged entry), then the staged entry (one transaction with its event).
   */
  private publishPreload(): void {
    const c = this.config();
    const due = duePreloadList(this.sql, {
      treeDomain: c.treeDomain,
      size: this.size,
      root: this.root,
      now: Math.floor(Date.now() / 1000),
    });
    if (!due) return;
    storePreloadList(this.sql, PreloadListKind.transparency, due.version, due.bytes);
    const staged = this.stage(
      due.chainDomain,
      { resourceHash: due.resourceHash, assetHosts: due.assetHosts },
      BigInt(due.version),
      SERVICE_APPEND_KEY,
    );
    if ("kind" in staged) console.error(`preload list v${due.version} not staged: ${staged.message}`);
  }

  /**
   * `GET /preload-list/<kind>[?from=m]`: @sealroom/manifest's `PreloadListResponse`: the list
   * logged by the preload chain's sealed head, that head's proof at the latest size (which must be
   * cosigned), and the chain's consistency proof from size `from` (default: the head's).
   */
  preloadListResponse(kind: number, from: number | undefined): Uint8Array | ErrorResult {
    if (kind !== PreloadListKind.transparency)
      return { error: ErrorKind.NotFound, message: "this service publishes no dev-ids list yet" };
    const domain = preloadChainDomain(this.config().treeDomain, kind);
    const row = this.domainRow(domain);
    if (!row?.sealed_head) return { error: ErrorKind.NotFound, message: "no preload list is published yet" };
    const head = decodeChainNode(u8(row.sealed_head));
    const bytes = readPreloadList(this.sql, kind, Number(head.entry.positionInChain));
    if (!bytes) throw new Error(`preload list v${head.entry.positionInChain} is logged but not stored`);
    const age = Math.floor(Date.now() / 1000) - Number(head.entry.timeCreated);
    if (age > PRELOAD_LIST_TTL / 2) this.publishPreload();
    const f = from ?? row.sealed_size;
    if (f > row.sealed_size)
      return {
        error: ErrorKind.NotFound,
        message: `the preload chain has ${row.sealed_size} sealed entries`,
      };
    const note = this.signedRoot(this.size);
    if (!note)
      return { error: ErrorKind.NotYetCosigned, message: `tree size ${this.size} is not cosigned yet` };
    return encodePreloadListResponse({
      listBytes: bytes,
      headProof: {
        head,
        incProof: this.tree.proveInclusion(keyForNormalizedDomain(domain, fastSha256))!,
        signedPrefixRoot: note,
      },
      consistency: { oldSize: BigInt(f), entries: this.sealedEntries(domain, f, row.sealed_size) },
    });
  }

  /** Explorer: the service overview. */
  overview() {
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
    const domains = this.sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM domains").one().c;
    const batches = this.sql
      .exec<{ n: number; time: number; events: number }>(
        "SELECT n, time, events FROM batches ORDER BY n DESC LIMIT 20",
      )
      .toArray();
    const staged = this.sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM staged").one().c;
    return { ...cp, quorum: c.quorum, epochMs: c.epochMs, witnesses, domains, batches, staged };
  }

  /** Explorer: a domain's chain history (newest first, at most `limit`). */
  history(domain: string, limit = 200) {
    const row = this.domainRow(domain);
    if (!row) return null;
    const entries = this.sql
      .exec<{ node: ArrayBuffer; position: number }>(
        "SELECT node, position FROM entries WHERE domain = ? ORDER BY position DESC LIMIT ?",
        domain,
        limit,
      )
      .toArray()
      .map((r) => {
        const e = decodeChainNode(u8(r.node)).entry;
        return {
          position: r.position,
          time: Number(e.timeCreated),
          resourceHash: encodeBase64(e.resourceHash),
          assetHostsHash: encodeBase64(e.assetHostsHash),
          sealed: r.position < row.sealed_size,
          tombstone: isTombstone(e),
        };
      });
    return { domain, size: row.size, sealedSize: row.sealed_size, enrolledAt: row.enrolled_at, entries };
  }

  /** `/stats` (extension): database bytes, rows per table, page rows written since start. */
  storageStats() {
    const count = (t: string) => this.sql.exec<{ c: number }>(`SELECT COUNT(*) AS c FROM ${t}`).one().c;
    return {
      databaseSize: this.sql.databaseSize,
      pageRowsWritten: this.pages.rowsWritten,
      pageBytesWritten: this.pages.bytesWritten,
      rows: {
        pages: count("pages"),
        domains: count("domains"),
        entries: count("entries"),
        batches: count("batches"),
      },
    };
  }
}
