#!/usr/bin/env node
/**
 * `node tooling/local-sfu/src/cli.ts [--port N]`: runs the local SFU until SIGINT/SIGTERM and prints
 * one line of JSON, `{"url", "port", "appId", "appSecret"}`, once it listens (port 0 = any free port).
 * Environment: LOCAL_SFU_PORT, LOCAL_SFU_APP_ID, LOCAL_SFU_APP_SECRET.
 */
import { parseArgs } from "node:util";
import { startLocalSfu } from "./start.ts";

const { values } = parseArgs({ options: { port: { type: "string" } } });
const portText = values.port ?? process.env.LOCAL_SFU_PORT ?? "0";
if (!/^\d{1,5}$/.test(portText)) {
  console.error(`local-sfu: --port must be a number, got ${JSON.stringify(portText)}`);
  process.exit(2);
}
const sfu = await startLocalSfu({
  port: Number(portText),
  ...(process.env.LOCAL_SFU_APP_ID ? { appId: process.env.LOCAL_SFU_APP_ID } : {}),
  ...(process.env.LOCAL_SFU_APP_SECRET ? { appSecret: process.env.LOCAL_SFU_APP_SECRET } : {}),
});
console.log(JSON.stringify({ url: sfu.url, port: sfu.port, appId: sfu.appId, appSecret: sfu.appSecret }));
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    sfu.close().then(() => process.exit(0));
  });
