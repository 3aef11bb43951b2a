/**
 * Reads the witness configuration from its bindings: the followed services (`SERVICES`), the poll
 * and re-cosign intervals and the signing key. Every problem is a `configError` naming the var.
 */

import { emptyRoot } from "@sealroom/prefix-tree";
import {
  type CosignerKey,
  cosignerKeyFromSignerKey,
  formatPrefixTreeCheckpoint,
  parseSignerKey,
} from "@sealroom/prefix-tree/note";
import type { Env } from "./env.ts";
import { configError } from "./errors.ts";

export const WitnessMode = { Replay: "replay", Compact: "compact" } as const;
export type WitnessMode = (typeof WitnessMode)[keyof typeof WitnessMode];

export interface ServiceConfig {
  /** Base URL of the transparency service (no trailing slash). */
  url: string;
  /** The tree domain its cosignatures name (`<tree_domain>/prefix-tree`). */
  tree_domain: string;
  mode: WitnessMode;
}

export const DEFAULT_POLL_MS = 10_000;
/** Freshness: re-cosign an unchanged root every hour by default (DESIGN.md "Freshness"). */
export const DEFAULT_RECOSIGN_MS = 3_600_000;

/** Validates one service entry; `where` names it in messages. */
export function parseService(value: unknown, where = "service"): ServiceConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw configError(`${where} must be an object`);
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => !["url", "tree_domain", "mode"].includes(k));
  if (extra.length > 0) throw configError(`${where} has unknown fields: ${extra.join(", ")}`);
  let url: URL;
  try {
    url = new URL(String(v.url));
  } catch {
    throw configError(`${where}.url is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw configError(`${where}.url must be http(s)`);
  if (url.search || url.hash) throw configError(`${where}.url must not have a query or fragment`);
  const tree_domain = v.tree_domain;
  if (typeof tree_domain !== "string") throw configError(`${where}.tree_domain must be a string`);
  try {
    // The checkpoint formatter owns the tree domain syntax; any domain it accepts can be signed.
    formatPrefixTreeCheckpoint({ tdomain: tree_domain, size: 0n, root: emptyRoot() });
  } catch {
    throw configError(`${where}.tree_domain is not a lowercase domain: ${JSON.stringify(tree_domain)}`);
  }
  if (v.mode !== WitnessMode.Replay && v.mode !== WitnessMode.Compact)
    throw configError(`${where}.mode must be "replay" or "compact"`);
  return { url: url.href.replace(/\/+$/, ""), tree_domain, mode: v.mode };
}

/** The followed services; tree domains must be distinct (one state per tree domain). */
export function parseServices(value: unknown): ServiceConfig[] {
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      throw configError("SERVICES is not JSON");
    }
  }
  if (!Array.isArray(list)) throw configError("SERVICES must be a JSON array");
  const out = list.map((s, i) => parseService(s, `SERVICES[${i}]`));
  const domains = new Set(out.map((s) => s.tree_domain));
  if (domains.size !== out.length) throw configError("SERVICES lists a tree_domain twice");
  return out;
}

function millis(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 100) throw configError(`${name} must be an integer >= 100 (ms)`);
  return n;
}

export const pollMs = (env: Env) => millis(env.POLL_MS, "POLL_MS", DEFAULT_POLL_MS);
export const recosignMs = (env: Env) => millis(env.RECOSIGN_MS, "RECOSIGN_MS", DEFAULT_RECOSIGN_MS);

let cachedKey: { text: string; key: CosignerKey } | undefined;

/** The cosigner key from the `WITNESS_SKEY` secret (type 0x06 signer key text). */
export function signerKey(env: Env): CosignerKey {
  const text = env.WITNESS_SKEY?.trim();
  if (!text) throw configError("WITNESS_SKEY is not set");
  if (cachedKey?.text === text) return cachedKey.key;
  let key: CosignerKey;
  try {
    key = cosignerKeyFromSignerKey(parseSignerKey(text));
  } catch (e) {
    throw configError(`WITNESS_SKEY: ${(e as Error).message}`);
  }
  cachedKey = { text, key };
  return key;
}
