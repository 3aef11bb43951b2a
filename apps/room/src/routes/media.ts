/**
 * The media path's configuration and the Cloudflare Realtime SFU proxy.
 *
 * - `GET /media/config` tells the client which data plane to use: `sfu` when the Worker has the Realtime
 *   app credentials, else `mesh` (a WebRTC peer mesh signalled through the room), plus ICE servers.
 * - `/partytracks/*` forwards to `<CALLS_API_BASE>/apps/<CALLS_APP_ID>/*` with the app secret as a Bearer
 *   token, as partytracks' `routePartyTracksRequest` does: method, query, body and content type pass
 *   through, and the API's status and body come back unchanged (errors included), so the secret stays
 *   in the Worker and the client speaks the Realtime API as documented.
 * - `GET /media/ice-servers` mints short-lived TURN credentials when a TURN key is configured, else
 *   returns STUN only (none at all in local development, where everything is on loopback).
 */
import { Hono } from "hono";
import type { Env } from "../env.ts";
import { RoomError } from "../errors.ts";

export const DEFAULT_CALLS_API_BASE = "https://rtc.live.cloudflare.com/v1";
const STUN: RTCIceServerLike[] = [{ urls: ["stun:stun.cloudflare.com:3478"] }];
/** Lifetime of minted TURN credentials. */
export const TURN_TTL_SECONDS = 4 * 3600;

interface RTCIceServerLike {
  urls: string[] | string;
  username?: string;
  credential?: string;
}

function apiBase(env: Env): string {
  return (env.CALLS_API_BASE || DEFAULT_CALLS_API_BASE).replace(/\/+$/, "");
}

function sfuConfigured(env: Env): boolean {
  return Boolean(env.CALLS_APP_ID && env.CALLS_APP_SECRET);
}

async function iceServers(env: Env): Promise<RTCIceServerLike[]> {
  if (env.TURN_KEY_ID && env.TURN_KEY_API_TOKEN) {
    let res: Response;
    try {
      res = await fetch(
        `${apiBase(env)}/turn/keys/${encodeURIComponent(env.TURN_KEY_ID)}/credentials/generate`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${env.TURN_KEY_API_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ ttl: TURN_TTL_SECONDS }),
        },
      );
    } catch (err) {
      throw new RoomError("turn-unavailable", `TURN credentials: ${String(err)}`);
    }
    if (!res.ok) throw new RoomError("turn-unavailable", `TURN credentials: HTTP ${res.status}`);
    const body = (await res.json()) as { iceServers?: RTCIceServerLike | RTCIceServerLike[] };
    if (body.iceServers === undefined)
      throw new RoomError("turn-unavailable", "TURN answer without iceServers");
    return Array.isArray(body.iceServers) ? body.iceServers : [body.iceServers];
  }
  return sfuConfigured(env) ? STUN : [];
}

export const media = new Hono<{ Bindings: Env }>()
  .get("/media/config", async (c) =>
    c.json({ mode: sfuConfigured(c.env) ? "sfu" : "mesh", iceServers: await iceServers(c.env) }),
  )
  .get("/media/ice-servers", async (c) => c.json({ iceServers: await iceServers(c.env) }))
  .all("/partytracks/*", async (c) => {
    if (!sfuConfigured(c.env)) {
      throw new RoomError(
        "sfu-not-configured",
        "the SFU is not configured (CALLS_APP_ID, CALLS_APP_SECRET); use the peer mesh",
      );
    }
    const url = new URL(c.req.url);
    const rest = url.pathname.slice("/partytracks".length);
    const target = `${apiBase(c.env)}/apps/${encodeURIComponent(c.env.CALLS_APP_ID!)}${rest}${url.search}`;
    const headers = new Headers({ authorization: `Bearer ${c.env.CALLS_APP_SECRET}` });
    const type = c.req.header("content-type");
    if (type) headers.set("content-type", type);
    const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD";
    let res: Response;
    try {
      res = await fetch(target, {
        method: c.req.method,
        headers,
        body: hasBody ? await c.req.arrayBuffer() : undefined,
      });
    } catch (err) {
      throw new RoomError("sfu-unreachable", `Realtime API unreachable: ${String(err)}`);
    }
    const out = new Headers();
    const outType = res.headers.get("content-type");
    if (outType) out.set("content-type", outType);
    return new Response(res.body, { status: res.status, headers: out });
  });
