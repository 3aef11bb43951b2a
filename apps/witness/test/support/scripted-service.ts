/**
 * A scriptable transparency service: a real Node HTTP server on 127.0.0.1 that serves exactly the
 * checkpoint, batches and batch-proof bundles a test PUTs to it, and records every cosignature
 * the witness uploads. It has no logic of its own: the tests (in workerd) build honest bytes with
 * a real in-memory `PrefixTree` and craft hostile ones, so the server can lie in any way.
 *
 * Routes, per scenario id: `GET /<id>/checkpoint`, `GET /<id>/tree-event-batch/<N>`,
 * `GET /<id>/batch-proof/<N>` (N in tile-path encoding), `POST /<id>/upload-cosignature/<N>`;
 * control: `PUT /<id>/_control` (JSON, merged), `GET /<id>/_control/uploads`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseTileIndex } from "@sealroom/hash-chain";

export interface ScenarioControl {
  /** JSON served at /checkpoint, or null for 404. */
  checkpoint?: unknown;
  /** Base64 bodies of /tree-event-batch/<N>; null removes one. */
  batches?: Record<string, string | null>;
  /** Base64 bodies of /batch-proof/<N>; null removes one. */
  bundles?: Record<string, string | null>;
  /** Status answered to uploads (default 200). */
  uploadStatus?: number;
}

export interface Upload {
  n: number;
  body: string;
}

interface Scenario {
  checkpoint: unknown;
  batches: Map<number, Buffer>;
  bundles: Map<number, Buffer>;
  uploadStatus: number;
  uploads: Upload[];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function merge(into: Map<number, Buffer>, from: Record<string, string | null> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) {
    if (v === null) into.delete(Number(k));
    else into.set(Number(k), Buffer.from(v, "base64"));
  }
}

export function startScriptedService(): Promise<{ server: Server; base: string }> {
  const scenarios = new Map<string, Scenario>();
  const scenario = (id: string) => {
    let s = scenarios.get(id);
    if (!s) {
      s = { checkpoint: null, batches: new Map(), bundles: new Map(), uploadStatus: 200, uploads: [] };
      scenarios.set(id, s);
    }
    return s;
  };
  const server = createServer(async (req, res) => {
    const send = (status: number, body: string | Buffer, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? "/", "http://x");
      const [, id, ...rest] = url.pathname.split("/");
      const route = rest.join("/");
      const s = scenario(id ?? "");
      const body = await readBody(req);
      if (req.method === "PUT" && route === "_control") {
        const c = JSON.parse(body.toString("utf8")) as ScenarioControl;
        if ("checkpoint" in c) s.checkpoint = c.checkpoint;
        merge(s.batches, c.batches);
        merge(s.bundles, c.bundles);
        if (c.uploadStatus !== undefined) s.uploadStatus = c.uploadStatus;
        return send(200, "{}");
      }
      if (req.method === "GET" && route === "_control/uploads") return send(200, JSON.stringify(s.uploads));
      if (req.method === "GET" && route === "checkpoint")
        return s.checkpoint === null
          ? send(404, '{"error":"none"}')
          : send(200, JSON.stringify(s.checkpoint));
      const m = route.match(/^(tree-event-batch|batch-proof)\/(.+)$/);
      if (req.method === "GET" && m) {
        const n = Number(parseTileIndex(m[2]!));
        const bytes = (m[1] === "batch-proof" ? s.bundles : s.batches).get(n);
        return bytes ? send(200, bytes, "application/octet-stream") : send(404, '{"error":"not sealed"}');
      }
      const u = route.match(/^upload-cosignature\/(\d+)$/);
      if (req.method === "POST" && u) {
        s.uploads.push({ n: Number(u[1]), body: body.toString("utf8") });
        return s.uploadStatus === 200
          ? send(200, '{"stored":1}')
          : send(s.uploadStatus, '{"error":"scripted failure"}');
      }
      send(404, '{"error":"not found"}');
    } catch (e) {
      send(400, JSON.stringify({ error: String(e) }));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}
