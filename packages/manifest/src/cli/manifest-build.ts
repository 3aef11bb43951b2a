/** `sealroom manifest build <dir> [--out file] [--sri]` (Node only). */

import { stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { buildManifest } from "../build-manifest-node.ts";
import { serializeManifest } from "../manifest.ts";
import { resourceHashOf } from "../resource-hash.ts";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";

const usage = "manifest build <dir> [--out file] [--sri]";

export const manifestBuildCommand: Command = {
  path: ["manifest", "build"],
  usage,
  summary:
    "hash every file of a build output into a WAICT v2 manifest (--sri adds integrity attributes to the HTML first)",
  async run(args, io) {
    const { values, positionals } = parse(args, { out: { type: "string" }, sri: { type: "boolean" } }, usage);
    if (positionals.length !== 1) throw new CliError(`expected one directory\nusage: sealroom ${usage}`);
    const dir = resolve(positionals[0]!);
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) throw new CliError(`${dir}: not a directory`);
    const out = typeof values.out === "string" ? resolve(values.out) : undefined;
    const { manifest, rewritten } = await buildManifest(dir, {
      sri: values.sri === true,
      exclude: out ? [out] : [],
    });
    const line = serializeManifest(manifest);
    const bytes = new TextEncoder().encode(line);
    if (out) {
      // The file holds exactly the bytes to serve as the manifest line (no trailing newline), so
      // its resource hash is the one printed here.
      await writeFile(out, bytes).catch((e: Error) => {
        throw new CliError(`${out}: ${e.message}`);
      });
      io.err(`wrote ${out}: ${Object.keys(manifest.hashes).length} entries, ${bytes.length} bytes\n`);
    } else io.out(`${line}\n`);
    if (rewritten.length > 0) io.err(`added SRI attributes to ${rewritten.map((f) => f.path).join(", ")}\n`);
    io.err(`resource_hash ${encodeBase64(resourceHashOf(bytes))}\n`);
    return 0;
  },
};
