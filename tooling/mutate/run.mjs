#!/usr/bin/env node
/**
 * `pnpm mutate`: Stryker mutation testing, one package at a time, under `nice -n 15` with one test
 * process (the machine is shared), then the summary table.
 *
 *   pnpm mutate                          every package with a stryker.config.mjs, one after another
 *   pnpm mutate hash-chain prefix-tree   those packages
 *   pnpm --filter @sealroom/<pkg> mutate [-- --files src/a.ts,src/b.ts]   one package (from its dir)
 *   --files a,b   only those source files (own report + incremental state, see stryker-config.mjs)
 *   --no-static   skip static mutants (module-level constants: each needs the whole suite, most
 *                 of a run's time); the table counts them as "static, not run"
 *   --force       re-test every mutant of the set, not only those whose code or covering tests
 *                 changed (needed after a test for a static mutant: see the README)
 *   --summary     print the table from the existing reports without running Stryker (after a run,
 *                 the table is printed with `--record`: see summary.mjs and results-record.mjs)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const stryker = join(root, "node_modules", ".bin", "stryker");
const summary = fileURLToPath(new URL("./summary.mjs", import.meta.url));

const args = process.argv.slice(2);
let files = "";
let summaryOnly = false;
let noStatic = false;
let force = false;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--") continue;
  if (args[i] === "--files") files = args[++i] ?? "";
  else if (args[i].startsWith("--files=")) files = args[i].slice("--files=".length);
  else if (args[i] === "--summary") summaryOnly = true;
  else if (args[i] === "--no-static") noStatic = true;
  else if (args[i] === "--force") force = true;
  else names.push(args[i]);
}

const all = readdirSync(join(root, "packages"))
  .filter((p) => existsSync(join(root, "packages", p, "stryker.config.mjs")))
  .sort();
const cwd = process.cwd();
let packages;
if (names.length > 0) packages = names.map((n) => n.replace(/^@sealroom\//, ""));
else if (existsSync(join(cwd, "stryker.config.mjs")) && resolve(cwd) !== root) packages = [basename(cwd)];
else packages = all;
for (const p of packages) {
  if (!all.includes(p)) {
    console.error(`no packages/${p}/stryker.config.mjs (packages with one: ${all.join(", ")})`);
    process.exit(2);
  }
}
if (files && packages.length !== 1) {
  console.error("--files needs exactly one package");
  process.exit(2);
}

let failed = false;
if (!summaryOnly) {
  for (const p of packages) {
    const dir = join(root, "packages", p);
    console.log(`\n== mutate @sealroom/${p}${files ? ` (${files})` : ""}`);
    const r = spawnSync(
      "nice",
      ["-n", "15", stryker, "run", "stryker.config.mjs", ...(force ? ["--force"] : [])],
      {
        cwd: dir,
        stdio: "inherit",
        env: {
          ...process.env,
          SEALROOM_MUTATE_FILES: files,
          SEALROOM_MUTATE_IGNORE_STATIC: noStatic ? "1" : "",
        },
      },
    );
    if (r.status !== 0) {
      console.error(`stryker failed in packages/${p} (exit ${r.status ?? r.signal})`);
      failed = true;
    }
  }
}
// After a run, the summary also records each file's newest result in mutation/results.json.
const s = spawnSync(process.execPath, [summary, ...packages, ...(summaryOnly ? [] : ["--record"])], {
  cwd: root,
  stdio: "inherit",
});
process.exit(failed || s.status !== 0 ? 1 : 0);
