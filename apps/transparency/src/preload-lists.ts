/**
 * The service side of Sealroom's preload lists (@sealroom/manifest docs/preload-list.md): storage
 * of the published list bytes, and the derivation the Durable Object runs after each seal. The
 * format, the derivation rule and the hashes are @sealroom/manifest's; this file only reads the
 * service's SQLite rows for them.
 *
 * Every list version is logged as the next entry of the service's own chain under
 * `preload.<TREE_DOMAIN host>`, so the batches, witnesses and cosignatures that cover sites cover
 * the lists too. That chain has no append key (`SERVICE_APPEND_KEY` is not a key): the enrol and
 * append routes refuse the reserved names (`isPreloadChainDomain`).
 */
import { decodeChainNode } from "@sealroom/hash-chain";
import {
  decodePreloadList,
  derivePreloadEntries,
  encodePreloadList,
  makePreloadList,
  type PreloadEntry,
  PreloadListKind,
  preloadChainDomain,
  preloadListHash,
} from "@sealroom/manifest";

/** Created idempotently at start (its own table: no migration shared with the log's schema). */
export const PRELOAD_TABLE_SQL =
  "CREATE TABLE IF NOT EXISTS preload_lists (kind INTEGER NOT NULL, version INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (kind, version)) WITHOUT ROWID";

/** How long a list applies: 7 days; a new version is published once half of it has passed. */
export const PRELOAD_LIST_TTL = 7 * 24 * 60 * 60;

/** Stored as the preload chains' `append_key`: not a verifier key, so nothing can sign for them. */
export const SERVICE_APPEND_KEY = "-";

/** True for the names of this service's own preload chains (never enrolled by anyone). */
export function isPreloadChainDomain(domain: string, treeDomain: string): boolean {
  return (
    domain === preloadChainDomain(treeDomain, PreloadListKind.transparency) ||
    domain === preloadChainDomain(treeDomain, PreloadListKind.devIds)
  );
}

export interface DueList {
  chainDomain: string;
  version: number;
  bytes: Uint8Array;
  resourceHash: Uint8Array;
  assetHosts: string[];
}

/** The list bytes stored for `version`, or undefined. */
export function readPreloadList(sql: SqlStorage, kind: number, version: number): Uint8Array | undefined {
  const r = sql
    .exec<{ bytes: ArrayBuffer }>(
      "SELECT bytes FROM preload_lists WHERE kind = ? AND version = ?",
      kind,
      version,
    )
    .toArray()[0];
  return r ? new Uint8Array(r.bytes) : undefined;
}

function sameEntries(a: readonly PreloadEntry[], b: readonly PreloadEntry[]): boolean {
  return (
    a.length === b.length && a.every((e, i) => e.domain === b[i]!.domain && e.chainSize === b[i]!.chainSize)
  );
}

/** The route each list kind is served at (the chain entry's asset host). */
const KIND_PATH: Record<number, string> = {
  [PreloadListKind.transparency]: "transparency",
  [PreloadListKind.devIds]: "dev-ids",
};

/**
 * The list of `kind` derived from the sealed heads of tree `size` (root `root`) at `now`, if it
 * must be published: its entries differ from the last stored version, or that version is past
 * half its lifetime. Undefined otherwise. `sites` are the sealed heads of every domain (gathered
 * from the shards), `version` the list chain's current size. `only`, when given, limits the list
 * to those sites (the dev-ids candidates, src/dev-ids-optin.ts); the transparency list takes every
 * site. Pure reads.
 */
export function duePreloadList(
  sql: SqlStorage,
  o: {
    treeDomain: string;
    size: number;
    root: Uint8Array;
    now: number;
    sites: readonly { domain: string; head: Uint8Array }[];
    version: number;
    kind?: PreloadListKind;
    only?: ReadonlySet<string>;
  },
): DueList | undefined {
  const kind = o.kind ?? PreloadListKind.transparency;
  const chainDomain = preloadChainDomain(o.treeDomain, kind);
  const version = o.version;
  const sites = [];
  for (const r of o.sites) {
    if (isPreloadChainDomain(r.domain, o.treeDomain)) continue;
    if (o.only && !o.only.has(r.domain)) continue;
    sites.push({ domain: r.domain, head: decodeChainNode(r.head).entry });
  }
  const list = makePreloadList({
    kind,
    version: BigInt(version),
    treeSize: BigInt(o.size),
    root: o.root,
    expires: BigInt(o.now + PRELOAD_LIST_TTL),
    entries: derivePreloadEntries(sites, { now: o.now }),
  });
  const held = version > 0 ? readPreloadList(sql, kind, version - 1) : undefined;
  if (held) {
    const last = decodePreloadList(held);
    if (sameEntries(last.entries, list.entries) && Number(last.expires) - o.now > PRELOAD_LIST_TTL / 2)
      return undefined;
  }
  const bytes = encodePreloadList(list);
  return {
    chainDomain,
    version,
    bytes,
    resourceHash: preloadListHash(bytes),
    assetHosts: [`https://${o.treeDomain}/preload-list/${KIND_PATH[kind]}`],
  };
}

/** Stores the bytes of a list version (replacing a row a crash left before its entry was staged). */
export function storePreloadList(sql: SqlStorage, kind: number, version: number, bytes: Uint8Array): void {
  sql.exec(
    "INSERT OR REPLACE INTO preload_lists (kind, version, bytes) VALUES (?, ?, ?)",
    kind,
    version,
    bytes,
  );
}
