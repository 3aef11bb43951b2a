/**
 * The web client served transparently (WAICT, issue 16; README "Served transparently"):
 *
 * - `GET /.well-known/waict-enroll`: New Entry Data of the current build's manifest with the site's
 *   append key (what the transparency service fetches on `POST /enroll/<domain>`).
 * - `GET /.well-known/waict/manifest`: the manifest response (`manifest \n base64(proof) \n`) from
 *   `@sealroom/manifest`'s `ManifestServer`: the cosigned head from the service's `/leaf/<domain>`,
 *   cached until the next epoch; the previous manifest stays served until a cosigned head logs the
 *   new one, also by isolates that start later (the `SiteManifests` Durable Object remembers it).
 * - every other GET/HEAD goes to the static assets; HTML answers get `Integrity-Policy-WAICT-v1`.
 * - `POST /.well-known/sealroom-test/tamper` (only with `SEALROOM_TEST_HOOKS=1`): `{"path": "/assets/x.js"}`
 *   makes the Worker flip one byte of that asset in every answer (`{"path": null}` stops it).
 */
import {
  buildIntegrityPolicy,
  INTEGRITY_POLICY_HEADER,
  MANIFEST_MEDIA_TYPE,
  ManifestServer,
  parseManifest,
  resourceHashOf,
  serializeNewEntryData,
} from "@sealroom/manifest";
import { Hono } from "hono";
import type { Env } from "../env.ts";
import { RoomError } from "../errors.ts";
import {
  ENROLL_PATH,
  MANIFEST_ASSET,
  MANIFEST_PATH,
  TAMPER_PATH,
  type WaictConfig,
  waictConfig,
} from "../waict-config.ts";

/**
 * One server per isolate and configuration: the cached head and the manifests seen, backed by the
 * domain's `SiteManifests` object so that a new isolate knows what older ones learnt.
 */
let server: { key: string; server: ManifestServer } | undefined;
/** Test hook state (isolate memory; `wrangler dev` runs one isolate). */
let tampered: string | undefined;

function manifestServer(env: Env, cfg: WaictConfig): ManifestServer {
  const key = `${cfg.service} ${cfg.domain} ${cfg.epochMs}`;
  if (server?.key !== key) {
    const url = `${cfg.service}/leaf/${encodeURIComponent(cfg.domain)}`;
    // A stub per call: a stub made while serving one request is not for another request's I/O.
    const memory = () => env.MANIFESTS.get(env.MANIFESTS.idFromName(cfg.domain));
    server = {
      key,
      server: new ManifestServer({
        epochMs: cfg.epochMs,
        store: { list: () => memory().list(), put: (entry) => memory().put(entry) },
        fetchHead: async () => {
          const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
          if (res.status !== 200) {
            await res.body?.cancel();
            return undefined;
          }
          return new Uint8Array(await res.arrayBuffer());
        },
      }),
    };
  }
  return server.server;
}

function requireConfig(env: Env): WaictConfig {
  const cfg = waictConfig(env);
  if (!cfg) throw new RoomError("transparency-off", "this deployment is not served transparently");
  return cfg;
}

/** The current build's manifest line, as written into the assets by the web build. */
async function currentManifest(env: Env, requestUrl: string): Promise<Uint8Array> {
  const res = await env.ASSETS.fetch(new URL(MANIFEST_ASSET, requestUrl));
  // Without the file the single-page fallback answers index.html: only JSON is a manifest.
  if (res.status !== 200 || !res.headers.get("content-type")?.includes("json")) {
    await res.body?.cancel();
    throw new RoomError("manifest-unavailable", `the build has no ${MANIFEST_ASSET}`);
  }
  let line = new Uint8Array(await res.arrayBuffer());
  if (line[line.length - 1] === 0x0a) line = line.subarray(0, -1);
  try {
    parseManifest(line);
  } catch (e) {
    throw new RoomError("manifest-unavailable", `${MANIFEST_ASSET}: ${(e as Error).message}`);
  }
  return line;
}

const SOURCE_MAP = new TextEncoder().encode("//# sourceMappingURL=");

/**
 * Changes one byte so that the script still runs: the case of the `s` in a trailing
 * `//# sourceMappingURL=` comment (a comment stays a comment), else the last byte.
 */
function flipOneByte(body: Uint8Array): Uint8Array {
  const out = body.slice();
  outer: for (let i = out.length - SOURCE_MAP.length; i >= 0; i--) {
    for (let j = 0; j < SOURCE_MAP.length; j++) if (out[i + j] !== SOURCE_MAP[j]) continue outer;
    out[i + 4]! ^= 0x20; // "s" <-> "S"
    return out;
  }
  if (out.length > 0) out[out.length - 1]! ^= 1;
  return out;
}

export const waict = new Hono<{ Bindings: Env }>()
  .get(ENROLL_PATH, async (c) => {
    const cfg = requireConfig(c.env);
    if (!cfg.appendKey) throw new RoomError("transparency-off", "WAICT_APPEND_KEY is not configured");
    const line = await currentManifest(c.env, c.req.url);
    return c.body(
      serializeNewEntryData({
        resourceHash: resourceHashOf(line),
        assetHosts: cfg.assetHosts,
        appendKey: cfg.appendKey,
      }),
      200,
      { "content-type": "application/json", "cache-control": "no-store" },
    );
  })
  .get(MANIFEST_PATH, async (c) => {
    const cfg = requireConfig(c.env);
    const r = await manifestServer(c.env, cfg).respond(await currentManifest(c.env, c.req.url));
    if (!r) throw new RoomError("manifest-unavailable", "no cosigned head from the transparency service yet");
    return c.body(r.body.slice().buffer, 200, {
      "content-type": MANIFEST_MEDIA_TYPE,
      "cache-control": "no-cache",
      // Which manifest is served and why (logged | previous | tombstone | unlogged): for operators.
      "sealroom-manifest-state": r.state,
    });
  })
  .post(TAMPER_PATH, async (c) => {
    if (c.env.SEALROOM_TEST_HOOKS !== "1") throw new RoomError("not-found", "no such route");
    const body = (await c.req.json().catch(() => undefined)) as { path?: unknown } | undefined;
    const path = body?.path;
    if (path !== null && (typeof path !== "string" || !path.startsWith("/")))
      throw new RoomError("bad-request", 'expected {"path": "/asset"} or {"path": null}');
    tampered = path ?? undefined;
    return c.json({ tampered: tampered ?? null });
  })
  .on(["GET", "HEAD"], "*", async (c) => {
    const hooked = tampered !== undefined && new URL(c.req.url).pathname === tampered;
    let req = c.req.raw;
    if (hooked) {
      // A tampered file is always sent whole: a 304 would let the browser keep its honest copy.
      req = new Request(req);
      req.headers.delete("if-none-match");
      req.headers.delete("if-modified-since");
    }
    const res = await c.env.ASSETS.fetch(req);
    const cfg = waictConfig(c.env);
    const isHtml = res.headers.get("content-type")?.startsWith("text/html") === true;
    const tamper = hooked && res.status === 200;
    if (!(cfg && isHtml) && !tamper) return res;
    const headers = new Headers(res.headers);
    if (cfg && isHtml)
      headers.set(
        INTEGRITY_POLICY_HEADER,
        buildIntegrityPolicy({ maxAge: cfg.maxAge, mode: cfg.mode, manifest: MANIFEST_PATH }),
      );
    if (!tamper) return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    const bytes = flipOneByte(new Uint8Array(await res.arrayBuffer()));
    headers.delete("etag");
    headers.set("content-length", String(bytes.length));
    headers.set("cache-control", "no-store");
    return new Response(c.req.method === "HEAD" ? null : bytes, { status: 200, headers });
  });
