/**
 * The committed record of mutation results: `packages/<pkg>/mutation/results.json`.
 *
 * Stryker's reports live in the git-ignored `.mutation/` folder and are lost with the machine, while
 * measuring all of a package's `src` takes hours, more than one sitting. `summary.mjs --record`
 * therefore writes, per source file, what its newest local report found into this file, and the
 * summary falls back to it for files with no local report, so the table can cover all of `src`
 * across machines. One entry per file:
 *
 *   {
 *     "run": "2026-12-03 18:40",        UTC time of the report (its file time)
 *     "commit": "cc67705d1e2f",          HEAD when recorded ("+" appended if the file had uncommitted changes)
 *     "sha256": "…",                      hex SHA-256 of the source the report mutated
 *     "partial": true,                    only when the run was stopped early
 *     "killed": 412, "message": 20, "static": 3, "errors": 0,
 *     "survivors": [{ "line": 182, "mutator": "ConditionalExpression", "original": "cap === 0",
 *                     "replacement": "false", "noCoverage": true }]
 *   }
 *
 * Survivors keep their text so the reviewed list (`equivalent.json`) is matched at print time, as for
 * a local report. A source whose SHA-256 no longer matches is shown as changed since its run: its
 * figures describe older code until the file is measured again.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Whitespace runs as one space (how survivors and equivalent.json entries are compared). */
export const oneLine = (s) => s.replace(/\s+/g, " ").trim();

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

export const sha256Hex = (text) => createHash("sha256").update(text).digest("hex");

/**
 * One file of a Stryker report (mutation-testing-report schema) as a record entry. Mutants a stopped
 * run never reached (Pending) are left out and mark the entry partial.
 */
export function entryFromReport(data, run, commit) {
  const e = {
    run,
    commit,
    sha256: sha256Hex(data.source),
    killed: 0,
    message: 0,
    static: 0,
    errors: 0,
    survivors: [],
  };
  for (const m of data.mutants) {
    if (m.status === "Killed" || m.status === "Timeout") e.killed++;
    else if (m.status === "Ignored") {
      if (/static/i.test(m.statusReason ?? "")) e.static++;
      else e.message++;
    } else if (m.status === "CompileError" || m.status === "RuntimeError") e.errors++;
    else if (m.status === "Survived" || m.status === "NoCoverage") {
      const s = {
        line: m.location.start.line,
        mutator: m.mutatorName,
        original: oneLine(originalText(data.source, m.location)),
        replacement: oneLine(m.replacement ?? ""),
      };
      if (m.status === "NoCoverage") s.noCoverage = true;
      e.survivors.push(s);
    } else e.partial = true;
  }
  return e;
}

/** Mutants an entry counts (pending ones of a partial run excluded). */
export const entryMutants = (e) => e.killed + e.message + e.static + e.errors + e.survivors.length;

const recordPath = (pkgDir) => join(pkgDir, "mutation", "results.json");

/** The package's recorded entries by source path ({} when it has none). */
export function readRecord(pkgDir) {
  const p = recordPath(pkgDir);
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")).files : {};
}

/** Writes the entries (sorted by path), replacing the file whole (written aside, then renamed). */
export function writeRecord(pkgDir, files) {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  const doc = {
    $comment:
      "Mutation results per source file, written by `node tooling/mutate/summary.mjs --record` from the newest local Stryker report of each file (format: tooling/mutate/results-record.mjs). Read by the summary for files with no local report.",
    files: sorted,
  };
  const p = recordPath(pkgDir);
  writeFileSync(`${p}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${p}.tmp`, p);
}
