/**
 * The room Worker's Cloudflare Realtime proxy under `wrangler dev`, against a local HTTP server on
 * 127.0.0.1 standing in for the Realtime API (`CALLS_API_BASE`): paths, query, method, body and the
 * Bearer secret go out as the API expects; the API's statuses and bodies (errors included) come back
 * unchanged; TURN credentials are minted through the same base.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type start, startWorker, stop } from "../src/workspace.ts";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let api: Server;
let room: ReturnType<typeof start>;
let origin: string;
const persist = mkdtempSync(join(tmpdir(), "sealroom-sfu-"));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = "";
    req.on("data", (d) => {
      b += d;
    });
    req.on("end", () => resolve(b));
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

beforeAll(async () => {
  api = createServer(async (req, res) => {
    const body = await readBody(req);
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      body,
    });
    if (req.url?.startsWith("/v1/turn/keys/turn-key/credentials/generate")) {
      const iceServers = { urls: ["turn:turn.example:3478"], username: "u", credential: "c" };
      return json(res, 201, { iceServers });
    }
    if (req.url?.includes("/sessions/bad")) {
      return json(res, 400, { errorCode: "bad_request", errorDescription: "no such session" });
    }
    json(res, 201, { sessionId: "s-1", echo: body });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  const apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  room = await startWorker("room", {
    port,
    inspectorPort: await freePort(),
    persistTo: persist,
    vars: {
      CALLS_APP_ID: "app-123",
      CALLS_APP_SECRET: "s3cret",
      CALLS_API_BASE: apiBase,
      TURN_KEY_ID: "turn-key",
      TURN_KEY_API_TOKEN: "turn-token",
    },
  });
}, 120_000);

afterAll(async () => {
  await stop(room);
  await new Promise((r) => api?.close(r));
  rmSync(persist, { recursive: true, force: true });
});

describe("Realtime SFU proxy", () => {
  it("tells the client to use the SFU and hands out TURN servers", async () => {
    const res = await fetch(`${origin}/media/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      mode: "sfu",
      iceServers: [{ urls: ["turn:turn.example:3478"], username: "u", credential: "c" }],
    });
    const turn = seen.find((s) => s.url.startsWith("/v1/turn/"))!;
    expect(turn.method).toBe("POST");
    expect(turn.authorization).toBe("Bearer turn-token");
    expect(JSON.parse(turn.body)).toEqual({ ttl: 14_400 });
  });

  it("forwards method, path, query, body and the app secret", async () => {
    seen.length = 0;
    const res = await fetch(`${origin}/partytracks/sessions/new?thirdparty=true`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer client-must-not-pass" },
      body: JSON.stringify({ sessionDescription: { type: "offer", sdp: "v=0" } }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { sessionId: string; echo: string };
    expect(body.sessionId).toBe("s-1");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      method: "POST",
      url: "/v1/apps/app-123/sessions/new?thirdparty=true",
      authorization: "Bearer s3cret",
      contentType: "application/json",
      body: JSON.stringify({ sessionDescription: { type: "offer", sdp: "v=0" } }),
    });
    expect(body.echo).toBe(seen[0]!.body);
  });

  it("passes the API's errors on unchanged", async () => {
    seen.length = 0;
    const res = await fetch(`${origin}/partytracks/sessions/bad/tracks/new`, { method: "PUT", body: "{}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorCode: "bad_request", errorDescription: "no such session" });
    expect(seen[0]?.method).toBe("PUT");
    expect(seen[0]?.url).toBe("/v1/apps/app-123/sessions/bad/tracks/new");
    const get = await fetch(`${origin}/partytracks/sessions/s-1`);
    expect(get.status).toBe(201);
    expect(seen[1]?.method).toBe("GET");
    expect(seen[1]?.body).toBe("");
  });
});
