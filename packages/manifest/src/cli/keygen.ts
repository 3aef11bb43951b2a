/**
 * `sealroom keygen <name> [--out prefix]`: a new witness (cosigner) key pair as signed-note key text
 * (Node only). The verifier key `<name>+<keyid>+base64(0x06 || pubkey)` is what clients pass to
 * `verify --witness`; the signer key `PRIVATE+KEY+…` is what the witness keeps (written 0600).
 * Key generation and formats come from @sealroom/prefix-tree's cosignature API.
 */

import { unlink, writeFile } from "node:fs/promises";
import {
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  generateCosignerKey,
} from "@sealroom/prefix-tree/note";
import { generateAppendKey } from "../append-auth.ts";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";

const usage = "keygen <name> [--append] [--out prefix]";

export const keygenCommand: Command = {
  path: ["keygen"],
  usage,
  summary:
    "generate a witness cosigner key (or with --append a site's append key, named after its domain) (signed-note vkey and skey text; --out writes prefix.vkey and prefix.skey)",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      { out: { type: "string" }, append: { type: "boolean" } },
      usage,
    );
    if (positionals.length !== 1) throw new CliError(`expected one key name\nusage: sealroom ${usage}`);
    const name = positionals[0]!;
    let vkey: string;
    let skey: string;
    try {
      if (values.append === true) {
        // A site's append key (Ed25519 note key, type 0x01) named after its domain: the vkey goes
        // into /.well-known/waict-enroll as "append_key" (append-auth.ts).
        ({ verifierKey: vkey, signerKey: skey } = generateAppendKey(name));
      } else {
        const key = generateCosignerKey(name);
        vkey = formatCosignerVerifierKey(key);
        skey = formatCosignerSignerKey(key);
      }
    } catch (e) {
      throw new CliError(`key name ${JSON.stringify(name)}: ${(e as Error).message}`);
    }
    if (typeof values.out === "string") {
      const prefix = values.out;
      // Never overwrites: both files are created exclusively, and a vkey that cannot be created
      // takes the new skey with it (a key pair is written whole or not at all).
      const refused = (e: unknown) =>
        new CliError(`${(e as Error).message} (keygen never overwrites a key file)`);
      await writeFile(`${prefix}.skey`, `${skey}\n`, { mode: 0o600, flag: "wx" }).catch((e) => {
        throw refused(e);
      });
      await writeFile(`${prefix}.vkey`, `${vkey}\n`, { flag: "wx" }).catch(async (e) => {
        await unlink(`${prefix}.skey`);
        throw refused(e);
      });
      io.err(`wrote ${prefix}.skey (secret, mode 0600) and ${prefix}.vkey\n`);
      io.out(`${vkey}\n`);
    } else {
      io.out(`${vkey}\n${skey}\n`);
    }
    return 0;
  },
};
