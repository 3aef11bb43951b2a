/**
 * A tree shard (README "Shards and the coordinator"): a SQLite-backed Durable Object owning the
 * domains whose tree key starts with its prefix (`shardOf` in @sealroom/prefix-tree): their
 * chains, staged events, sealed heads and the pages of their subtree (`SqlPageStore`, a
 * `cacheBytes`-bounded `PrefixTree`). Named `shard-<i>/<count>`.
 *
 * Durability order:
 *  1. stage (append/enrol): entry, head and one staged event in one `transactionSync`; then the
 *     shard tells the coordinator it holds staged events (`wake`; re-sent from the alarm after a
 *     restart, so a lost wake delays and never loses an event);
 *  2. `sealPart(n, upTo, keys)`, called by the coordinator once batch n is stored as its intent:
 *     in one `transactionSync` the shard proves its part of the batch proof on its tree before
 *     the batch, applies its events seq <= upTo, deletes them from `staged` and records
 *     (n, part, root) in `applied`; a repeated call for n answers that row (the coordinator rolls
 *     an interrupted epoch forward and may ask twice). A shard with no events in n (only reached
 *     by keys of empty shards) just proves, changing nothing.
 * An enrolment's dev-ids choice (dev-ids-optin.ts) is written in step 1's transaction, so it is
 * stored exactly when the enrolment is; `sealedSites` reports it with each sealed site.
 * A proof of this shard is valid for tree size S iff the last epoch it applied is below S
 * (every epoch that touches a shard applies to it, and epochs seal in order).
 */
import { DurableObject } from "cloudflare:workers";
import {
  assetHostsHash,
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
import { bytesEqual } from "@sealroom/hash-chain/bytes";
import { verifyAppend } from "@sealroom/manifest";
import {
  applyBatch,
  decodeTreeEvent,
  encodeTreeEvent,
  fastSha256,
  keyForNormalizedDomain,
  PAGES_TABLE_SQL,
  PrefixTree,
  proveShardBatch,
  SqlPageStore,
  shardRoot,
  type TreeEvent,
} from "@sealroom/prefix-tree";
import { parseVerifierKey } from "@sealroom/prefix-tree/note";
import { configOf, SHARD_CACHE_BYTES } from "./config.ts";
import { DEV_IDS_TABLE_SQL, type DevIdsChoice, recordDevIdsOptIn } from "./dev-ids-optin.ts";
import type { Env } from "./env.ts";
import { ErrorKind, type ErrorResult } from "./errors.ts";
import { migrate } from "./schema.ts";
import { SqlHeadStore } from "./sql-stores.ts";

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   ${PAGES_TABLE_SQL};
   CREATE TABLE domains (
     domain TEXT PRIMARY KEY, tree_key BLOB NOT NULL UNIQUE, append_key TEXT NOT NULL,
     size INTEGER NOT NULL, head BLOB NOT NULL, hosts BLOB NOT NULL,
     sealed_size INTEGER NOT NULL DEFAULT 0, sealed_head BLOB, enrolled_at INTEGER NOT NULL);
   CREATE TABLE entries (domain TEXT NOT NULL, position INTEGER NOT NULL, node BLOB NOT NULL,
     seq INTEGER NOT NULL, PRIMARY KEY (domain, position)) WITHOUT ROWID;
   CREATE TABLE staged (seq INTEGER PRIMARY KEY, event BLOB NOT NULL);
   CREATE TABLE applied (n INTEGER PRIMARY KEY, up_to_seq INTEGER NOT NULL, part BLOB, root BLOB);`,
];

export interface EntryInput {
  resourceHash: Uint8Array;
  assetHosts: string[];
}

/** A staged (or already stored: `retry`) append: the coordinator waits for (shard, seq). */
export type StageOutcome =
  | { kind: "staged" | "retry"; seq: number; position: string }
  | ({ kind: "error" } & ErrorResult);

export interface SealPart {
  /** This shard's nodes of batch n's proof (before n), or null when no key of n reached it. */
  part: Uint8Array | null;
  /** The shard's root after n, or null when it is empty. */
  root: Uint8Array | null;
}

/** A sealed site as the shard reports it to the coordinator for the preload lists. */
export interface SealedSite {
  domain: string;
  head: Uint8Array;
  tombstone: boolean;
  /** The site's recorded dev-ids choice (dev-ids-optin.ts), null when it never opted in. */
  devIds: DevIdsChoice | null;
}

/** Test-only fault points (README "Crash points"): the step throws as a crash there would. */
export type ShardFault = "seal-in-transaction" | "seal-after-commit";

const err = (error: ErrorKind, message: string, position?: bigint): { kind: "error" } & ErrorResult => ({
  kind: "error",
  error,
  message,
  ...(position !== undefined ? { position: position.toString() } : {}),
});

const u8 = (b: ArrayBuffer): Uint8Array => new Uint8Array(b);

export function shardName(index: number, count: number): string {
  return `shard-${index}/${count}`;
}

export class TreeShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly pages: SqlPageStore;
  private tree!: PrefixTree;
  readonly index: number;
  private lastApplied = -1;
  private sealedSeq = 0;
  private nextSeq = 1;
  /** Whether the coordinator knows this shard holds staged events (reset when it collects them). */
  private announced = false;
  /** Test-only (README "Crash points"). */
  fault: ShardFault | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.pages = new SqlPageStore(this.sql);
    const m = /^shard-(\d+)\/(\d+)$/.exec(ctx.id.name ?? "");
    if (!m || Number(m[2]) !== configOf(env).shards)
      throw new Error(`not a shard of this service: ${ctx.id.name}`);
    this.index = Number(m[1]);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      this.sql.exec(DEV_IDS_TABLE_SQL);
      this.load();
      // A restart may have come between staging and telling the coordinator: tell it again.
      if (this.nextSeq - 1 > this.sealedSeq) await ctx.storage.setAlarm(Date.now());
    });
  }

  private meta(key: string): number | undefined {
    const r = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return r ? Number(r.value) : undefined;
  }

  private setMeta(key: string, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, String(value));
  }

  /** Reads the shard's state from storage (constructor, and after a failed seal). */
  private load(): void {
    this.tree = new PrefixTree({
      store: this.pages,
      heads: new SqlHeadStore(this.sql),
      hash: fastSha256,
      cacheBytes: SHARD_CACHE_BYTES,
    });
    this.lastApplied = this.meta("last_applied") ?? -1;
    this.sealedSeq = this.meta("sealed_seq") ?? 0;
    const maxSeq = this.sql.exec<{ m: number | null }>("SELECT MAX(seq) AS m FROM staged").one().m;
    this.nextSeq = Math.max(this.sealedSeq, maxSeq ?? 0) + 1;
  }

  private coordinator() {
    return this.env.LOG.getByName("log");
  }

  /** Tells the coordinator this shard holds staged events (once per collection). */
  private async announce(): Promise<void> {
    if (this.announced) return;
    this.announced = true;
    try {
      await this.coordinator().wake(this.index);
    } catch (e) {
      this.announced = false;
      // The event is staged (durable); the alarm retries the wake.
      await this.ctx.storage.setAlarm(Date.now() + 1000);
      console.error(`shard ${this.index}: wake failed: ${(e as Error).message}`);
    }
  }

  override async alarm(): Promise<void> {
    const staged = this.sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM staged").one().c;
    if (staged > 0) {
      this.announced = false;
      await this.announce();
    }
  }

  // --- writes ----------------------------------------------------------------------------------

  /**
   * Enrolment: creates the chain at 0 or appends (re-enrolment rotates the append key). `devIds`
   * is the document's dev-ids choice, recorded in the transaction that stages the entry.
   */
  async enroll(
    domain: string,
    input: EntryInput,
    appendKey: string,
    devIds?: boolean,
  ): Promise<StageOutcome> {
    const o = this.stage(domain, input, undefined, appendKey, devIds);
    if (o.kind === "staged") await this.announce();
    return o;
  }

  /**
   * Append authenticated by the domain's append key over (domain, position, body). A retry of an
   * append that is already stored (same position, same entry, valid signature) is `retry` with
   * that entry's seq: the caller waits for it instead of appending again.
   */
  async append(
    domain: string,
    input: EntryInput,
    body: Uint8Array,
    position: string,
    signature: Uint8Array,
  ): Promise<StageOutcome> {
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
        bytesEqual(node.entry.resourceHash, input.resourceHash) &&
        bytesEqual(node.entry.assetHostsHash, assetHostsHash(input.assetHosts))
      )
        return { kind: "retry", seq: e.seq, position };
      return err(ErrorKind.Conflict, `position ${pos} is taken`, BigInt(row.size));
    }
    const o = this.stage(domain, input, pos);
    if (o.kind === "staged") await this.announce();
    return o;
  }

  /** The service's own chains (preload lists): staged at `expected` with no signature. */
  async stageService(
    domain: string,
    input: EntryInput,
    expected: number,
    appendKey: string,
  ): Promise<StageOutcome> {
    const o = this.stage(domain, input, BigInt(expected), appendKey);
    if (o.kind === "staged") await this.announce();
    return o;
  }

  /**
   * Step 1: entry, head and staged event in one transaction. With `expected`, the chain's size
   * must still equal it (the signature was checked across an await). With `devIds`, the
   * enrolment's dev-ids choice is recorded in the same transaction.
   */
  private stage(
    domain: string,
    input: EntryInput,
    expected: bigint | undefined,
    newKey?: string,
    devIds?: boolean,
  ): StageOutcome {
    const now = BigInt(Math.floor(Date.now() / 1000));
    return this.ctx.storage.transactionSync((): StageOutcome => {
      const row = this.domainRow(domain);
      if (!row && newKey === undefined) return err(ErrorKind.NotEnrolled, `${domain} is not enrolled`);
      if (expected !== undefined && (row ? BigInt(row.size) : 0n) !== expected)
        return err(ErrorKind.Conflict, `position ${expected} is taken`, BigInt(row?.size ?? 0));
      const head = row ? decodeChainNode(u8(row.head)) : undefined;
      const hosts = encodeAssetHosts(input.assetHosts);
      const changed = !row || !bytesEqual(hosts, u8(row.hosts));
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
      if (row)
        this.sql.exec(
          "UPDATE domains SET size = ?, head = ?, hosts = ?, append_key = ? WHERE domain = ?",
          pos + 1,
          nodeBytes,
          hosts,
          newKey ?? row.append_key,
          domain,
        );
      else
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
      this.sql.exec(
        "INSERT INTO entries (domain, position, node, seq) VALUES (?, ?, ?, ?)",
        domain,
        pos,
        nodeBytes,
        seq,
      );
      this.sql.exec("INSERT INTO staged (seq, event) VALUES (?, ?)", seq, encodeTreeEvent(event));
      if (devIds !== undefined) recordDevIdsOptIn(this.sql, domain, devIds, Number(now));
      this.nextSeq = seq + 1;
      return { kind: "staged", seq, position: String(pos) };
    });
  }

  // --- sealing (called by the coordinator) ------------------------------------------------------

  /**
   * The staged events in order (at most `limit`), for the coordinator's batch plan. Read only;
   * `more` says whether events are left beyond them. Re-arms the wake for events staged after now.
   */
  async staged(limit: number): Promise<{ seqs: number[]; events: Uint8Array[]; more: boolean }> {
    this.announced = false;
    const rows = this.sql
      .exec<{ seq: number; event: ArrayBuffer }>(
        "SELECT seq, event FROM staged ORDER BY seq LIMIT ?",
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    if (more) rows.pop();
    return { seqs: rows.map((r) => r.seq), events: rows.map((r) => u8(r.event)), more };
  }

  /**
   * Step 2 for batch `n` (see the file comment): proves this shard's part for `keys` (the batch
   * keys the coordinator's top routes here) on the tree before n, then applies the staged events
   * seq <= `upTo` (none when null), all in one transaction; idempotent per n.
   */
  async sealPart(n: number, upTo: number | null, keys: Uint8Array[]): Promise<SealPart> {
    const done = this.sql
      .exec<{ part: ArrayBuffer | null; root: ArrayBuffer | null }>(
        "SELECT part, root FROM applied WHERE n = ?",
        n,
      )
      .toArray()[0];
    if (done) {
      if (this.fault === "seal-after-commit") throw new Error("injected fault: seal-after-commit");
      return { part: done.part && u8(done.part), root: done.root && u8(done.root) };
    }
    if (n <= this.lastApplied)
      throw new Error(`shard ${this.index}: epoch ${n} is older than ${this.lastApplied}`);
    let out: SealPart;
    try {
      out = this.ctx.storage.transactionSync((): SealPart => {
        const events =
          upTo === null
            ? []
            : this.sql
                .exec<{ event: ArrayBuffer }>("SELECT event FROM staged WHERE seq <= ? ORDER BY seq", upTo)
                .toArray()
                .map((r) => decodeTreeEvent(u8(r.event)));
        if (upTo !== null && events.length === 0)
          throw new Error(`shard ${this.index}: no staged events up to ${upTo} for epoch ${n}`);
        const part = keys.length > 0 && shardRoot(this.tree) ? proveShardBatch(this.tree, keys) : null;
        if (upTo === null) return { part, root: shardRoot(this.tree) ?? null };
        applyBatch(this.tree, { events });
        const root = shardRoot(this.tree) ?? null;
        this.sql.exec("DELETE FROM staged WHERE seq <= ?", upTo);
        this.sql.exec(
          "INSERT INTO applied (n, up_to_seq, part, root) VALUES (?, ?, ?, ?)",
          n,
          upTo,
          part,
          root,
        );
        this.sql.exec("DELETE FROM applied WHERE n < ?", n);
        this.setMeta("last_applied", n);
        this.setMeta("sealed_seq", upTo);
        if (this.fault === "seal-in-transaction") throw new Error("injected fault: seal-in-transaction");
        return { part, root };
      });
    } catch (e) {
      // The in-memory tree may hold the rolled-back update: reload it from storage.
      this.load();
      throw e;
    }
    if (upTo !== null) {
      this.lastApplied = n;
      this.sealedSeq = upTo;
    }
    if (this.fault === "seal-after-commit") throw new Error("injected fault: seal-after-commit");
    return out;
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

  /**
   * Sealed heads and this shard's proof parts for `domains`, valid at tree size `size`; null when
   * this shard already applied epoch `size` or later (its tree is past that size).
   */
  async proofs(
    domains: string[],
    size: number,
  ): Promise<{ domain: string; head: Uint8Array; part: Uint8Array }[] | null> {
    if (this.lastApplied >= size) return null;
    const out: { domain: string; head: Uint8Array; part: Uint8Array }[] = [];
    for (const domain of domains) {
      const row = this.domainRow(domain);
      if (!row?.sealed_head) continue;
      const part = this.tree.proveInclusion(keyForNormalizedDomain(domain, fastSha256));
      if (part) out.push({ domain, head: u8(row.sealed_head), part });
    }
    return out;
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
  async entriesTile(
    domain: string,
    index: number,
    width: number | undefined,
  ): Promise<Uint8Array | ErrorResult> {
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
  async chainHash(domain: string, n: number): Promise<Uint8Array | ErrorResult> {
    const row = this.domainRow(domain);
    if (!row || n >= row.sealed_size)
      return { error: ErrorKind.NotFound, message: `no sealed entry ${n} for ${domain}` };
    const r = this.sql
      .exec<{ node: ArrayBuffer }>("SELECT node FROM entries WHERE domain = ? AND position = ?", domain, n)
      .one();
    return nextChainHash(decodeChainNode(u8(r.node)));
  }

  /** `/chain-proof/<domain>?from=m&to=n` (extension): entries m..n-1 as a ChainConsistencyProof. */
  async chainProof(domain: string, from: number, to: number | undefined): Promise<Uint8Array | ErrorResult> {
    const row = this.domainRow(domain);
    if (!row) return { error: ErrorKind.NotFound, message: `${domain} is not enrolled` };
    const end = to ?? row.sealed_size;
    if (end > row.sealed_size || from > end)
      return { error: ErrorKind.NotFound, message: `need from <= to <= ${row.sealed_size} (sealed size)` };
    return encodeChainConsistencyProof({
      oldSize: BigInt(from),
      entries: this.sealedEntries(domain, from, end),
    });
  }

  /** Sealed chain nodes m..n-1 of `domain` (encoded `ChainNode`s), for the preload list response. */
  async chainEntries(domain: string, from: number, to: number): Promise<Uint8Array[]> {
    return this.sql
      .exec<{ node: ArrayBuffer }>(
        "SELECT node FROM entries WHERE domain = ? AND position >= ? AND position < ? ORDER BY position",
        domain,
        from,
        to,
      )
      .toArray()
      .map((r) => u8(r.node));
  }

  /**
   * Sealed sites with their heads, whether the head is a tombstone, and their dev-ids choice
   * (preload lists; every row: small services only).
   */
  async sealedSites(): Promise<SealedSite[]> {
    const out: SealedSite[] = [];
    for (const r of this.sql.exec<{
      domain: string;
      sealed_head: ArrayBuffer;
      opted_in: number | null;
      changed_at: number | null;
    }>(
      `SELECT d.domain, d.sealed_head, o.opted_in, o.changed_at FROM domains d
       LEFT JOIN dev_ids_optin o ON o.domain = d.domain
       WHERE d.sealed_head IS NOT NULL ORDER BY d.domain`,
    )) {
      const head = u8(r.sealed_head);
      out.push({
        domain: r.domain,
        head,
        tombstone: isTombstone(decodeChainNode(head).entry),
        devIds: r.opted_in === null ? null : { optedIn: r.opted_in === 1, changedAt: Number(r.changed_at) },
      });
    }
    return out;
  }

  /** A domain's chain size (staged) and sealed size, for the preload chain's next position. */
  async chainSize(domain: string): Promise<{ size: number; sealedSize: number } | null> {
    const r = this.domainRow(domain);
    return r ? { size: r.size, sealedSize: r.sealed_size } : null;
  }

  /** Explorer: a domain's chain history (newest first, at most `limit`). */
  async history(domain: string, limit = 200) {
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

  /** `/stats` (extension): this shard's database bytes, rows, page writes and cache. */
  async storageStats() {
    const count = (t: string) => this.sql.exec<{ c: number }>(`SELECT COUNT(*) AS c FROM ${t}`).one().c;
    const s = this.tree.stats();
    return {
      databaseSize: this.sql.databaseSize,
      pageRowsWritten: this.pages.rowsWritten,
      pageBytesWritten: this.pages.bytesWritten,
      cache: { pages: s.pages, bytes: s.bytes, pageLoads: s.pageLoads, evictions: s.evictions },
      rows: {
        pages: count("pages"),
        domains: count("domains"),
        entries: count("entries"),
        staged: count("staged"),
      },
    };
  }
}
