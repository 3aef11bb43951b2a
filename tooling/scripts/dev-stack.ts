/**
 * The local stack, served transparently (issue 16): what `pnpm dev` runs (via dev.sh), and what
 * tooling/e2e's transparent-delivery test starts (`startDevStack`), so both run the same steps.
 *
 * 1. keys (dev-keys.ts: witness key, admin token, the site's append key; generated once, reused);
 * 2. the web build with the trust config baked in (`VITE_WAICT_*`): vite -> apps/web/dist, the
 *    service worker -> dist/sw.js, then `sealroom manifest build dist --sri --out dist/waict-manifest.json`;
 * 3. room :8787, transparency :8788, witness :8789 under `wrangler dev` on 127.0.0.1;
 * 4. enrol `sealroom.localhost` (the service's dev-only DEV_ORIGINS maps it to the room Worker) or, when
 *    already enrolled, append the build's manifest (`sealroom append`), both waiting for the local
 *    witness's cosignature; wait until the room serves the new manifest; `sealroom verify` it;
 * 5. print ONE line: the URL to open and the verification state.
 * With `--watch` (pnpm dev) the web client rebuilds on change and each rebuild appends again.
 * With `SEALROOM_SFU=local` (or `sfu: "local"`) it first starts `@sealroom/local-sfu` on 127.0.0.1 (a
 * real werift SFU standing in for Cloudflare Realtime) and gives the room Worker `CALLS_APP_ID`,
 * `CALLS_APP_SECRET` and `CALLS_API_BASE` for it, so calls use the SFU data plane instead of the mesh.
 *
 * Logs of the three Workers and vite go to `.tmp/dev-stack/*.log`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeChainHeadWithProof } from "../../packages/manifest/src/chain-head-with-proof.ts";
import { type VerifyReport, verifySite } from "../../packages/manifest/src/cli/verify.ts";
import { resourceHashOf } from "../../packages/manifest/src/index.ts";
import { type LocalSfu, startLocalSfu } from "../local-sfu/src/index.ts";
import { type DevKeys, devVars, ensureDevKeys, ROOT, SITE_DOMAIN, writeDevVars } from "./dev-keys.ts";

export const TREE_DOMAIN = "transparency.sealroom.localhost";
const WEB = join(ROOT, "apps/web");
/** Each app's own binaries (pnpm links them per package). */
const bin = (app: string, name: string) => join(ROOT, "apps", app, "node_modules/.bin", name);
const CLI = join(ROOT, "packages/manifest/src/cli.ts");

export interface DevStackOptions {
  ports?: { room: number; transparency: number; witness: number };
  /** Keys folder (default `.dev-keys/`). */
  keysDir?: string;
  /**
   * A folder for the Workers' state and vars (tests: a temp folder; vars go to env files there instead
   * of the apps' `.dev.vars`). Default: each app's own `.wrangler/state` and `.dev.vars`.
   */
  isolated?: string;
  /** Extra Worker vars, e.g. `{ room: { SEALROOM_TEST_HOOKS: "1" } }` (isolated mode only). */
  vars?: Partial<Record<"room" | "transparency" | "witness", Record<string, string>>>;
  /** Rebuild the web client on change and append each build. */
  watch?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Media data plane: `"local"` starts the local SFU and points the room Worker at it; `"mesh"` (the
   * default) leaves the room without Realtime credentials. Default: `SEALROOM_SFU` from the environment.
   */
  sfu?: "local" | "mesh";
}

export interface Verification {
  ok: boolean;
  line: string;
  report: VerifyReport;
}

export interface DevStack {
  /** The URL to open: `http://sealroom.localhost:<room port>/`. */
  url: string;
  /** The room Worker on 127.0.0.1. */
  origin: string;
  /** The local SFU's API base (`CALLS_API_BASE`) when started with `sfu: "local"`. */
  sfu: string | undefined;
  service: string;
  witness: string;
  keys: DevKeys;
  domain: string;
  treeDomain: string;
  /** Builds the web client once more and appends its manifest (what a watch rebuild does). */
  rebuild(): Promise<Verification>;
  /** Appends the current build's manifest and waits until the room serves it. */
  publish(): Promise<Verification>;
  /** `sealroom verify` against the room, as the CLI would run it. */
  verify(opts?: { now?: number }): Promise<Verification>;
  /** Runs the `sealroom` CLI with these arguments (cwd: the repo root). */
  cli(args: string[]): Promise<{ code: number; out: string; err: string }>;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT, timeoutMs = 180_000) {
  return new Promise<{ code: number; out: string; err: string }>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")}: timed out\n${out}\n${err}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, err });
    });
  });
}

async function must(p: ReturnType<typeof run>, what: string) {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.out}\n${r.err}`);
  return r;
}

async function waitFor(
  url: string,
  ms: number,
  ok: (r: Response) => boolean = (r) => r.ok,
): Promise<Response> {
  const end = Date.now() + ms;
  let last = "";
  while (Date.now() < end) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (ok(r)) return r;
      last = `HTTP ${r.status}`;
      await r.body?.cancel();
    } catch (e) {
      last = String((e as Error).cause ?? e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not ready in ${ms} ms (${last})`);
}

export async function startDevStack(o: DevStackOptions = {}): Promise<DevStack> {
  const ports = o.ports ?? { room: 8787, transparency: 8788, witness: 8789 };
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const keys = ensureDevKeys(o.keysDir);
  const logs = join(o.isolated ?? join(ROOT, ".tmp"), "dev-stack");
  mkdirSync(logs, { recursive: true });
  const origin = `http://127.0.0.1:${ports.room}`;
  const service = `http://127.0.0.1:${ports.transparency}`;
  const witness = `http://127.0.0.1:${ports.witness}`;
  const children: ChildProcess[] = [];
  const sfuMode = o.sfu ?? (process.env.SEALROOM_SFU === "local" ? "local" : "mesh");
  if (process.env.SEALROOM_SFU && !["local", "mesh"].includes(process.env.SEALROOM_SFU))
    throw new Error(
      `SEALROOM_SFU must be "local" or "mesh", got ${JSON.stringify(process.env.SEALROOM_SFU)}`,
    );
  let localSfu: LocalSfu | undefined;
  const sfuVars: Record<string, string> = {};
  if (sfuMode === "local") {
    localSfu = await startLocalSfu({ port: 0 });
    Object.assign(sfuVars, {
      CALLS_APP_ID: localSfu.appId,
      CALLS_APP_SECRET: localSfu.appSecret,
      CALLS_API_BASE: localSfu.url,
    });
    log(`dev-stack: local SFU (development stand-in for Cloudflare Realtime) at ${localSfu.url}`);
  }
  const webEnv = {
    VITE_WAICT_SERVICE: TREE_DOMAIN,
    VITE_WAICT_WITNESSES: keys.witnessVkey,
    VITE_WAICT_QUORUM: "1",
  };

  const postBuild = async () => {
    await must(
      run(bin("web", "vite"), ["build", "-c", "vite.sw.config.ts", "--logLevel", "warn"], webEnv, WEB),
      "service worker build",
    );
    await must(
      run(
        process.execPath,
        [CLI, "manifest", "build", "dist", "--sri", "--out", "dist/waict-manifest.json"],
        {},
        WEB,
      ),
      "sealroom manifest build",
    );
  };
  const build = async () => {
    await must(run(bin("web", "vite"), ["build", "--logLevel", "warn"], webEnv, WEB), "vite build");
    await postBuild();
  };

  // 1-2. keys and the first build.
  const base = devVars(keys, ports.witness);
  if (!o.isolated) writeDevVars(keys);
  log("dev-stack: building the web client");
  await build();

  // 3. Workers.
  const wrangler = (
    app: "room" | "transparency" | "witness",
    port: number,
    inspector: number,
    vars: Record<string, string>,
    runVars: Record<string, string> = {},
  ) => {
    const args = [
      "dev",
      "--config",
      join(ROOT, "apps", app, "wrangler.jsonc"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
    ];
    args.push(
      "--inspector-port",
      String(inspector),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    );
    if (o.isolated) {
      const envFile = join(o.isolated, `${app}.env`);
      writeFileSync(
        envFile,
        Object.entries({ ...base[app], ...vars, ...runVars, ...o.vars?.[app] })
          .map(([k, v]) => `${k}='${v}'\n`)
          .join(""),
      );
      args.push("--env-file", envFile, "--persist-to", join(o.isolated, `${app}-state`));
    } else {
      // Run-specific vars (the local SFU's URL changes each start) on the command line, beside .dev.vars.
      for (const [k, v] of Object.entries(runVars)) args.push("--var", `${k}:${v}`);
    }
    const child = spawn(bin(app, "wrangler"), args, {
      cwd: join(ROOT, "apps", app),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const out = createWriteStream(join(logs, `${app}.log`));
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    children.push(child);
  };
  const shifted = ports.room !== 8787 || ports.transparency !== 8788 || ports.witness !== 8789;
  wrangler(
    "transparency",
    ports.transparency,
    ports.transparency + 20_000,
    shifted
      ? { DEV_ORIGINS: JSON.stringify({ [SITE_DOMAIN]: origin }), WITNESS_NOTIFY_URLS: `${witness}/notify` }
      : {},
  );
  wrangler(
    "witness",
    ports.witness,
    ports.witness + 20_000,
    shifted ? { SERVICES: JSON.stringify([{ url: service, tree_domain: TREE_DOMAIN, mode: "replay" }]) } : {},
  );
  wrangler("room", ports.room, ports.room + 20_000, shifted ? { WAICT_SERVICE_URL: service } : {}, sfuVars);
  const stop = async () => {
    await localSfu?.close();
    for (const c of children) {
      if (c.exitCode !== null || c.pid === undefined) continue;
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      try {
        process.kill(-c.pid, "SIGINT");
      } catch {
        continue;
      }
      const t = setTimeout(() => {
        try {
          process.kill(-c.pid!, "SIGKILL");
        } catch {
          // gone
        }
      }, 8_000);
      await exited;
      clearTimeout(t);
    }
  };
  const cli = (args: string[]) => run(process.execPath, [CLI, ...args], {}, ROOT, 90_000);

  try {
    log("dev-stack: starting room, transparency and witness (wrangler dev)");
    await Promise.all([origin, service, witness].map((u) => waitFor(`${u}/healthz`, 150_000)));

    const manifestLine = () => {
      let b = new Uint8Array(readFileSync(join(WEB, "dist/waict-manifest.json")));
      if (b[b.length - 1] === 0x0a) b = b.subarray(0, -1);
      return b;
    };
    const verify = async (v: { now?: number } = {}): Promise<Verification> => {
      const report = await verifySite(`${origin}/`, {
        services: [TREE_DOMAIN],
        witnesses: [keys.witnessVkey],
        quorum: 1,
        maxAge: 7 * 86400,
        domain: SITE_DOMAIN,
        ...(v.now === undefined ? {} : { now: v.now }),
      });
      const t = report.transparency as { treeSize?: string; cosigners?: string[] } | undefined;
      const line = report.ok
        ? `transparency verified: ${TREE_DOMAIN} N=${t?.treeSize} witnessed by ${t?.cosigners?.map((c) => c.split("@")[0]).join(", ")}, ${report.assets.length} files match`
        : `transparency NOT verified: ${report.reason} (${report.detail}): ${report.message}`;
      return { ok: report.ok, line, report };
    };
    // 4. Enrol or append, then wait until the room serves the logged manifest.
    const publish = async (): Promise<Verification> => {
      const want = resourceHashOf(manifestLine());
      // 503: enrolled, but the latest tree size is not cosigned yet (the witness is catching up).
      const leaf = await waitFor(`${service}/leaf/${SITE_DOMAIN}`, 30_000, (r) => r.status !== 503);
      const enrolled = leaf.status === 200;
      const head = enrolled ? decodeChainHeadWithProof(new Uint8Array(await leaf.arrayBuffer())) : undefined;
      if (!enrolled) {
        log(`dev-stack: enrolling ${SITE_DOMAIN} at ${TREE_DOMAIN} (waiting for the witness)`);
        await must(cli(["enroll", SITE_DOMAIN, "--service", service]), "sealroom enroll");
      } else if (!head || !equal(head.head.entry.resourceHash, want)) {
        log(`dev-stack: appending the build's manifest for ${SITE_DOMAIN} (waiting for the witness)`);
        await must(
          cli([
            "append",
            SITE_DOMAIN,
            "--manifest",
            join(WEB, "dist/waict-manifest.json"),
            "--key",
            keys.siteSkeyFile,
            "--service",
            service,
          ]),
          "sealroom append",
        );
      }
      await waitFor(
        `${origin}/.well-known/waict/manifest`,
        30_000,
        (r) => r.headers.get("sealroom-manifest-state") === "logged",
      );
      return verify();
    };
    const rebuild = async () => {
      await build();
      return publish();
    };

    const first = await publish();
    const url = `http://${SITE_DOMAIN}:${ports.room}/`;
    const stack: DevStack = {
      url,
      origin,
      sfu: localSfu?.url,
      service,
      witness,
      keys,
      domain: SITE_DOMAIN,
      treeDomain: TREE_DOMAIN,
      rebuild,
      publish,
      verify,
      cli,
      stop,
    };
    (stack as DevStack & { first: Verification }).first = first;
    if (o.watch) watchWeb(webEnv, postBuild, publish, log, children, logs, url);
    return stack;
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n(Worker logs in ${logs})`);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `vite build --watch`; after each rebuild: service worker, manifest, append, verify, one line. */
function watchWeb(
  env: Record<string, string>,
  postBuild: () => Promise<void>,
  publish: () => Promise<Verification>,
  log: (l: string) => void,
  children: ChildProcess[],
  logs: string,
  url: string,
): void {
  const child = spawn(bin("web", "vite"), ["build", "--watch"], {
    cwd: WEB,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  const out = createWriteStream(join(logs, "vite.log"));
  child.stderr?.pipe(out);
  let chain = Promise.resolve();
  child.stdout?.on("data", (d: Buffer) => {
    out.write(d);
    // Every build, the watcher's first included (it empties dist/): service worker, manifest, and an
    // append when the manifest changed (publish skips it when the head already logs it).
    if (!/built in/.test(d.toString())) return;
    chain = chain.then(async () => {
      try {
        await postBuild();
        const v = await publish();
        console.log(`Sealroom rebuilt: ${url} — ${v.line}`);
      } catch (e) {
        log(`dev-stack: rebuild failed: ${(e as Error).message}`);
      }
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const watch = process.argv.includes("--watch");
  try {
    const s = (await startDevStack({ watch })) as DevStack & { first: Verification };
    console.log(`Sealroom: open ${s.url} — ${s.first.line}`);
    const bye = async () => {
      await s.stop();
      process.exit(0);
    };
    process.on("SIGINT", bye);
    process.on("SIGTERM", bye);
    if (!watch) await new Promise(() => {});
  } catch (e) {
    console.error(`dev-stack: ${(e as Error).message}`);
    process.exit(1);
  }
}
