/**
 * The transparency service's single source of truth: a SQLite-backed Durable Object. It owns the
 * schema and its migrations; the transparency issue adds the tree pages, chains and batches.
 * SQLite in a Durable Object commits each `exec` outside an explicit transaction atomically, and
 * `transactionSync` groups several, so stored state is never half-written.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env.ts";

/** Ordered schema migrations; index + 1 is the version recorded in `schema_version`. */
const MIGRATIONS: readonly string[] = [
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

export class TransparencyLog extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
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

  /** Schema version now in storage; `/healthz` reads it to prove the object and its SQLite answer. */
  async schemaVersion(): Promise<number> {
    return this.ctx.storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version;
  }
}
