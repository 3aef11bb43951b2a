/**
 * `sealroom enroll <domain> --service <url> [--json]`: asks the service to enrol (or re-enrol) the
 * domain (waict-apis.md "Enrollment via HTTPS"): the service fetches
 * `https://<domain>/.well-known/waict-enroll` itself. Prints the cosigned head (Node only).
 */

import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { answerWrite, domainArg, request, serviceUrl } from "./service.ts";

const usage = "enroll <domain> --service <url> [--json]";

export const enrollCommand: Command = {
  path: ["enroll"],
  usage,
  summary:
    "enrol a domain: the service fetches its /.well-known/waict-enroll (New Entry Data with append_key); prints the cosigned head",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      { service: { type: "string" }, json: { type: "boolean" } },
      usage,
    );
    const domain = domainArg(positionals, usage);
    const service = serviceUrl(values.service);
    io.err(`enrolling ${domain} at ${service} (waiting for witnesses)…\n`);
    const res = await request(`${service}/enroll/${domain}`, { method: "POST" });
    return answerWrite(res, io, values.json === true, { domain });
  },
};
