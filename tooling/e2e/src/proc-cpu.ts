/**
 * CPU time of a test browser, read from Linux /proc: the processes started with a profile directory
 * (`--user-data-dir=<profile>`) and every descendant (renderer, GPU, network, audio, utility).
 */
import { readdirSync, readFileSync } from "node:fs";

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  cmd: string;
}

function listProcs(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      // Fields after "(comm)": state ppid ... utime(12th) stime(13th) counted from state = 1.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({
        pid: Number(d),
        ppid: Number(f[1]),
        ticks: Number(f[11]) + Number(f[12]),
        cmd: readFileSync(`/proc/${d}/cmdline`, "utf8"),
      });
    } catch {
      // the process exited while we listed
    }
  }
  return out;
}

/** Total CPU seconds (user + system) of every process descending from the Chromium using `profile`. */
export function chromiumCpuSeconds(profile: string): number {
  const procs = listProcs();
  const tree = new Set(procs.filter((p) => p.cmd.includes(`--user-data-dir=${profile}`)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs)
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  let ticks = 0;
  for (const p of procs) if (tree.has(p.pid)) ticks += p.ticks;
  return ticks / 100; // USER_HZ is 100 on Linux
}
