/**
 * `sealroom upload <dir> --service <url> --key <file>`: uploads every file of a build output to
 * the service's asset host (`PUT /upload/sha256-<b64u>`, signed with the domain's append key over
 * (domain, digest); append-auth.ts). The domain is the append key's name. Node only.
 */

import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encodeBase64, encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { DOMAIN_HEADER, SIGNATURE_HEADER, signUpload } from "../append-auth.ts";
import { listFiles } from "../build-manifest-node.ts";
import { sha256 } from "../sha256.ts";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";
import { failureText, readAppendKey, request, serviceUrl } from "./service.ts";

const usage = "upload <dir> --service <url> --key <file> [--json]";

export const uploadCommand: Command = {
  path: ["upload"],
  usage,
  summary:
    "upload every file of a directory to the service's asset host, signed with the domain's append key",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      { service: { type: "string" }, key: { type: "string" }, json: { type: "boolean" } },
      usage,
    );
    if (positionals.length !== 1) throw new CliError(`expected one directory\nusage: sealroom ${usage}`);
    const dir = resolve(positionals[0]!);
    if (!(await stat(dir).catch(() => undefined))?.isDirectory())
      throw new CliError(`${dir}: not a directory`);
    const service = serviceUrl(values.service);
    const key = await readAppendKey(values.key);
    const domain = key.name;
    const files = await listFiles(dir);
    const done: { path: string; digest: string; size: number }[] = [];
    for (const [i, path] of files.entries()) {
      const body = new Uint8Array(await readFile(join(dir, path)));
      const digest = sha256(body);
      const name = `sha256-${encodeBase64UrlNoPad(digest)}`;
      const sig = encodeBase64(signUpload(key, { domain, digest }));
      const res = await request(`${service}/upload/${name}`, {
        method: "PUT",
        body,
        headers: { [DOMAIN_HEADER]: domain, [SIGNATURE_HEADER]: sig },
      });
      if (res.status !== 201) throw new CliError(`${path}: ${await failureText(res)}`);
      await res.body?.cancel();
      done.push({ path, digest: name, size: body.length });
      io.err(`[${i + 1}/${files.length}] ${path} -> ${name}\n`);
    }
    if (values.json === true) io.out(`${JSON.stringify({ domain, uploaded: done })}\n`);
    else
      io.out(`uploaded ${done.length} files (${done.reduce((a, f) => a + f.size, 0)} bytes) for ${domain}\n`);
    return 0;
  },
};
