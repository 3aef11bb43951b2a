/**
 * The `sealroom` command table and dispatcher (Node only). A command is a name path (`["manifest",
 * "build"]`), a usage line and a `run` function; service commands are added by appending entries.
 */

import { appendCommand } from "./append.ts";
import { enrollCommand } from "./enroll.ts";
import { CliError } from "./errors.ts";
import { keygenCommand } from "./keygen.ts";
import { manifestBuildCommand } from "./manifest-build.ts";
import { monitorCommand } from "./monitor.ts";
import { preloadFetchCommand } from "./preload.ts";
import { uploadCommand } from "./upload.ts";
import { verifyCommand } from "./verify.ts";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface Command {
  path: string[];
  usage: string;
  summary: string;
  run: (args: string[], io: CliIo) => Promise<number>;
}

export const commands: Command[] = [
  manifestBuildCommand,
  verifyCommand,
  keygenCommand,
  enrollCommand,
  appendCommand,
  uploadCommand,
  monitorCommand,
  preloadFetchCommand,
];

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function usage(list: Command[]): string {
  return `usage:\n${list.map((c) => `  sealroom ${c.usage}\n      ${c.summary}`).join("\n")}\n`;
}

/** `--help` or `-h` among the options (before a `--` terminator). */
function asksHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** Runs one command line; returns the exit status. Never throws for expected failures. */
export async function runCli(
  argv: string[],
  list: Command[] = commands,
  io: CliIo = defaultIo,
): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.out(usage(list));
    return argv.length === 0 ? 2 : 0;
  }
  const cmd = list.find((c) => c.path.every((p, i) => argv[i] === p));
  if (cmd && asksHelp(argv.slice(cmd.path.length))) {
    // Every command prints its own usage, whatever else is on the line.
    io.out(usage([cmd]));
    return 0;
  }
  if (!cmd && asksHelp(argv)) {
    // A command group (`sealroom manifest --help`): the usage of the commands under it.
    const words = argv.slice(
      0,
      argv.findIndex((a) => a.startsWith("-")),
    );
    const group = list.filter((c) => words.length > 0 && words.every((w, i) => c.path[i] === w));
    if (group.length > 0) {
      io.out(usage(group));
      return 0;
    }
  }
  if (!cmd) {
    io.err(`sealroom: unknown command "${argv.slice(0, 2).join(" ")}"\n${usage(list)}`);
    return 2;
  }
  const rest = argv.slice(cmd.path.length);
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`sealroom ${cmd.path.join(" ")}: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.err(`sealroom ${cmd.path.join(" ")}: ${err?.message ?? String(e)}\n`);
    if (process.env.SEALROOM_DEBUG === "1") io.err(`${err?.stack ?? ""}\n`);
    return 2;
  }
}
