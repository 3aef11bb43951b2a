/**
 * Durable memory for `ManifestServer`: for each manifest a site has served, the newest cosigned head
 * (`ChainHeadWithProof` bytes) that logged it, shared by every process of the site. A server process
 * that starts after a release's manifest was appended but before that release is deployed (a new
 * isolate of the old deployment) finds its own manifest's last head here and keeps serving it,
 * instead of serving its manifest with a head that logs another one (which fails verification).
 *
 * `SqlManifestStore` keeps the rows in one table of a synchronous SQL database with Durable Object
 * SQLite's call shape; the caller runs each call inside its own transaction (a Durable Object's
 * `ctx.storage.transactionSync`). Row (all BLOBs): `resource_hash` (32 bytes, the key:
 * H("waict-rh" || line)), `line` (the manifest line), `proof` (the ChainHeadWithProof bytes),
 * `position` (u64 big-endian, 8 bytes: the head entry's `position_in_chain`, so that SQLite's
 * bytewise BLOB order is numeric order).
 */
import { readU64, writeU64 } from "@sealroom/hash-chain/bytes";
import { resourceHashOf } from "./resource-hash.ts";

/** A manifest line and the newest cosigned head known to log it. */
export interface LoggedManifest {
  line: Uint8Array;
  /** `ChainHeadWithProof` bytes whose head entry's resource hash is H("waict-rh" || line). */
  proof: Uint8Array;
  /** That head entry's `position_in_chain`. */
  position: bigint;
}

/** Where a `ManifestServer` keeps what it learnt beyond its own lifetime. Calls may be async. */
export interface ManifestStore {
  /** The stored manifests (at most the store's own bound), any order. */
  list(): Promise<readonly LoggedManifest[]> | readonly LoggedManifest[];
  /** Records `entry` unless the store holds a head at a later position for the same line. */
  put(entry: LoggedManifest): Promise<void> | void;
}

/** The part of a synchronous SQL binding the store uses (Durable Object `ctx.storage.sql` has it). */
export interface ManifestSqlExec {
  exec(query: string, ...bindings: unknown[]): { toArray(): unknown[] };
}

/** Creates the table if it is not there (idempotent; part of the caller's migration). */
export const LOGGED_MANIFESTS_TABLE_SQL =
  "CREATE TABLE IF NOT EXISTS logged_manifests (resource_hash BLOB PRIMARY KEY, line BLOB NOT NULL, proof BLOB NOT NULL, position BLOB NOT NULL)";

/** A `ManifestStore` over DO-shaped SQL; keeps the `keep` manifests logged at the latest positions. */
export class SqlManifestStore implements ManifestStore {
  readonly #sql: ManifestSqlExec;
  readonly #keep: number;

  constructor(sql: ManifestSqlExec, opts: { keep?: number } = {}) {
    const keep = opts.keep ?? 8;
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError('"keep" must be a positive integer');
    this.#sql = sql;
    this.#keep = keep;
  }

  list(): LoggedManifest[] {
    const rows = this.#sql
      .exec("SELECT line, proof, position FROM logged_manifests ORDER BY position DESC LIMIT ?", this.#keep)
      .toArray() as { line: ArrayBuffer; proof: ArrayBuffer; position: ArrayBuffer }[];
    return rows.map((r) => ({
      line: new Uint8Array(r.line),
      proof: new Uint8Array(r.proof),
      position: readU64(new Uint8Array(r.position), 0),
    }));
  }

  put(entry: LoggedManifest): void {
    const { line, proof, position } = entry;
    if (!(line instanceof Uint8Array) || !(proof instanceof Uint8Array))
      throw new TypeError('"line" and "proof" must be Uint8Arrays');
    if (typeof position !== "bigint" || position < 0n || position >= 1n << 64n)
      throw new RangeError('"position" must be a u64 bigint');
    const pos = new Uint8Array(8);
    writeU64(pos, 0, position);
    this.#sql.exec(
      `INSERT INTO logged_manifests (resource_hash, line, proof, position) VALUES (?, ?, ?, ?)
       ON CONFLICT (resource_hash) DO UPDATE SET proof = excluded.proof, position = excluded.position
       WHERE excluded.position >= logged_manifests.position`,
      resourceHashOf(line),
      line,
      proof,
      pos,
    );
    this.#sql.exec(
      `DELETE FROM logged_manifests WHERE resource_hash NOT IN
       (SELECT resource_hash FROM logged_manifests ORDER BY position DESC LIMIT ?)`,
      this.#keep,
    );
  }
}
