/**
 * `sealroom keygen <name> [--out prefix]`: a new witness (cosigner) key pair as signed-note key text
 * (Node only). The verifier key `<name>+<keyid>+base64(0x06 || pubkey)` is what clients pass to
 * `verify --witness`; the signer key `PRIVATE+KEY+…` is what the witness keeps (written 0600).
 * Key generation and formats come from @sealroom/prefix-tree's cosignature API.
 */

import { writeFile } from "node:fs/promises";
import {
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  generateCosignerKey,
} from "@sealroom/prefix-tree";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";

const usage = "keygen <name> [--out prefix]";

export const keygenCommand: Command = {
  path: ["keygen"],
  usage,
  summary:
    "generate a witness cosigner key (signed-note vkey and skey text; --out writes prefix.vkey and prefix.skey)",
  async run(args, io) {
    const { values, positionals } = parse(args, { out: { type: "string" } }, usage);
    if (positionals.length !== 1) throw new CliError(`expected one key name\nusage: sealroom ${usage}`);
    const name = positionals[0]!;
    let key: ReturnType<typeof generateCosignerKey>;
    try {
      key = generateCosignerKey(name);
    } catch (e) {
      throw new CliError(`key name ${JSON.stringify(name)}: ${(e as Error).message}`);
    }
    const vkey = formatCosignerVerifierKey(key);
    const skey = formatCosignerSignerKey(key);
    if (typeof values.out === "string") {
      const prefix = values.out;
      try {
        await writeFile(`${prefix}.skey`, `${skey}\n`, { mode: 0o600, flag: "wx" });
        await writeFile(`${prefix}.vkey`, `${vkey}\n`, { flag: "wx" });
      } catch (e) {
        throw new CliError(`${(e as Error).message} (keygen never overwrites a key file)`);
      }
      io.err(`wrote ${prefix}.skey (secret, mode 0600) and ${prefix}.vkey\n`);
      io.out(`${vkey}\n`);
    } else {
      io.out(`${vkey}\n${skey}\n`);
    }
    return 0;
  },
};
