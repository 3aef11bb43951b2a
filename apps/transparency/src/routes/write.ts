/**
 * `POST /enroll/<domain>` and `POST /append/<domain>` (waict-apis.md): both answer with the
 * `ChainHeadWithProof` (application/octet-stream, @sealroom/manifest's codec) once a quorum of
 * witnesses cosigned a root holding the new head, or 503 + Retry-After (the entry stays durable).
 */
import {
  decodePositionHeader,
  decodeSignatureHeader,
  MAX_NEW_ENTRY_DATA_BYTES,
  type NewEntryData,
  POSITION_HEADER,
  parseNewEntryData,
  SIGNATURE_HEADER,
} from "@sealroom/manifest";
import { formatVerifierKey } from "@sealroom/prefix-tree/note";
import { Hono } from "hono";
import { configOf } from "../config.ts";
import { readDevIdsOptIn } from "../dev-ids-optin.ts";
import type { Env } from "../env.ts";
import { bad, ErrorKind, ServiceError } from "../errors.ts";
import { isPreloadChainDomain } from "../preload-lists.ts";
import type { AppendOutcome } from "../transparency-log.ts";
import type { StageOutcome } from "../tree-shard.ts";
import { type AppEnv, boundedBody, domainParam, logOf, shardFor } from "./common.ts";

export const write = new Hono<AppEnv>();

const ENROLL_FETCH_TIMEOUT_MS = 10_000;

function answer(o: AppendOutcome): Response {
  if (o.kind === "cosigned")
    return new Response(o.proof, {
      headers: { "content-type": "application/octet-stream", [POSITION_HEADER]: o.position },
    });
  if (o.kind === "pending")
    throw new ServiceError(ErrorKind.NotYetCosigned, "appended; not cosigned yet, retry the same request", {
      position: o.position,
    });
  throw ServiceError.from(o);
}

function parseEntry(body: Uint8Array): NewEntryData {
  try {
    return parseNewEntryData(body);
  } catch (e) {
    throw bad((e as Error).message);
  }
}

/** Fetches the site's `/.well-known/waict-enroll` (https only, loopback origins in dev). */
async function fetchWellKnown(origin: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(`${origin}/.well-known/waict-enroll`, {
      redirect: "manual",
      signal: AbortSignal.timeout(ENROLL_FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    throw new ServiceError(
      ErrorKind.SiteUnavailable,
      `fetching the well-known document failed: ${(e as Error).message}`,
    );
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new ServiceError(ErrorKind.SiteUnavailable, `the well-known document answered ${res.status}`);
  }
  const reader = res.body?.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > MAX_NEW_ENTRY_DATA_BYTES) {
      await reader.cancel();
      throw new ServiceError(ErrorKind.SiteUnavailable, "the well-known document is too large");
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

/** The service's own preload chains take no enrolment or append (src/preload-lists.ts). */
function notReserved(domain: string, treeDomain: string): string {
  if (isPreloadChainDomain(domain, treeDomain))
    throw bad(`${domain} is reserved for this service's preload lists`);
  return domain;
}

/** After the shard staged (or found) the entry: waits in the coordinator for its cosigned proof. */
async function settle(
  env: Env,
  shard: number,
  domain: string,
  o: StageOutcome,
  wait: boolean,
): Promise<AppendOutcome> {
  if (o.kind === "error") return o;
  if (!wait) return { kind: "pending", position: o.position };
  return logOf(env).waitCosigned(shard, o.seq, domain, o.position);
}

write.post("/enroll/:domain", async (c) => {
  const cfg = configOf(c.env);
  const domain = notReserved(domainParam(c.req.param("domain")), cfg.treeDomain);
  // Production fetches only https://<domain>; DEV_ORIGINS (loopback only) is for local stacks.
  const origin = cfg.devOrigins.get(domain) ?? `https://${domain}`;
  const doc = await fetchWellKnown(origin);
  let data: NewEntryData;
  try {
    data = parseNewEntryData(doc, { appendKeyFor: domain });
  } catch (e) {
    throw new ServiceError(ErrorKind.SiteUnavailable, `the well-known document: ${(e as Error).message}`);
  }
  let devIds: boolean;
  try {
    devIds = readDevIdsOptIn(doc);
  } catch (e) {
    throw new ServiceError(ErrorKind.SiteUnavailable, `the well-known document: ${(e as Error).message}`);
  }
  const key = formatVerifierKey(data.appendKey!);
  const shard = shardFor(c.env, domain);
  const staged = await shard.stub.enroll(
    domain,
    { resourceHash: data.resourceHash, assetHosts: data.assetHosts },
    key,
    devIds,
  );
  return answer(await settle(c.env, shard.index, domain, staged, true));
});

/** RFC 7240 `Prefer: respond-async` (extension): answer 202 once staged, without waiting for witnesses. */
function respondAsync(prefer: string | undefined): boolean {
  return prefer !== undefined && /(^|[,\s])respond-async($|[,;\s])/i.test(prefer);
}

write.post("/append/:domain", async (c) => {
  const domain = notReserved(domainParam(c.req.param("domain")), configOf(c.env).treeDomain);
  const position = decodePositionHeader(c.req.header(POSITION_HEADER));
  if (position === undefined) throw bad(`${POSITION_HEADER} must be the decimal position of the new entry`);
  const sig = decodeSignatureHeader(c.req.header(SIGNATURE_HEADER));
  if (!sig) throw bad(`${SIGNATURE_HEADER} must be base64 of a 64-byte Ed25519 signature`);
  const body = await boundedBody(c, MAX_NEW_ENTRY_DATA_BYTES);
  const data = parseEntry(body);
  const shard = shardFor(c.env, domain);
  const staged = await shard.stub.append(
    domain,
    { resourceHash: data.resourceHash, assetHosts: data.assetHosts },
    body,
    position.toString(),
    sig,
  );
  const o = await settle(c.env, shard.index, domain, staged, !respondAsync(c.req.header("prefer")));
  if (o.kind === "pending" && respondAsync(c.req.header("prefer")))
    return c.json({ position: o.position, staged: true }, 202);
  return answer(o);
});
