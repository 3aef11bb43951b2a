/**
 * The HTTPS API surface (served as plain HTTP on 127.0.0.1) of the local SFU: the routes of the
 * Cloudflare Realtime (Calls) API v1 that partytracks 0.0.54 calls, under the same paths as
 * `https://rtc.live.cloudflare.com/v1`, so `CALLS_API_BASE=<url>` is the only change a client needs.
 *
 *   POST /v1/apps/{appId}/sessions/new
 *   POST /v1/apps/{appId}/sessions/{sessionId}/tracks/new      push (location "local") or pull ("remote")
 *   PUT  /v1/apps/{appId}/sessions/{sessionId}/renegotiate
 *   PUT  /v1/apps/{appId}/sessions/{sessionId}/tracks/close
 *   PUT  /v1/apps/{appId}/sessions/{sessionId}/tracks/update
 *   GET  /v1/apps/{appId}/sessions/{sessionId}
 *
 * Every request needs `Authorization: Bearer <app secret>` (compared in constant time); failures are
 * JSON `{errorCode, errorDescription}` with a 4xx status for any bad input (see errors.ts). The body
 * is read as JSON whatever its content type, as partytracks sends strings without one.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SfuError } from "./errors.ts";
import {
  parseCloseTracks,
  parseNewSession,
  parseNewTracks,
  parseRenegotiate,
  parseUpdateTracks,
} from "./requests.ts";
import type { Sfu } from "./sfu.ts";

/** Request bodies are SDP plus a few names: 1 MiB is far above any real one. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiCredentials {
  appId: string;
  appSecret: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new SfuError("payload_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SfuError("invalid_request", "the body is not valid JSON");
  }
}

async function route(sfu: Sfu, creds: ApiCredentials, req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const parts = url.pathname
    .split("/")
    .filter((p) => p !== "")
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        throw new SfuError("invalid_request", "the path is not valid percent-encoding");
      }
    });
  if (parts[0] !== "v1" || parts[1] !== "apps" || parts.length < 4 || parts[3] !== "sessions")
    throw new SfuError("not_found", `no route ${req.method} ${url.pathname}`);
  const auth = req.headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : "";
  if (!sameSecret(token, creds.appSecret))
    throw new SfuError("unauthorized", "missing or wrong app secret (Authorization: Bearer)");
  if (parts[2] !== creds.appId) throw new SfuError("app_not_found", `no app ${JSON.stringify(parts[2])}`);
  const method = req.method ?? "GET";
  const rest = parts.slice(4);
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
  const key = `${method} ${rest.length === 1 && rest[0] === "new" ? "new" : rest.slice(1).join("/")}`;
  if (key === "POST new") return sfu.newSession(parseNewSession(body).sessionDescription);
  const sessionId = rest[0];
  if (sessionId === undefined) throw new SfuError("not_found", `no route ${method} ${url.pathname}`);
  switch (key) {
    case "GET ":
      return sfu.sessionState(sessionId);
    case "POST tracks/new": {
      const r = parseNewTracks(body);
      return r.kind === "push"
        ? sfu.pushTracks(sessionId, r.sessionDescription, r.tracks)
        : sfu.pullTracks(sessionId, r.tracks);
    }
    case "PUT renegotiate":
      return sfu.renegotiate(sessionId, parseRenegotiate(body));
    case "PUT tracks/close":
      return sfu.closeTracks(sessionId, parseCloseTracks(body));
    case "PUT tracks/update":
      return sfu.updateTracks(sessionId, parseUpdateTracks(body));
    default:
      throw new SfuError("not_found", `no route ${method} ${url.pathname}`);
  }
}

/** A Node `http` request listener serving the API over `sfu`. */
export function apiHandler(sfu: Sfu, creds: ApiCredentials) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(sfu, creds, req).then(
      (result) => send(res, 200, result),
      (err: unknown) => {
        const e =
          err instanceof SfuError
            ? err
            : new SfuError("internal_error", err instanceof Error ? err.message : String(err));
        if (e.code === "internal_error") console.error("local-sfu:", err);
        // Drain what is left of an oversized body so the client reads the answer.
        if (e.code === "payload_too_large") req.resume();
        send(res, e.status, e.toJSON());
      },
    );
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
