/**
 * `sealroom append <domain> --manifest <file> --key <file> --service <url>`: logs a new manifest
 * (waict-apis.md "Append to resource chain") signed with the domain's append key
 * (append-auth.ts), and prints the cosigned head. The manifest file holds the exact manifest line
 * (what `sealroom manifest build --out` writes); its resource hash is what is logged.
 * `--tombstone` logs the all-zero hash (unenrolment). Without `--position`, the next position is
 * learnt from the service's 409 answer (the only unauthenticated hint it gives). Node only.
 */

import { readFile } from "node:fs/promises";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { POSITION_HEADER, SIGNATURE_HEADER, signAppend } from "../append-auth.ts";
import { serializeNewEntryData } from "../new-entry-data.ts";
import { resourceHashOf } from "../resource-hash.ts";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";
import { answerWrite, domainArg, readAppendKey, request, serviceUrl } from "./service.ts";

const usage =
  "append <domain> (--manifest <file> | --tombstone) --key <file> --service <url> [--asset-host url …] [--position n] [--json]";

export const appendCommand: Command = {
  path: ["append"],
  usage,
  summary:
    "log a manifest (or a tombstone) for an enrolled domain, signed with its append key; prints the cosigned head",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        manifest: { type: "string" },
        tombstone: { type: "boolean" },
        key: { type: "string" },
        service: { type: "string" },
        "asset-host": { type: "string", multiple: true },
        position: { type: "string" },
        json: { type: "boolean" },
      },
      usage,
    );
    const domain = domainArg(positionals, usage);
    const service = serviceUrl(values.service);
    const key = await readAppendKey(values.key, domain);
    let resourceHash: Uint8Array;
    if (values.tombstone === true) {
      if (values.manifest !== undefined) throw new CliError("give --manifest or --tombstone, not both");
      resourceHash = new Uint8Array(32);
    } else {
      if (typeof values.manifest !== "string") throw new CliError("--manifest <file> is required");
      let line: Uint8Array;
      try {
        line = new Uint8Array(await readFile(values.manifest));
      } catch (e) {
        throw new CliError(`${values.manifest}: ${(e as Error).message}`);
      }
      if (line[line.length - 1] === 0x0a) line = line.subarray(0, -1);
      resourceHash = resourceHashOf(line);
    }
    const hosts = (values["asset-host"] as string[] | undefined) ?? [service];
    const body = new TextEncoder().encode(serializeNewEntryData({ resourceHash, assetHosts: hosts }));
    const send = (position: bigint) => {
      const sig = signAppend(key, { domain, position, body });
      return request(`${service}/append/${domain}`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          [POSITION_HEADER]: position.toString(),
          [SIGNATURE_HEADER]: encodeBase64(sig),
        },
      });
    };
    let position: bigint;
    if (typeof values.position === "string") {
      if (!/^(?:0|[1-9][0-9]*)$/.test(values.position)) throw new CliError("--position must be a decimal");
      position = BigInt(values.position);
    } else position = 0n;
    io.err(`appending to ${domain} at ${service} (waiting for witnesses)…\n`);
    let res = await send(position);
    if (res.status === 409 && typeof values.position !== "string") {
      const j = (await res.json()) as { position?: string };
      if (!j.position || !/^[0-9]+$/.test(j.position)) throw new CliError("409 without a position");
      position = BigInt(j.position);
      res = await send(position);
    }
    return answerWrite(res, io, values.json === true, { domain });
  },
};
