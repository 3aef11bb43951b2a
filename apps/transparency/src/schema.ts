/**
 * Schema migrations of a Durable Object's SQLite, shared by the coordinator and the tree shards:
 * `schema_version` holds how many of the object's `migrations` have run; the ones not yet run are
 * applied in one transaction together with the new version, so a restart never leaves a half-migrated
 * schema.
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly string[]): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  const current = row?.version ?? 0;
  if (current >= migrations.length) return;
  storage.transactionSync(() => {
    for (let v = current; v < migrations.length; v++) sql.exec(migrations[v]!);
    sql.exec("DELETE FROM schema_version");
    sql.exec("INSERT INTO schema_version (version) VALUES (?)", migrations.length);
  });
}
