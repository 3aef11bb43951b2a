/** Paths and process helpers shared by the whole-workspace tests. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalSfu, startLocalSfu } from "@sealroom/local-sfu";
import { type SfuFaults, startSfuFaults } from "./sfu-faults.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface WorkspaceMember {
  dir: string;
  manifest: Record<string, unknown> & { name: string; version: string; private?: boolean };
}

/** Workspace members under `packages/` or `apps/` (the nine released together). */
export function members(group: "packages" | "apps"): WorkspaceMember[] {
  const base = join(ROOT, group);
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(base, d.name))
    .filter((dir) => {
      try {
        readFileSync(join(dir, "package.json"));
        return true;
      } catch {
        return false;
      }
    })
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a hard time limit; never inherits stdin. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
) {
  return new Promise<RunResult>((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`${cmd} ${args.join(" ")} timed out after ${opts.timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, opts.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running process in its own process group so that the whole tree can be stopped. */
export function start(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): ChildProcess & {
  output(): string;
} {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  return Object.assign(child, { output: () => out });
}

export interface WorkerOptions {
  port: number;
  inspectorPort: number;
  /** Folder for the Worker's local Durable Objects and R2 (a test's own temp folder). */
  persistTo: string;
  /** Worker vars layered over wrangler.jsonc, written to an env file inside `persistTo`. */
  vars?: Record<string, string>;
}

/**
 * Starts `apps/<app>` under `wrangler dev` on 127.0.0.1 and waits until its `/healthz` answers;
 * on failure the error carries wrangler's output. Stop it with `stop`.
 */
export async function startWorker(app: string, opts: WorkerOptions): Promise<ReturnType<typeof start>> {
  mkdirSync(opts.persistTo, { recursive: true });
  const envArgs: string[] = [];
  if (opts.vars) {
    const envFile = join(opts.persistTo, "vars.env");
    writeFileSync(
      envFile,
      Object.entries(opts.vars)
        .map(([k, v]) => `${k}='${v}'\n`)
        .join(""),
    );
    envArgs.push("--env-file", envFile);
  }
  // The app's own wrangler (its devDependency), so that a bench run as `node bench/x.ts`, outside
  // `pnpm run`, finds it too.
  const child = start(
    join(ROOT, "apps", app, "node_modules/.bin/wrangler"),
    [
      "dev",
      "--config",
      join(ROOT, "apps", app, "wrangler.jsonc"),
      ...envArgs,
      "--ip",
      "127.0.0.1",
      "--port",
      String(opts.port),
      "--inspector-port",
      String(opts.inspectorPort),
      "--persist-to",
      join(opts.persistTo, "state"),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: join(ROOT, "apps", app) },
  );
  try {
    await waitFor(`http://127.0.0.1:${opts.port}/healthz`, 90_000);
  } catch (err) {
    await stop(child);
    throw new Error(`${String(err)}\n--- wrangler output ---\n${child.output()}`);
  }
  return child;
}

/** Stops a process group started by `start` and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGINT");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 200 or the deadline passes. */
export async function waitFor(url: string, deadlineMs: number): Promise<Response> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return res;
      last = new Error(`HTTP ${res.status}`);
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer in ${deadlineMs} ms: ${String(last)}`);
}

/** A TCP port free on 127.0.0.1 right now (bound and released), for servers that need a fixed port. */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The room Worker for tests and benches that run several Chromium tabs on this two-core machine, on free
 * ports: its heartbeat timeout is 20 s (default 6 s), because a starved tab's 2 s ping can arrive late
 * and a join would then measure a reconnect (the heartbeat itself is tested in apps/room and call.test.ts).
 * `vars` adds Worker vars (e.g. the Realtime SFU's `CALLS_*`).
 */
export async function startTabsRoom(
  persistTo: string,
  vars: Record<string, string> = {},
): Promise<{ room: ReturnType<typeof start>; origin: string }> {
  const port = await freePort();
  const room = await startWorker("room", {
    port,
    inspectorPort: await freePort(),
    persistTo,
    vars: { ROOM_HEARTBEAT_TIMEOUT_MS: "20000", ...vars },
  });
  return { room, origin: `http://127.0.0.1:${port}` };
}

/**
 * A local Realtime SFU (`@sealroom/local-sfu`, 127.0.0.1) and a room Worker (as `startTabsRoom`)
 * configured to use it, so `/media/config` says `sfu`. `sfuOptions` go to `startLocalSfu` (e.g. a short
 * `idleTimeoutMs`). With `faults`, the room reaches the SFU through a front that fails the requests a test
 * asks it to (`sfu-faults.ts`). Stop all: `stop(room)`, `faults?.close()`, `sfu.close()`.
 */
export async function startSfuRoom(
  persistTo: string,
  sfuOptions: Parameters<typeof startLocalSfu>[0] = {},
  { faults = false }: { faults?: boolean } = {},
): Promise<{ sfu: LocalSfu; room: ReturnType<typeof start>; origin: string; faults: SfuFaults | null }> {
  const sfu = await startLocalSfu(sfuOptions);
  const front = faults ? await startSfuFaults(sfu.url) : null;
  const { room, origin } = await startTabsRoom(persistTo, {
    CALLS_APP_ID: sfu.appId,
    CALLS_APP_SECRET: sfu.appSecret,
    CALLS_API_BASE: front?.url ?? sfu.url,
  });
  return { sfu, room, origin, faults: front };
}
