/** Argument parsing shared by the commands (node:util parseArgs), mapping its errors to `CliError`. */

import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError } from "./errors.ts";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
  usage: string,
): { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return {
      values: r.values as Record<string, string | boolean | string[] | undefined>,
      positionals: r.positionals,
    };
  } catch (e) {
    throw new CliError(`${(e as Error).message}\nusage: sealroom ${usage}`);
  }
}
