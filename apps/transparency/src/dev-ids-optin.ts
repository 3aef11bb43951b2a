/**
 * Which sites belong on the dev-ids preload list (@sealroom/manifest docs/preload-list.md,
 * "Opting into code signing"): a site opts in with `"sealroom_dev_ids": true` in the enrolment
 * document it serves at `/.well-known/waict-enroll` (a Sealroom member next to `append_key`;
 * other WAICT services ignore it), and opts out by re-enrolling without it (or with `false`).
 *
 * Each enrolment records the site's choice and the time it last changed. A site is a candidate
 * for the dev-ids list while it is opted in, and for `PRELOAD_COOLDOWN` (24 h) after it opted out:
 * whoever takes over a site's web server can re-enrol it, so an opt-out that took effect at once
 * would let an attacker drop the code-signing requirement as quickly as the unenrolment cooldown
 * forbids dropping transparency. The candidates then go through the same rule as the
 * transparency list (`derivePreloadEntries`: a tombstone older than the cooldown leaves the list).
 */
import { PRELOAD_COOLDOWN } from "@sealroom/manifest";

/** The enrolment document's member (Sealroom extension, like `append_key`). */
export const DEV_IDS_OPT_IN_MEMBER = "sealroom_dev_ids";

/** Created idempotently at start: one row per site that ever enrolled with a choice recorded. */
export const DEV_IDS_TABLE_SQL =
  "CREATE TABLE IF NOT EXISTS dev_ids_optin (domain TEXT PRIMARY KEY, opted_in INTEGER NOT NULL, changed_at INTEGER NOT NULL) WITHOUT ROWID";

/** A malformed `sealroom_dev_ids` member in the enrolment document. */
export class DevIdsOptInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevIdsOptInError";
  }
}

/**
 * The site's choice in its enrolment document (already accepted by `parseNewEntryData`, so it
 * is one UTF-8 JSON object): true for `"sealroom_dev_ids": true`, false when absent or `false`;
 * any other value throws `DevIdsOptInError`.
 */
export function readDevIdsOptIn(doc: Uint8Array): boolean {
  const o = JSON.parse(new TextDecoder().decode(doc)) as Record<string, unknown>;
  if (!Object.hasOwn(o, DEV_IDS_OPT_IN_MEMBER)) return false;
  const v = o[DEV_IDS_OPT_IN_MEMBER];
  if (typeof v !== "boolean") throw new DevIdsOptInError(`"${DEV_IDS_OPT_IN_MEMBER}" must be true or false`);
  return v;
}

/**
 * Records an enrolment's choice at `now` (Unix seconds). An unchanged choice keeps the time of
 * the last change (re-enrolling does not restart an opt-out's cooldown); a first enrolment that
 * does not opt in writes nothing.
 */
export function recordDevIdsOptIn(sql: SqlStorage, domain: string, optedIn: boolean, now: number): void {
  const row = sql
    .exec<{ opted_in: number }>("SELECT opted_in FROM dev_ids_optin WHERE domain = ?", domain)
    .toArray()[0];
  if (row === undefined ? !optedIn : (row.opted_in === 1) === optedIn) return;
  sql.exec(
    "INSERT OR REPLACE INTO dev_ids_optin (domain, opted_in, changed_at) VALUES (?, ?, ?)",
    domain,
    optedIn ? 1 : 0,
    now,
  );
}

/** Sites opted in at `now`, or opted out less than `cooldown` seconds before it. */
export function devIdsCandidates(sql: SqlStorage, now: number, cooldown = PRELOAD_COOLDOWN): Set<string> {
  const out = new Set<string>();
  for (const r of sql.exec<{ domain: string }>(
    "SELECT domain FROM dev_ids_optin WHERE opted_in = 1 OR changed_at + ? > ?",
    cooldown,
    now,
  )) {
    out.add(r.domain);
  }
  return out;
}

/** True once any site has recorded a choice: until then no dev-ids list is published. */
export function anyDevIdsOptIn(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM dev_ids_optin LIMIT 1").toArray().length > 0;
}
