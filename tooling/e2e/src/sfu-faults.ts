/**
 * A fault-injecting front for the local SFU's HTTP API (127.0.0.1 only), for tests of how the call engine
 * recovers from a Realtime SFU that fails requests. Every request is passed on to the SFU unchanged, except
 * the pull requests (`POST …/sessions/{id}/tracks/new` naming `location: "remote"` tracks) it is told to
 * fail: those get `503 {errorCode, errorDescription}`, the hosted API's error shape, and never reach the SFU.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface SfuFaults {
  /** API base URL to configure as `CALLS_API_BASE` (`http://127.0.0.1:<port>/v1`). */
  url: string;
  /** Fails the next `n` pull requests. */
  failPulls(n: number): void;
  /** Pull requests failed so far. */
  failed(): number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isPull(method: string, path: string, text: string): boolean {
  if (method !== "POST" || !/\/sessions\/[^/]+\/tracks\/new$/.test(path)) return false;
  try {
    const json = JSON.parse(text) as { tracks?: { location?: string }[] };
    return json.tracks?.some((t) => t.location === "remote") === true;
  } catch {
    return false;
  }
}

/** Starts the front for the SFU API at `target` (e.g. `LocalSfu.url`). */
export async function startSfuFaults(target: string): Promise<SfuFaults> {
  const base = new URL(target);
  let toFail = 0;
  let failed = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const bytes = await body(req);
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      if (toFail > 0 && isPull(req.method ?? "", path, bytes.toString("utf8"))) {
        toFail--;
        failed++;
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ errorCode: "service_unavailable", errorDescription: "injected fault" }));
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === "string" && k !== "host" && k !== "connection") headers.set(k, v);
      const method = req.method ?? "GET";
      const answer = await fetch(new URL(req.url ?? "/", base.origin), {
        method,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(bytes) }),
      });
      const out = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "application/json",
      });
      res.end(out);
    })().catch((err: unknown) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ errorCode: "bad_gateway", errorDescription: String(err) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${base.pathname}`,
    failPulls: (n) => {
      toFail = n;
    },
    failed: () => failed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
