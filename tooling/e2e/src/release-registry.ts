/**
 * The release path, for real, against a local npm registry: meant to run inside a loopback-only
 * network namespace (`tooling/scripts/loopback.sh`), where the public registry cannot be reached.
 *
 *  1. starts verdaccio on 127.0.0.1 with storage in a temp folder and no uplinks, creates a user;
 *  2. publishes the third-party dependencies of the published packages to it from the local store
 *     (the namespace has no other registry);
 *  3. copies the workspace (tracked and untracked files; its own offline `pnpm install`),
 *     points it at the local registry only (`.npmrc`, `npm_config_registry`), and runs the README's
 *     release commands there: `pnpm changeset version`, then `pnpm release`;
 *  4. in a fresh project outside the workspace, `npm install`s `@sealroom/prefix-tree` and
 *     `@sealroom/manifest` from the registry and runs their README examples.
 *
 * Prints one JSON summary line on stdout (`RESULT {...}`); exits non-zero on any failure.
 * Usage: node src/release-registry.ts (run by test/release-registry.test.ts through loopback.sh).
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, run } from "./workspace.ts";

const PORT = 4873;
const REGISTRY = `http://127.0.0.1:${PORT}/`;
const E2E = join(dirname(fileURLToPath(import.meta.url)), "..");
const PUBLISHED = ["@sealroom/prefix-tree", "@sealroom/manifest"];
const t0 = Date.now();
const timings: Record<string, number> = {};
const lap = (name: string) => {
  timings[name] = Date.now() - t0;
};

function fail(msg: string): never {
  throw new Error(msg);
}

async function must(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
) {
  const r = await run(cmd, args, { cwd, env, timeoutMs });
  if (r.code !== 0) fail(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const tmp = mkdtempSync(join(tmpdir(), "sealroom-registry-"));
let verdaccio: ChildProcess | undefined;

async function startRegistry(): Promise<string> {
  const storage = join(tmp, "storage");
  mkdirSync(storage);
  const config = join(tmp, "verdaccio.yaml");
  writeFileSync(
    config,
    [
      `storage: ${storage}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(tmp, "htpasswd")}`,
      "    max_users: 10",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const bin = join(E2E, "node_modules/verdaccio/bin/verdaccio");
  verdaccio = spawn(process.execPath, [bin, "--config", config, "--listen", `127.0.0.1:${PORT}`], {
    cwd: tmp,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  verdaccio.stdout?.on("data", (d) => {
    log += d;
  });
  verdaccio.stderr?.on("data", (d) => {
    log += d;
  });
  // Generous: on a loaded shared machine loading verdaccio alone can take a minute.
  for (const started = Date.now(); ; ) {
    try {
      const r = await fetch(`${REGISTRY}-/ping`);
      if (r.ok) break;
    } catch {}
    if (Date.now() - started > 180_000) fail(`verdaccio did not start in 180 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // An account to publish with (htpasswd, temp file): the token goes into the copies' .npmrc only.
  const res = await fetch(`${REGISTRY}-/user/org.couchdb.user:sealroom-e2e`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "sealroom-e2e", password: "sealroom-e2e-pw", type: "user", roles: [] }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) fail(`cannot create a registry user: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

function npmrc(dir: string, token: string): void {
  writeFileSync(
    join(dir, ".npmrc"),
    `registry=${REGISTRY}\n//127.0.0.1:${PORT}/:_authToken=${token}\ngit-checks=false\nupdate-notifier=false\nverify-deps-before-run=false\n`,
  );
}

/** Node's resolution from `from`: the directory of package `name`, following pnpm's symlinks. */
function packageDir(from: string, name: string): string {
  for (let d = realpathSync(from); ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(d) === d) fail(`cannot resolve ${name} from ${from}`);
  }
}

/** Publishes every third-party package the published packages need, from the local store. */
async function preloadDependencies(env: NodeJS.ProcessEnv): Promise<string[]> {
  const done = new Set<string>();
  const queue = ["hash-chain", "prefix-tree", "manifest"].map((p) => join(ROOT, "packages", p));
  const out: string[] = [];
  const copies: string[] = [];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith("@sealroom/")) continue;
      const depDir = packageDir(dir, dep);
      if (done.has(depDir)) continue;
      done.add(depDir);
      queue.push(depDir);
      // A copy without publishConfig: nothing in it may point a publish at another registry.
      const copy = join(tmp, "deps", dep.replace("/", "+"));
      cpSync(depDir, copy, {
        recursive: true,
        dereference: true,
        filter: (s) => !s.slice(depDir.length).includes("node_modules"),
      });
      const pkg = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
      delete pkg.publishConfig;
      delete pkg.scripts;
      writeFileSync(join(copy, "package.json"), JSON.stringify(pkg, null, 2));
      out.push(`${pkg.name}@${pkg.version}`);
      copies.push(copy);
    }
  }
  await Promise.all(
    copies.map((copy) =>
      must("npm", ["publish", "--ignore-scripts", "--registry", REGISTRY, "--tag", "latest"], copy, env),
    ),
  );
  return out.sort();
}

/** A copy of the workspace (tracked and untracked files) with its own node_modules. */
async function copyWorkspace(token: string): Promise<string> {
  const ws = join(tmp, "ws");
  const files = (await must("git", ["ls-files", "-co", "--exclude-standard", "-z"], ROOT)).split("\0");
  for (const f of files.filter(Boolean)) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the work tree
    mkdirSync(dirname(join(ws, f)), { recursive: true });
    cpSync(join(ROOT, f), join(ws, f));
  }
  // Its own node_modules, hard-linked from the pnpm store (offline, nothing fetched): nothing run in
  // the copy can write into the workspace's node_modules.
  await must(
    "pnpm",
    // Only what releasing the packages needs: the five packages, their workspace deps, the root.
    [
      "install",
      "--offline",
      "--frozen-lockfile",
      "--ignore-scripts",
      "--reporter=silent",
      "--filter",
      "./packages/*...",
      "--filter",
      "sealroom",
    ],
    ws,
    {},
    180_000,
  );
  npmrc(ws, token);
  const git = ["-c", "user.name=sealroom-e2e", "-c", "user.email=e2e@127.0.0.1"];
  await must("git", ["init", "-q", "-b", "main"], ws);
  await must("git", ["add", "-A"], ws);
  await must("git", [...git, "commit", "-q", "-m", "release test base"], ws);
  return ws;
}

function membersOf(ws: string): { name: string; version: string; private: boolean }[] {
  const out: { name: string; version: string; private: boolean }[] = [];
  for (const group of ["packages", "apps"]) {
    for (const m of readdirNames(join(ws, group))) {
      const p = join(ws, group, m, "package.json");
      if (!existsSync(p)) continue;
      const j = JSON.parse(readFileSync(p, "utf8"));
      out.push({ name: j.name, version: j.version, private: j.private === true });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith(".")) : [];
}

/** The ```ts blocks of a README. */
function tsBlocks(readme: string): string[] {
  const out: string[] = [];
  const re = /```ts\n([\s\S]*?)```/g;
  for (let m = re.exec(readme); m !== null; m = re.exec(readme)) out.push(m[1] as string);
  return out;
}

async function runExamples(ws: string, consumer: string, version: string, env: NodeJS.ProcessEnv) {
  const results: Record<string, unknown> = {};
  const write = (name: string, code: string) => {
    writeFileSync(join(consumer, name), code);
    return name;
  };
  // prefix-tree README: the one example, with the hash it leaves to the reader.
  const [tree] = tsBlocks(readFileSync(join(ws, "packages/prefix-tree/README.md"), "utf8"));
  if (!tree) fail("prefix-tree README has no ts example");
  const treeFile = write(
    "prefix-tree-example.mts",
    `const newResourceHash = new Uint8Array(32).fill(7);\n${tree}\n` +
      "console.log(JSON.stringify({ root: Buffer.from(newRoot).toString('hex'), batch: Buffer.from(verifyBatch(oldRoot, proof, batch)!).toString('hex'), included: verifyInclusion(newRoot, key, value, inc, fastSha256) }));\n",
  );
  results.prefixTree = JSON.parse(await must("node", [treeFile], consumer, env, 60_000));

  // manifest README: the page verifier (a real proof served as a data: URL) and the build step.
  const [page, build] = tsBlocks(readFileSync(join(ws, "packages/manifest/README.md"), "utf8"));
  if (!page || !build) fail("manifest README lacks its two ts examples");
  const world = `
import { assetHostsHash, resourceHash } from "@sealroom/hash-chain";
import { formatCosignerVerifierKey, formatSignedPrefixRoot, generateCosignerKey, signCosignature } from "@sealroom/prefix-tree/note";
import { keyForDomain, PrefixTree, treeValueForHead } from "@sealroom/prefix-tree";
import { encodeChainHeadWithProof, encodeManifestResponse, serializeManifest, sha256B64u } from "@sealroom/manifest";
const location = { hostname: "site.example", origin: "https://site.example" };
const url = "https://site.example/app.js";
const bodyBytes = new TextEncoder().encode("console.log('sealroom');\\n");
const line = new TextEncoder().encode(serializeManifest({ hashes: { "/app.js": sha256B64u(bodyBytes) }, extensions: {} }));
const now = BigInt(Math.floor(Date.now() / 1000));
const head = { entry: { positionInChain: 0n, timeCreated: now - 60n, resourceHash: resourceHash(line), assetHostsHash: assetHostsHash(["https://site.example"]) }, chainHash: new Uint8Array(32) };
const worldTree = new PrefixTree();
worldTree.set(keyForDomain("site.example"), treeValueForHead(head));
const checkpoint = { tdomain: "transparency.example", size: 1n, root: worldTree.root() };
const witnesses = [1, 2].map((i) => generateCosignerKey("witness-" + i + ".example", new Uint8Array(32).fill(i)));
const signedPrefixRoot = new TextEncoder().encode(formatSignedPrefixRoot({ checkpoint, signatures: witnesses.map((w) => signCosignature(w, checkpoint, Number(now) - 5)) }));
const response = encodeManifestResponse(line, encodeChainHeadWithProof({ head, incProof: worldTree.proveInclusion(keyForDomain("site.example"))!, signedPrefixRoot }));
const manifestUrl = "data:application/octet-stream;base64," + Buffer.from(response).toString("base64");
const WITNESS_VKEYS = witnesses.map(formatCosignerVerifierKey);
`;
  const pageFile = write(
    "manifest-page-example.mts",
    `${world}\n${page}\nconsole.log(JSON.stringify({ ok: t.ok, status: t.ok ? t.status : t.reason, integrity: t.ok && t.status === "verified" ? checkIntegrity(t.manifest, url, "script", bodyBytes, { origin: location.origin }).ok : false }));\n`,
  );
  results.manifestPage = JSON.parse(await must("node", [pageFile], consumer, env, 60_000));

  mkdirSync(join(consumer, "dist"), { recursive: true });
  writeFileSync(
    join(consumer, "dist/index.html"),
    '<!doctype html><script type="module" src="/app.js"></script>\n',
  );
  writeFileSync(join(consumer, "dist/app.js"), "console.log('sealroom');\n");
  const buildFile = write(
    "manifest-build-example.mts",
    `${build}\nconsole.log(JSON.stringify({ keys: Object.keys(manifest.hashes).sort(), line: line.length > 0, header }));\n`,
  );
  results.manifestBuild = JSON.parse(await must("node", [buildFile], consumer, env, 60_000));
  results.installedVersion = version;
  return results;
}

async function main() {
  const modulesYaml = join(ROOT, "node_modules/.modules.yaml");
  const untouched = statSync(modulesYaml).mtimeMs;
  // Inside the namespace the public registry must be unreachable: nothing can be published there.
  const sealed = await fetch("https://registry.npmjs.org/", { signal: AbortSignal.timeout(5000) }).then(
    () => false,
    () => true,
  );
  if (!sealed) fail("registry.npmjs.org is reachable: run this inside tooling/scripts/loopback.sh");
  const registryEnv = {
    npm_config_registry: REGISTRY,
    NPM_CONFIG_REGISTRY: REGISTRY,
    npm_config_verify_deps_before_run: "false",
  };
  const token = await startRegistry();
  lap("registry");
  const npmEnv = {
    ...registryEnv,
    npm_config_cache: join(tmp, "npm-cache"),
    [`npm_config_//127.0.0.1:${PORT}/:_authToken`]: token,
    npm_config_update_notifier: "false",
  };
  const deps = await preloadDependencies(npmEnv);
  lap("dependencies");

  const ws = await copyWorkspace(token);
  const env = { ...npmEnv, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  const configured = (await must("pnpm", ["config", "get", "registry"], ws, env)).trim();
  if (configured !== REGISTRY) fail(`the copy's registry is ${configured}, not ${REGISTRY}`);
  const before = membersOf(ws);
  lap("copy");

  await must("pnpm", ["changeset", "version"], ws, env);
  const after = membersOf(ws);
  const versions = [...new Set(after.map((m) => m.version))];
  if (after.length !== 9 || versions.length !== 1 || versions[0] === before[0]?.version)
    fail(`changeset version: ${JSON.stringify(after)}`);
  const version = versions[0] as string;
  lap("version");

  const release = await must("pnpm", ["release"], ws, env, 240_000);
  lap("release");

  const published: Record<string, string[]> = {};
  for (const m of after) {
    const r = await fetch(`${REGISTRY}${m.name.replace("/", "%2f")}`);
    published[m.name] = r.ok ? Object.keys(((await r.json()) as { versions: object }).versions) : [];
  }

  const consumer = join(tmp, "consumer");
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  writeFileSync(join(consumer, ".npmrc"), `registry=${REGISTRY}\n`);
  await must(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", ...PUBLISHED.map((p) => `${p}@${version}`)],
    consumer,
    npmEnv,
    120_000,
  );
  const installed = Object.fromEntries(
    ["@sealroom/prefix-tree", "@sealroom/manifest", "@sealroom/hash-chain", "@noble/hashes"].map((n) => [
      n,
      JSON.parse(readFileSync(join(consumer, "node_modules", n, "package.json"), "utf8")).version,
    ]),
  );
  lap("install");
  const examples = await runExamples(ws, consumer, version, npmEnv);
  lap("examples");
  if (statSync(modulesYaml).mtimeMs !== untouched)
    fail("the workspace's node_modules changed during the test");
  const summary = {
    registry: configured,
    version,
    members: after,
    before: before.map((m) => m.version),
    published,
    deps,
    installed,
    sealed,
    examples,
    releaseLog: release
      .replace(/\u001b\[[0-9;]*[A-Za-z]/g, "\n")
      .split("\n")
      .filter((l) => /@sealroom\/\S+@\d/.test(l))
      .map((l) => l.trim())
      .slice(0, 20),
    timings,
  };
  process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
}

// Own deadline, below the test's: on expiry the finally block still stops verdaccio and cleans up.
const DEADLINE_MS = Number(process.env.SEALROOM_RELEASE_DEADLINE_MS ?? 540_000);
let deadline: NodeJS.Timeout | undefined;
try {
  await Promise.race([
    main(),
    new Promise((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`release flow exceeded ${DEADLINE_MS} ms`)), DEADLINE_MS);
    }),
  ]);
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? e}\ntimings (ms since start): ${JSON.stringify(timings)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  verdaccio?.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
}
// Children still running after a failure (a build, an install) must not keep this process alive.
process.exit(process.exitCode ?? 0);
