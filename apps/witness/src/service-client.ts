/**
 * What the witness reads from and sends to a transparency service (CONTRACT, apps/transparency
 * README "API"): `GET /checkpoint`, `GET /tree-event-batch/<N>`, `GET /batch-proof/<N>` and
 * `POST /upload-cosignature/<N>`. Nothing here is trusted: the checkpoint only says how far the
 * service claims to be; batches and proofs are verified by the caller. Transport failures and
 * unusable answers are `serviceError`s (transient: the next poll retries, nothing is signed).
 */
import { formatTileIndex } from "@sealroom/hash-chain";
import { decodeBase64 as base64Decode } from "@sealroom/hash-chain/base64";
import { serviceError } from "./errors.ts";

/** A service's claim about its latest sealed tree. */
export interface RemoteCheckpoint {
  tree_domain: string;
  size: number;
  root: Uint8Array;
}

const TIMEOUT_MS = 20_000;
/** A batch is at most 5 + 2^24 - 1 bytes; its compact proof is a few hundred bytes per event. */
const MAX_BODY = 64 * 1024 * 1024;
const MAX_CHECKPOINT_BODY = 64 * 1024;

async function get(url: string): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "manual" });
  } catch (e) {
    throw serviceError(`GET ${url}: ${(e as Error).message}`);
  }
}

async function body(res: Response, url: string, max: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) throw serviceError(`GET ${url}: body of ${declared} bytes is too large`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > max) throw serviceError(`GET ${url}: body of ${bytes.length} bytes is too large`);
  return bytes;
}

/** `GET /checkpoint`, parsed strictly. */
export async function fetchCheckpoint(base: string): Promise<RemoteCheckpoint> {
  const url = `${base}/checkpoint`;
  const res = await get(url);
  if (res.status !== 200) throw serviceError(`GET ${url}: status ${res.status}`);
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
        await body(res, url, MAX_CHECKPOINT_BODY),
      ),
    );
  } catch (e) {
    throw serviceError(`GET ${url}: not JSON (${(e as Error).message})`);
  }
  const v = json as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null) throw serviceError(`GET ${url}: not an object`);
  const { tree_domain, size, root } = v;
  if (typeof tree_domain !== "string") throw serviceError(`GET ${url}: tree_domain is not a string`);
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
    throw serviceError(`GET ${url}: size is not a non-negative integer`);
  const rootBytes = typeof root === "string" ? base64Decode(root) : undefined;
  if (rootBytes?.length !== 32) throw serviceError(`GET ${url}: root is not 32 bytes of base64`);
  return { tree_domain, size, root: rootBytes };
}

/**
 * `GET /tree-event-batch/<N>` (replay) or `/batch-proof/<N>` (compact): the bytes, or `undefined`
 * for 404 (batch not published).
 */
export async function fetchBatch(
  base: string,
  kind: "tree-event-batch" | "batch-proof",
  n: number,
): Promise<Uint8Array | undefined> {
  const url = `${base}/${kind}/${formatTileIndex(n)}`;
  const res = await get(url);
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw serviceError(`GET ${url}: status ${res.status}`);
  }
  return body(res, url, MAX_BODY);
}

/** `POST /upload-cosignature/<N>` with one signature line; throws unless the service answers 200. */
export async function uploadCosignature(base: string, n: number, line: string): Promise<void> {
  const url = `${base}/upload-cosignature/${n}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: line,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "manual",
    });
  } catch (e) {
    throw serviceError(`POST ${url}: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    const text = (await res.text()).slice(0, 200);
    throw serviceError(`POST ${url}: status ${res.status} ${text}`);
  }
  await res.body?.cancel();
}
