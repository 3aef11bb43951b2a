#!/usr/bin/env node
/**
 * Summary of the last mutation runs: one row per package, with the date and commit.
 *
 *   node tooling/mutate/summary.mjs [pkg ...] [--survivors]
 *
 * Reads every `packages/<pkg>/.mutation/reports/*.json` (Stryker's mutation-testing-report schema)
 * and keeps, per source file, the newest report that holds it, so a narrow `--files` run updates
 * only its files. Columns:
 *   mutants     every mutant Stryker generated in those files (compile/runtime errors included)
 *   killed      killed by a failing test or a timeout
 *   survived    survived or not covered by any test, minus the reviewed equivalent ones
 *   equivalent  survivors listed in `packages/<pkg>/mutation/equivalent.json` (with the reason)
 *   message     mutants of error-message text only: ignored by the `message-strings` ignorer, or
 *               listed in equivalent.json with `"kind": "message"` (e.g. a field name that only
 *               ends up in a message)
 *               (`"kind": "killed-outside"`: a survivor that a test left out of the mutation config,
 *               too slow instrumented, kills; checked by hand, counted as killed and noted below)
 *   score       killed / (killed + survived): the share of non-equivalent mutants killed
 * `--survivors` lists every surviving mutant (file:line mutator `original` -> `replacement`).
 * `--only <prefix,…>` counts only the source files whose path starts with one of the prefixes (a
 * file set's row, e.g. `--only src/cli/,src/cli.ts`; `--only !src/cli` counts all but those).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const args = process.argv.slice(2);
const showSurvivors = args.includes("--survivors");
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

/** The text a mutant replaces (report locations: 1-based lines and columns). */
function originalText(source, loc) {
  const lines = source.split("\n");
  const out = [];
  for (let l = loc.start.line; l <= loc.end.line; l++) {
    const text = lines[l - 1] ?? "";
    const from = l === loc.start.line ? loc.start.column - 1 : 0;
    const to = l === loc.end.line ? loc.end.column - 1 : text.length;
    out.push(text.slice(from, to));
  }
  return out.join("\n");
}

const oneLine = (s) => s.replace(/\s+/g, " ").trim();
const rows = [];
const survivorLines = [];
const warnings = [];

for (const name of names) {
  const dir = join(root, "packages", name);
  const reportsDir = join(dir, ".mutation", "reports");
  const incrementalDir = join(dir, ".mutation", "incremental");
  const listJson = (d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".json")) : []);
  // A run stopped with Ctrl-C writes only its incremental file (the mutants tested so far): use it,
  // flagged as partial, when it is newer than that file set's last complete report.
  const reports = [];
  let partial = false;
  for (const f of new Set([...listJson(reportsDir), ...listJson(incrementalDir)])) {
    const report = join(reportsDir, f);
    const incremental = join(incrementalDir, f);
    const rt = existsSync(report) ? statSync(report).mtimeMs : -1;
    const it = existsSync(incremental) ? statSync(incremental).mtimeMs : -1;
    if (it > rt + 60_000) {
      reports.push({ path: incremental, mtime: it });
      partial = true;
    } else if (rt >= 0) reports.push({ path: report, mtime: rt });
  }
  reports.sort((a, b) => a.mtime - b.mtime);
  if (reports.length === 0) {
    rows.push({ name, missing: true });
    continue;
  }
  /** @type {Map<string, any>} file -> newest report entry */
  const files = new Map();
  let newest = 0;
  for (const r of reports) {
    const json = JSON.parse(readFileSync(r.path, "utf8"));
    // A narrow set's report also carries results of other files copied from the full run's state:
    // keep only the files the set mutated (listed by stryker-config.mjs; [] means all).
    const setList = join(dir, ".mutation", "sets", r.path.replace(/^.*[\\/]/, ""));
    const only = existsSync(setList) ? JSON.parse(readFileSync(setList, "utf8")) : [];
    for (const [file, data] of Object.entries(json.files)) {
      if ((only.length === 0 || only.includes(file)) && kept(file)) files.set(file, data);
    }
    newest = Math.max(newest, r.mtime);
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
  for (const [file, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const m of data.mutants) {
      c.mutants++;
      if (m.status === "Killed" || m.status === "Timeout") c.killed++;
      else if (m.status === "Ignored") {
        if (/static/i.test(m.statusReason ?? "")) c.static++;
        else c.message++;
      } else if (m.status === "CompileError" || m.status === "RuntimeError") c.errors++;
      else if (m.status === "Survived" || m.status === "NoCoverage") {
        const original = oneLine(originalText(data.source, m.location));
        const replacement = oneLine(m.replacement ?? "");
        const eq = equivalents.findIndex(
          (e) =>
            e.file === file &&
            e.mutator === m.mutatorName &&
            oneLine(e.original) === original &&
            oneLine(e.replacement) === replacement &&
            (e.line === undefined || e.line === m.location.start.line),
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
            `${name}/${file}:${m.location.start.line} ${m.mutatorName}${m.status === "NoCoverage" ? " (no coverage)" : ""} \`${original.slice(0, 100)}\` -> \`${replacement.slice(0, 100)}\``,
          );
        }
      }
    }
  }
  equivalents.forEach((e, i) => {
    if (!used.has(i))
      warnings.push(
        `${name}: equivalent.json entry ${i} (${e.file} ${e.mutator} \`${e.original}\`) matches no survivor`,
      );
  });
  const score = c.killed + c.survived === 0 ? 100 : (100 * c.killed) / (c.killed + c.survived);
  const when = new Date(newest).toISOString().slice(0, 16).replace("T", " ");
  rows.push({ name: partial ? `${name} (partial)` : name, ...c, score, when });
}

console.log(
  `\nMutation testing (Stryker), ${new Date().toISOString().slice(0, 10)}, commit ${commit}${dirty}`,
);
const header = [
  "package",
  "mutants",
  "killed",
  "survived",
  "equivalent",
  "message",
  "static, not run",
  "errors",
  "score",
  "last run (UTC)",
];
const table = rows.map((r) =>
  r.missing
    ? [r.name, "-", "-", "-", "-", "-", "-", "-", "no report", "-"]
    : [
        r.name,
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
  "killed includes timeouts; survived includes uncovered mutants; equivalent = reviewed list in <pkg>/mutation/equivalent.json;\nmessage = error-message text only (ignored); static, not run = module-level mutants skipped with --no-static;\nerrors = mutants that do not compile or crash the runner (not scored); score = killed / (killed + survived);\n(partial) = a run was stopped early: only the mutants it tested are counted.",
);
for (const r of rows)
  if (r.outside > 0)
    console.log(
      `${r.name}: killed includes ${r.outside} killed by hand by tests left out of the mutation config (equivalent.json "killed-outside")`,
    );
for (const w of warnings) console.log(`warning: ${w}`);
if (showSurvivors) {
  console.log(`\nSurvivors (${survivorLines.length}):`);
  for (const s of survivorLines) console.log(`  ${s}`);
}
