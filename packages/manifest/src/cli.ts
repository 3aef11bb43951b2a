#!/usr/bin/env node
/**
 * `sealroom`: the command line of @sealroom/manifest (Node only).
 *
 *     sealroom manifest build <dir> [--out file] [--sri]
 *     sealroom verify <https://site> --service <domain> --witness <vkey> [--quorum n] [--max-age s] [--json]
 *     sealroom keygen <name> [--out prefix]
 *     sealroom preload fetch --service <url> --witness <vkey> [--store dir]
 *
 * Commands are entries of one table, so the service commands (`enroll`, `append`, `monitor`) slot in
 * beside these. Every expected failure is a `CliError` printed as one line (what, and where: file, URL
 * or byte offset); a stack trace only appears for a genuine bug, with SEALROOM_DEBUG=1.
 */

import { commands, runCli } from "./cli/commands.ts";

const code = await runCli(process.argv.slice(2), commands);
process.exitCode = code;
