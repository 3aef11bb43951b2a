#!/usr/bin/env node
// Sums every vitest JSON report in the workspace (`<member>/.reports/*.json`, restored by turbo on a
// cache hit) and the turbo run summary, and prints the one closing line CI reads:
//   N passed, N failed[, N skipped]
// A non-test task that failed (build, typecheck, lint) counts as one failure, so a red build can
// never print "0 failed". Exit code: 0 only when nothing failed and at least one test ran.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2] ?? process.cwd();
const turboSummary = process.argv[3];

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];

for (const group of ["packages", "apps", "tooling"]) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const name of readdirSync(base)) {
    const dir = join(base, name, ".reports");
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
      const p = report.numPassedTests ?? 0;
      const f = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
      const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
      passed += p;
      failed += f;
      skipped += s;
      lines.push(
        `  ${`${group}/${name}/${file}`.padEnd(48)} ${String(p).padStart(6)} passed ${String(f).padStart(4)} failed`,
      );
    }
  }
}

if (turboSummary && existsSync(turboSummary)) {
  const summary = JSON.parse(readFileSync(turboSummary, "utf8"));
  for (const task of summary.tasks ?? []) {
    const code = task.execution?.exitCode;
    if (code !== 0 && code !== undefined && code !== null && task.task !== "test") {
      failed += 1;
      lines.push(`  ${task.taskId.padEnd(48)} task failed (exit ${code})`);
    }
  }
}

console.log("Test summary by report:");
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
