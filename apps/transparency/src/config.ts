/**
 * The service's configuration, read from vars once per isolate (README "Configuration"). Bad
 * values fail loudly at first use rather than being guessed around; missing witness keys are
 * allowed (the service runs, but no root is ever cosigned, so /append answers 503 after its wait).
 */
import { parseVerifierKey, type VerifierKey, WAICT_COSIGNATURE_TYPE } from "@sealroom/prefix-tree/note";
import type { Env } from "./env.ts";

/**
 * Byte budget of a tree shard's page cache: a Durable Object has 128 MB, and the tree must leave
 * room for the isolate, staged events and in-flight requests (prefix-tree evicts least recently
 * used pages). bench/shard-memory.ts measures a shard at 400 k leaves with it.
 */
export const SHARD_CACHE_BYTES = 32 * 1024 * 1024;

export interface Config {
  treeDomain: string;
  witnessKeys: VerifierKey[];
  quorum: number;
  notifyUrls: string[];
  epochMs: number;
  appendTimeoutMs: number;
  devOrigins: Map<string, string>;
  /** Tree shards (README "Shards and the coordinator"): 1, 16 or 256, fixed at first deploy. */
  shards: number;
}

const LOOPBACK_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):[1-9][0-9]{0,4}$/;

function int(v: string | undefined, dflt: number, name: string, min: number, max: number): number {
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`config: ${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** `TREE_SHARDS`: 1 (default), 16 or 256; the tree key's first 0, 4 or 8 bits pick the shard. */
function shardCount(v: string | undefined): number {
  if (v === undefined || v === "") return 1;
  if (v !== "1" && v !== "16" && v !== "256") throw new Error("config: TREE_SHARDS must be 1, 16 or 256");
  return Number(v);
}

const cache = new WeakMap<object, Config>();

export function configOf(env: Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const witnessKeys = (env.WITNESS_KEYS ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const k = parseVerifierKey(l);
      if (k.type !== WAICT_COSIGNATURE_TYPE || k.publicKey.length !== 32)
        throw new Error(`config: WITNESS_KEYS: ${k.name} is not a WAICT cosigner key`);
      return k;
    });
  const devOrigins = new Map<string, string>();
  if (env.DEV_ORIGINS) {
    const o = JSON.parse(env.DEV_ORIGINS) as Record<string, unknown>;
    for (const [d, origin] of Object.entries(o)) {
      // Dev mapping only ever points at loopback: a misconfigured production var cannot redirect
      // enrolment fetches to an arbitrary http origin.
      if (typeof origin !== "string" || !LOOPBACK_ORIGIN.test(origin))
        throw new Error(`config: DEV_ORIGINS[${d}] must be http://127.0.0.1:<port>`);
      // Only names under the RFC 6761 reserved TLDs .localhost and .test, which no public site
      // can hold: wrangler.jsonc's local mapping, if deployed, can never shadow a real domain.
      if (!/\.(?:localhost|test)$/.test(d) && d !== "localhost")
        throw new Error(`config: DEV_ORIGINS may only map *.localhost and *.test names, not ${d}`);
      devOrigins.set(d, origin);
    }
  }
  const treeDomain = env.TREE_DOMAIN;
  if (!treeDomain) throw new Error("config: TREE_DOMAIN is required");
  const c: Config = {
    treeDomain,
    witnessKeys,
    quorum: int(env.WITNESS_QUORUM, Math.max(1, witnessKeys.length), "WITNESS_QUORUM", 1, 1000),
    notifyUrls: (env.WITNESS_NOTIFY_URLS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    epochMs: int(env.EPOCH_MS, 1000, "EPOCH_MS", 10, 3_600_000),
    appendTimeoutMs: int(env.APPEND_TIMEOUT_MS, 30_000, "APPEND_TIMEOUT_MS", 0, 600_000),
    devOrigins,
    shards: shardCount(env.TREE_SHARDS),
  };
  cache.set(env, c);
  return c;
}
