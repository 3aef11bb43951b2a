/**
 * `startLocalSfu`: the local SFU's programmatic entry. It listens on 127.0.0.1 only (port 0 picks
 * a free port) and returns the API base URL to use as `CALLS_API_BASE`, with the app id and secret
 * to use as `CALLS_APP_ID` / `CALLS_APP_SECRET`.
 *
 * A development/test stand-in for Cloudflare's hosted Realtime SFU, never a product component: the
 * default secret is a fixed, public test value.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { apiHandler } from "./http-api.ts";
import { LOOPBACK } from "./peer-config.ts";
import { Sfu } from "./sfu.ts";

export const DEFAULT_APP_ID = "sealroom-local-sfu";
/** Public test value: the local SFU only ever listens on loopback. */
export const DEFAULT_APP_SECRET = "sealroom-local-sfu-test-secret";

export interface LocalSfuOptions {
  /** TCP port of the HTTP API on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  appId?: string;
  appSecret?: string;
  /** Inactivity timeout of tracks and sessions, ms (default 30 000, as the hosted SFU). */
  idleTimeoutMs?: number;
}

export interface LocalSfu {
  /** API base URL, e.g. `http://127.0.0.1:41234/v1`: the value for `CALLS_API_BASE`. */
  url: string;
  port: number;
  appId: string;
  appSecret: string;
  /** The SFU's state (sessions, forwarding counters), for tests. */
  sfu: Sfu;
  /** Closes every session's PeerConnection and the HTTP server. */
  close(): Promise<void>;
}

export async function startLocalSfu(options: LocalSfuOptions = {}): Promise<LocalSfu> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`"port" must be 0..65535, got ${port}`);
  const appId = options.appId ?? DEFAULT_APP_ID;
  const appSecret = options.appSecret ?? DEFAULT_APP_SECRET;
  if (appId === "" || /[/?#%\s]/.test(appId)) throw new TypeError(`"appId" must be a non-empty path segment`);
  if (appSecret === "") throw new TypeError(`"appSecret" must not be empty`);
  const sfu = new Sfu(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs });
  const server = createServer(apiHandler(sfu, { appId, appSecret }));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${bound}/v1`,
    port: bound,
    appId,
    appSecret,
    sfu,
    close: async () => {
      await sfu.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
