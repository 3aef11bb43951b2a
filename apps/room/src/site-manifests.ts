/**
 * The site's manifest memory (one object per WAICT domain): for each manifest the web client has
 * served, the newest cosigned head that logged it, so that every isolate of a deployment, including
 * one started between a release's `sealroom append` and its deploy, serves a manifest response that
 * verifies (README "Served transparently"). Storage and rules are `@sealroom/manifest`'s
 * `SqlManifestStore`; each RPC method is one `transactionSync`.
 */
import { DurableObject } from "cloudflare:workers";
import { LOGGED_MANIFESTS_TABLE_SQL, type LoggedManifest, SqlManifestStore } from "@sealroom/manifest";
import type { Env } from "./env.ts";

export class SiteManifests extends DurableObject<Env> {
  readonly #store: SqlManifestStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(LOGGED_MANIFESTS_TABLE_SQL);
    this.#store = new SqlManifestStore(ctx.storage.sql);
  }

  list(): LoggedManifest[] {
    return this.ctx.storage.transactionSync(() => this.#store.list());
  }

  put(entry: LoggedManifest): void {
    this.ctx.storage.transactionSync(() => this.#store.put(entry));
  }
}
