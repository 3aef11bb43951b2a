/**
 * Runs one `sealroom` command line in-process (`runCli`) and collects what it printed: the way the
 * CLI tests drive every command. `list` swaps the command table; `onOut` sees each stdout write as it
 * happens (to act between the checks of `monitor --watch`).
 */
import { type Command, runCli } from "../../src/cli/commands.ts";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(
  args: string[],
  o: { list?: Command[]; onOut?: (text: string) => void } = {},
): Promise<CliRun> {
  let out = "";
  let err = "";
  const io = {
    out: (t: string) => {
      out += t;
      o.onOut?.(t);
    },
    err: (t: string) => {
      err += t;
    },
  };
  const code = await runCli(args, o.list, io);
  return { code, out, err };
}
