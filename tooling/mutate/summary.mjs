#!/usr/bin/env node
/**
 * Summary of the last mutation runs: one row per package, with the date and commit.
 *
 *   node tooling/mutate/summary.mjs [pkg ...] [--survivors] [--record] [--only <prefix,…>]
 *
 * Reads every `packages/<pkg>/.mutation/reports/*.json` (Stryker's mutation-testing-report schema)
 * and keeps, per source file, the newest report that holds it, so a narrow `--files` run updates
 * only its files. Files with no local report are taken from the committed record
 * `packages/<pkg>/mutation/results.json` (results-record.mjs), which `--record` updates from the
 * local reports, so the table covers files measured on other machines too. Columns:
 *   files       source files of `src/` with a result / all of them; "(n changed)": the source
 *               changed since its result was measured (listed below the table: re-run them)
 *   mutants     every mutant Stryker generated in those files (compile/runtime errors included)
 *   killed      killed by a failing test or a timeout
 *   survived    survived or not covered by any test, minus the reviewed equivalent ones
 *   equivalent  survivors listed in `packages/<pkg>/mutation/equivalent.json` (with the reason)
 *   message     mutants of error-message text only: ignored by the `message-strings` ignorer, or
 *               listed in equivalent.json with `"kind": "message"` (e.g. a field name that only
 *               ends up in a message)
 *               (`"kind": "killed-outside"`: a survivor that a test left out of the mutation config,
 *               too slow instrumented, kills, or a static mutant Stryker does not re-evaluate; checked
 *               by hand, counted as killed and noted below)
 *   score       killed / (killed + survived): the share of non-equivalent mutants killed
 *   runs        when the results were measured (a range when they come from several days)
 * `--survivors` lists every surviving mutant (file:line mutator `original` -> `replacement`).
 * `--only <prefix,…>` counts only the source files whose path starts with one of the prefixes (a
 * file set's row, e.g. `--only src/cli/,src/cli.ts`; `--only !src/cli` counts all but those).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  entryFromReport,
  entryMutants,
  oneLine,
  readRecord,
  sha256Hex,
  writeRecord,
} from "./results-record.mjs";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const args = process.argv.slice(2);
const showSurvivors = args.includes("--survivors");
const record = args.includes("--record");
const onlyAt = args.indexOf("--only");
const onlyArg = onlyAt >= 0 ? (args.splice(onlyAt, 2)[1] ?? "") : "";
const onlyPrefixes = onlyArg.split(",").filter(Boolean);
/** Whether `--only` keeps this source file (`!prefix` leaves matching files out). */
function kept(file) {
  if (onlyPrefixes.length === 0) return true;
  const include = onlyPrefixes.filter((p) => !p.startsWith("!"));
  const exclude = onlyPrefixes.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  if (exclude.some((p) => file.startsWith(p))) return false;
  return include.length === 0 || include.some((p) => file.startsWith(p));
}
let names = args.filter((a) => !a.startsWith("--")).map((n) => n.replace(/^@sealroom\//, ""));
if (names.length === 0) {
  names = readdirSync(join(root, "packages"))
    .filter((p) => existsSync(join(root, "packages", p, "stryker.config.mjs")))
    .sort();
}

const git = (...a) => {
  try {
    return execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
};
const commit = git("rev-parse", "--short=12", "HEAD");
const dirty = git("status", "--porcelain", "--", "packages") !== "" ? " (+ uncommitted changes)" : "";

const rows = [];
const survivorLines = [];
const warnings = [];
const changedLines = [];

// Source files of a package's `src/` (every package mutates `src/**/*.ts`).
function sourceFiles(dir, sub = "src") {
  const out = [];
  for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = `${sub}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(dir, rel));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}
const stamp = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

for (const name of names) {
  const dir = join(root, "packages", name);
  const reportsDir = join(dir, ".mutation", "reports");
  const incrementalDir = join(dir, ".mutation", "incremental");
  const listJson = (d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".json")) : []);
  // A run stopped with Ctrl-C writes only its incremental file (the mutants tested so far): use it
  // when it is newer than that file set's last complete report (its entries are then partial).
  const reports = [];
  for (const f of new Set([...listJson(reportsDir), ...listJson(incrementalDir)])) {
    const report = join(reportsDir, f);
    const incremental = join(incrementalDir, f);
    const rt = existsSync(report) ? statSync(report).mtimeMs : -1;
    const it = existsSync(incremental) ? statSync(incremental).mtimeMs : -1;
    if (it > rt + 60_000) reports.push({ path: incremental, mtime: it, partial: true });
    else if (rt >= 0) reports.push({ path: report, mtime: rt, partial: false });
  }
  reports.sort((a, b) => a.mtime - b.mtime);
  /** @type {Map<string, any>} file -> newest local entry */
  const local = new Map();
  // Source files with uncommitted changes (one git call per package; paths relative to the package).
  const changedHere = new Set(
    git("status", "--porcelain", "--", join("packages", name))
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3).replace(`packages/${name}/`, "")),
  );
  for (const r of reports) {
    const json = JSON.parse(readFileSync(r.path, "utf8"));
    // A narrow set's report also carries results of other files copied from the full run's state:
    // keep only the files the set mutated (listed by stryker-config.mjs; [] means all).
    const setList = join(dir, ".mutation", "sets", r.path.replace(/^.*[\\/]/, ""));
    const only = existsSync(setList) ? JSON.parse(readFileSync(setList, "utf8")) : [];
    for (const [file, data] of Object.entries(json.files)) {
      if (only.length > 0 && !only.includes(file)) continue;
      const e = entryFromReport(data, stamp(r.mtime), `${commit}${changedHere.has(file) ? "+" : ""}`);
      if (r.partial) e.partial = true;
      local.set(file, e);
    }
    // A complete run lists only files with mutants: the other files it mutated (types and
    // re-exports only) have nothing to mutate, which is a result too (0 mutants), for files not
    // changed since that run.
    if (!r.partial) {
      for (const file of only.length === 0 ? sourceFiles(dir) : only) {
        if (json.files[file] || statSync(join(dir, file)).mtimeMs > r.mtime) continue;
        const data = { source: readFileSync(join(dir, file), "utf8"), mutants: [] };
        local.set(file, entryFromReport(data, stamp(r.mtime), commit));
      }
    }
  }
  // The committed record fills in files with no local report; a newer local entry replaces it (a
  // partial one only a partial or older-code entry).
  const recorded = readRecord(dir);
  const merged = { ...recorded };
  for (const [file, e] of local) {
    const old = recorded[file];
    if (old && old.run > e.run) continue;
    if (old && e.partial && !old.partial && old.sha256 === e.sha256) continue;
    merged[file] = e;
  }
  if (record && local.size > 0) writeRecord(dir, merged);

  const sources = sourceFiles(dir).filter(kept);
  const files = Object.entries(merged)
    .filter(([file]) => kept(file) && sources.includes(file))
    .sort(([a], [b]) => a.localeCompare(b));
  if (files.length === 0) {
    rows.push({ name, missing: true, sources: sources.length });
    continue;
  }
  const eqPath = join(dir, "mutation", "equivalent.json");
  const equivalents = existsSync(eqPath) ? JSON.parse(readFileSync(eqPath, "utf8")).mutants : [];
  const used = new Set();
  const c = {
    mutants: 0,
    killed: 0,
    survived: 0,
    equivalent: 0,
    message: 0,
    static: 0,
    errors: 0,
    outside: 0,
  };
  let partial = false;
  let changed = 0;
  const runs = [];
  for (const [file, e] of files) {
    c.mutants += entryMutants(e);
    c.killed += e.killed;
    c.message += e.message;
    c.static += e.static;
    c.errors += e.errors;
    if (e.partial) partial = true;
    runs.push(e.run);
    if (e.sha256 !== sha256Hex(readFileSync(join(dir, file), "utf8"))) {
      changed++;
      changedLines.push(
        `${name}/${file} (run ${e.run}, ${local.has(file) ? "local report" : `recorded at ${e.commit}`})`,
      );
    }
    for (const s of e.survivors) {
      const eq = equivalents.findIndex(
        (q) =>
          q.file === file &&
          q.mutator === s.mutator &&
          oneLine(q.original) === s.original &&
          oneLine(q.replacement) === s.replacement &&
          (q.line === undefined || q.line === s.line),
      );
      if (eq >= 0) {
        if (equivalents[eq].kind === "message") c.message++;
        else if (equivalents[eq].kind === "killed-outside") {
          c.killed++;
          c.outside++;
        } else c.equivalent++;
        used.add(eq);
      } else {
        c.survived++;
        survivorLines.push(
          `${name}/${file}:${s.line} ${s.mutator}${s.noCoverage ? " (no coverage)" : ""} \`${s.original.slice(0, 100)}\` -> \`${s.replacement.slice(0, 100)}\``,
        );
      }
    }
  }
  equivalents.forEach((q, i) => {
    if (!used.has(i) && files.some(([f]) => f === q.file))
      warnings.push(
        `${name}: equivalent.json entry ${i} (${q.file} ${q.mutator} \`${q.original}\`) matches no survivor`,
      );
  });
  const score = c.killed + c.survived === 0 ? 100 : (100 * c.killed) / (c.killed + c.survived);
  runs.sort();
  const when =
    runs[0].slice(0, 10) === runs.at(-1).slice(0, 10)
      ? runs.at(-1)
      : `${runs[0].slice(0, 10)} .. ${runs.at(-1)}`;
  rows.push({
    name: partial ? `${name} (partial)` : name,
    files: `${files.length}/${sources.length}${changed > 0 ? ` (${changed} changed)` : ""}`,
    ...c,
    score,
    when,
  });
}

console.log(
  `\nMutation testing (Stryker), ${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty}`,
);
const header = [
  "package",
  "files",
  "mutants",
  "killed",
  "survived",
  "equivalent",
  "message",
  "static, not run",
  "errors",
  "score",
  "runs (UTC)",
];
const table = rows.map((r) =>
  r.missing
    ? [r.name, `0/${r.sources}`, "-", "-", "-", "-", "-", "-", "-", "no report", "-"]
    : [
        r.name,
        r.files,
        r.mutants,
        r.killed,
        r.survived,
        r.equivalent,
        r.message,
        r.static,
        r.errors,
        `${r.score.toFixed(1)} %`,
        r.when,
      ].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
console.log(line(header));
console.log(
  `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
);
for (const t of table) console.log(line(t));
console.log(
  "killed includes timeouts; survived includes uncovered mutants; equivalent = reviewed list in <pkg>/mutation/equivalent.json;\nmessage = error-message text only (ignored); static, not run = module-level mutants skipped with --no-static;\nerrors = mutants that do not compile or crash the runner (not scored); score = killed / (killed + survived);\n(partial) = a run was stopped early: only the mutants it tested are counted;\nfiles = files of src with a result (local report, or the committed mutation/results.json) / all of src.",
);
for (const r of rows)
  if (r.outside > 0)
    console.log(
      `${r.name}: killed includes ${r.outside} killed by hand (equivalent.json "killed-outside": a test left out of the mutation config, or a static mutant Stryker did not re-evaluate)`,
    );
for (const w of warnings) console.log(`warning: ${w}`);
if (changedLines.length > 0) {
  console.log(`\nChanged since measured (${changedLines.length}; their figures describe older code):`);
  for (const l of changedLines) console.log(`  ${l}`);
}
if (showSurvivors) {
  console.log(`\nSurvivors (${survivorLines.length}):`);
  for (const s of survivorLines) console.log(`  ${s}`);
}
