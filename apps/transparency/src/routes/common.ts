/** Parsing shared by the route groups: domains and indexes from paths, bounded bodies, the DO stub. */
import { parseTileIndex } from "@sealroom/hash-chain";
import { normalizeDomain } from "@sealroom/prefix-tree";
import type { Context } from "hono";
import { configOf } from "../config.ts";
import type { Env } from "../env.ts";
import { bad, ErrorKind, type ErrorResult, ServiceError } from "../errors.ts";
import { shardIndexOf } from "../transparency-log.ts";
import { shardName } from "../tree-shard.ts";

export type AppEnv = { Bindings: Env };

/** The coordinator (transparency-log.ts). */
export function logOf(env: Env) {
  return env.LOG.getByName("log");
}

/** The shard owning `domain` (a normalised domain), and its index (README "Shards"). */
export function shardFor(env: Env, domain: string) {
  const count = configOf(env).shards;
  const index = shardIndexOf(domain, count);
  return { index, stub: env.SHARD.getByName(shardName(index, count)) };
}

/** A path domain: [a-zA-Z0-9.-] only (waict-apis.md "Enrollment via HTTPS"), normalised to lowercase. */
export function domainParam(raw: string | undefined): string {
  if (raw === undefined || raw.length === 0 || raw.length > 253 || !/^[A-Za-z0-9.-]+$/.test(raw))
    throw bad("domain must be 1..253 characters of [a-zA-Z0-9.-]");
  try {
    return normalizeDomain(raw);
  } catch (e) {
    throw bad(`malformed domain: ${(e as Error).message}`);
  }
}

const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

/** A plain decimal without leading zeros, below `limit`. */
export function decimalParam(raw: string | undefined, limit: bigint, what: string): bigint {
  if (raw === undefined || !DECIMAL.test(raw)) throw bad(`${what} must be a decimal without leading zeros`);
  const n = BigInt(raw);
  if (n >= limit) throw bad(`${what} must be below ${limit}`);
  return n;
}

/**
 * An index in the draft's tile path encoding (`x001/x234/067`), or — Sealroom extension, for
 * humans and the witness contract — a plain decimal.
 */
export function indexParam(raw: string, limit: bigint, what: string): bigint {
  if (DECIMAL.test(raw)) return decimalParam(raw, limit, what);
  try {
    return parseTileIndex(raw, limit);
  } catch (e) {
    throw bad(`${what}: ${(e as Error).message}`);
  }
}

/** The raw (still percent-encoded) path after `prefix`; any `%` or `..` is refused. */
export function rest(c: Context, prefix: string): string {
  const path = new URL(c.req.url).pathname;
  const r = path.slice(prefix.length);
  if (r.includes("%") || r.split("/").some((s) => s === ".." || s === "."))
    throw bad("path must not hold '%', '.' or '..' segments");
  return r;
}

/** Reads at most `max` bytes of the request body; more is 413. */
export async function boundedBody(c: Context, max: number): Promise<Uint8Array> {
  const len = c.req.header("content-length");
  if (len !== undefined && Number(len) > max)
    throw new ServiceError(ErrorKind.PayloadTooLarge, `body over ${max} bytes`);
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel();
      throw new ServiceError(ErrorKind.PayloadTooLarge, `body over ${max} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Throws the DO's error result as a ServiceError; returns anything else. */
export function unwrap<T>(r: T): Exclude<T, { error: string }> {
  if (
    typeof r === "object" &&
    r !== null &&
    "error" in r &&
    typeof (r as unknown as ErrorResult).error === "string"
  )
    throw ServiceError.from(r as unknown as ErrorResult);
  return r as Exclude<T, { error: string }>;
}

export const IMMUTABLE = "public, max-age=31536000, immutable";

export function octets(bytes: Uint8Array, cache?: string): Response {
  const h: Record<string, string> = { "content-type": "application/octet-stream" };
  if (cache) h["cache-control"] = cache;
  return new Response(bytes, { headers: h });
}
