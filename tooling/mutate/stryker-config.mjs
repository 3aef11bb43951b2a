/**
 * Shared Stryker configuration for one package (see docs in the repo README, "Mutation testing").
 *
 * A package's `stryker.config.mjs` calls `strykerConfig({ ... })`. Everything Stryker writes stays
 * in the package's git-ignored `.mutation/` folder:
 *   - `.mutation/reports/<set>.json` and `.html`: the report of the last run of a file set
 *     (`all` = the package's whole mutate list),
 *   - `.mutation/incremental/<set>.json`: Stryker's incremental state, so a re-run only re-tests
 *     mutants whose code or covering tests changed,
 *   - `.mutation/tmp/`: Stryker's sandboxes.
 * `SEALROOM_MUTATE_FILES` (comma-separated paths, set by `tooling/mutate/run.mjs --files`) narrows
 * the run to some files; it gets its own report and incremental file so a narrow run never throws
 * away the state of a full one; its first run starts from the full run's incremental state (copied),
 * so results already known for those files are reused. The summary (`summary.mjs`) merges the
 * newest result of each file.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ignorer = fileURLToPath(new URL("./stryker-message-ignorer.mjs", import.meta.url));

/**
 * @param {{ mutate: string[], vitestConfig?: string, timeoutMS?: number, alone?: Record<string, string> }} options
 *   mutate: globs of source files to mutate (relative to the package);
 *   vitestConfig: the vitest config used while mutating (a fast-test config when the full suite
 *   runs long explorations); timeoutMS: extra time allowed per mutant run;
 *   alone: for a file that every test covers (a hash function), the vitest config used when that
 *   file is mutated alone (`--files <it>`): its own tests only; a key may also name several files,
 *   comma-separated in `--files` order (`"src/a.ts,src/b.ts"`), for a set mutated together. Leaving tests out can only let more
 *   mutants survive, never fewer, so the score stays honest; it saves running the whole suite per
 *   surviving mutant and a timeout computed from the whole suite per looping one.
 */
export function strykerConfig({ mutate, vitestConfig = "vitest.config.ts", timeoutMS = 5_000, alone = {} }) {
  const files = (process.env.SEALROOM_MUTATE_FILES ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  const aloneConfig = alone[files.join(",")];
  if (aloneConfig) vitestConfig = aloneConfig;
  const set = files.length === 0 ? "all" : setName(files);
  const incrementalFile = `.mutation/incremental/${set}.json`;
  // The summary reads which files a narrow set mutates (its report also carries the other files'
  // results copied from the full run's state, which this run did not re-test).
  mkdirSync(".mutation/sets", { recursive: true });
  writeFileSync(`.mutation/sets/${set}.json`, JSON.stringify(files));
  if (set !== "all" && !existsSync(incrementalFile) && existsSync(".mutation/incremental/all.json")) {
    mkdirSync(".mutation/incremental", { recursive: true });
    copyFileSync(".mutation/incremental/all.json", incrementalFile);
  }
  return {
    $schema:
      "https://raw.githubusercontent.com/stryker-mutator/stryker/master/packages/api/schema/stryker-core.json",
    packageManager: "pnpm",
    testRunner: "vitest",
    plugins: ["@stryker-mutator/vitest-runner", ignorer],
    vitest: { configFile: vitestConfig, related: false },
    coverageAnalysis: "perTest",
    mutate: files.length === 0 ? mutate : files,
    ignorers: ["message-strings"],
    // `--no-static` (run.mjs): skip static mutants (module-level constants), each of which needs the
    // whole suite; they are then reported as not run, never as killed.
    ignoreStatic: process.env.SEALROOM_MUTATE_IGNORE_STATIC === "1",
    // The machine is shared: one test process at a time (run.mjs also runs Stryker under nice).
    concurrency: 1,
    timeoutMS,
    incremental: true,
    incrementalFile,
    tempDirName: ".mutation/tmp",
    cleanTempDir: true,
    ignorePatterns: [".mutation", ".reports", "bench", "dist", "coverage", ".turbo"],
    reporters: ["html", "json", "progress-append-only"],
    htmlReporter: { fileName: `.mutation/reports/${set}.html` },
    jsonReporter: { fileName: `.mutation/reports/${set}.json` },
    thresholds: { high: 90, low: 80, break: null },
  };
}

/** A short stable name for a set of files: "tree-event+replay" or a hash when long. */
function setName(files) {
  const base = files.map((f) => f.replace(/^.*\//, "").replace(/\.[^.]+$/, "")).join("+");
  if (base.length <= 60 && /^[\w.+-]+$/.test(base)) return base;
  return `set-${createHash("sha256").update(files.join(",")).digest("hex").slice(0, 12)}`;
}
