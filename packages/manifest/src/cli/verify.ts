/**
 * `sealroom verify <https://site>`: what a careful browser would do, from the command line (Node only).
 *
 * 1. GET the page; read `Integrity-Policy-WAICT-v1` (waict-integrity "Response Header").
 * 2. GET the manifest URL it names (resolved against the page URL) and run `verifyTransparency`
 *    with the page's own host as the domain.
 * 3. Check the page itself as a `document` and every URL the manifest lists. Listed URLs are
 *    checked as active content against their own hash (an auditor wants the exact entry, not a
 *    fallback); a non-2xx response is a failure of that URL.
 * Exit 0 when everything verifies, 1 with the spec's failure reason otherwise, 2 on usage errors.
 */

import { readFile } from "node:fs/promises";
import { canonicalKey } from "../canonical-url.ts";
import { checkIntegrity } from "../check-integrity.ts";
import { FailureReason } from "../errors.ts";
import { INTEGRITY_POLICY_HEADER, parseIntegrityPolicy } from "../integrity-policy-header.ts";
import type { PreloadPolicy } from "../preload-policy.ts";
import {
  DEFAULT_MAX_AGE,
  type VerifyTransparencyOptions,
  verifyTransparency,
} from "../verify-transparency.ts";
import { parse } from "./args.ts";
import type { CliIo, Command } from "./commands.ts";
import { CliError } from "./errors.ts";
import { loadPreloadPolicy, storeDir } from "./preload-store.ts";

const usage =
  "verify <https://site> --service <domain> --witness <vkey|@file> [--witness …] [--quorum n] [--max-age seconds] [--now unix-seconds] [--domain name] [--store dir | --no-preload] [--json]";

interface AssetReport {
  url: string;
  ok: boolean;
  status?: number;
  reason?: string;
  message?: string;
}

export interface VerifyReport {
  ok: boolean;
  site: string;
  reason?: string;
  detail?: string;
  message?: string;
  policy?: unknown;
  manifestUrl?: string;
  transparency?: unknown;
  assets: AssetReport[];
}

async function get(url: string): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "manual", headers: { "sec-ch-waict": "1" } });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new Error(`GET ${url}: ${cause ?? (e as Error).message}`);
  }
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

/** A `--witness` value: vkey text, or `@file` holding it. */
export async function readKey(v: string): Promise<string> {
  if (!v.startsWith("@")) return v.trim();
  try {
    return (await readFile(v.slice(1), "utf8")).trim();
  } catch (e) {
    throw new CliError(`${v.slice(1)}: ${(e as Error).message}`);
  }
}

export async function verifySite(
  site: string,
  opts: {
    services: string[];
    witnesses: string[];
    quorum: number;
    maxAge: number;
    now?: number;
    /** The domain whose chain the site must prove (default: the URL's host). */
    domain?: string;
    /** Stored preload lists to apply (`sealroom preload fetch`). */
    preload?: PreloadPolicy;
  },
  progress: (done: number, total: number, url: string) => void = () => {},
): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, site, assets: [] };
  const fail = (reason: string, detail: string, message: string): VerifyReport =>
    Object.assign(report, { ok: false, reason, detail, message });

  const origin = new URL(site).origin;
  const vopts: VerifyTransparencyOptions = {
    domain: opts.domain ?? new URL(site).hostname,
    origin,
    trustedServices: opts.services,
    witnessKeys: opts.witnesses,
    quorum: opts.quorum,
    maxAge: opts.maxAge,
    ...(opts.now === undefined ? {} : { now: opts.now }),
    ...(opts.preload ? { preload: opts.preload } : {}),
  };
  // No header or no manifest: with preload lists, `stripped` for a listed site, else not enrolled.
  const absent = async (detail: string, message: string): Promise<VerifyReport> => {
    if (!opts.preload) return fail(FailureReason.manifestUnavailable, detail, message);
    const a = await verifyTransparency(undefined, vopts);
    if (!a.ok) return fail(a.reason, detail, `${message}: ${a.message}`);
    report.transparency = { status: a.status };
    return Object.assign(report, { ok: true });
  };

  const page = await get(site).catch((e: Error) => e);
  if (page instanceof Error) return fail(FailureReason.manifestUnavailable, "fetch_failed", page.message);
  if (page.status !== 200)
    return fail(FailureReason.manifestUnavailable, "http_status", `GET ${site}: HTTP ${page.status}`);
  const policy = parseIntegrityPolicy(page.headers.get(INTEGRITY_POLICY_HEADER));
  if (!policy.ok) return absent(`header_${policy.detail}`, `${site}: ${policy.message}`);
  report.policy = policy.policy;
  const manifestUrl = new URL(policy.policy.manifest, site).href;
  report.manifestUrl = manifestUrl;
  const mres = await get(manifestUrl).catch((e: Error) => e);
  if (mres instanceof Error) return absent("fetch_failed", mres.message);
  if (mres.status !== 200) return absent("http_status", `GET ${manifestUrl}: HTTP ${mres.status}`);

  const t = await verifyTransparency(mres.body, vopts);
  if (!t.ok) return fail(t.reason, t.detail, `${manifestUrl}: ${t.message}`);
  report.transparency = {
    status: t.status,
    service: t.service,
    treeSize: t.treeSize.toString(),
    position: t.head.entry.positionInChain.toString(),
    timeCreated: t.head.entry.timeCreated.toString(),
    cosigners: t.cosigners.map((c) => `${c.name}@${c.time}`),
  };
  if (t.status !== "verified") return Object.assign(report, { ok: true });

  const targetSet = new Set([site]);
  for (const key of Object.keys(t.manifest.hashes)) {
    const abs = canonicalKey(key, origin);
    if (abs !== undefined) targetSet.add(abs);
  }
  let firstFailure: AssetReport | undefined;
  const targets = [...targetSet];
  for (let i = 0; i < targets.length; i++) {
    const url = targets[i]!;
    progress(i, targets.length, url);
    const isPage = i === 0;
    const r = isPage ? page : await get(url).catch((e: Error) => e);
    let a: AssetReport;
    if (r instanceof Error) a = { url, ok: false, reason: "fetch_failed", message: r.message };
    else if (r.status !== 200)
      a = { url, ok: false, status: r.status, reason: "http_status", message: `HTTP ${r.status}` };
    else {
      const c = checkIntegrity(t.manifest, url, isPage ? "document" : "script", r.body, { origin });
      a = c.ok
        ? { url, ok: true, status: r.status }
        : { url, ok: false, status: r.status, reason: c.reason, message: c.message };
    }
    report.assets.push(a);
    if (!a.ok && !firstFailure) firstFailure = a;
  }
  progress(targets.length, targets.length, "");
  if (firstFailure)
    return fail(firstFailure.reason as string, "asset", `${firstFailure.url}: ${firstFailure.message}`);
  return Object.assign(report, { ok: true });
}

function printHuman(r: VerifyReport, io: CliIo): void {
  io.out(`site       ${r.site}\n`);
  if (r.manifestUrl) io.out(`manifest   ${r.manifestUrl}\n`);
  const t = r.transparency as Record<string, unknown> | undefined;
  if (t && t.service === undefined) io.out(`status     ${t.status}\n`);
  else if (t) {
    io.out(
      `service    ${t.service} (tree size ${t.treeSize}, chain position ${t.position}, logged at ${t.timeCreated})\n`,
    );
    io.out(`witnesses  ${(t.cosigners as string[]).join(", ")}\n`);
    io.out(`status     ${t.status}\n`);
  }
  const bad = r.assets.filter((a) => !a.ok);
  io.out(`assets     ${r.assets.length - bad.length}/${r.assets.length} verified\n`);
  for (const a of bad) io.out(`  FAIL ${a.url}: ${a.reason}: ${a.message}\n`);
  io.out(r.ok ? "OK\n" : `FAILED ${r.reason} (${r.detail}): ${r.message}\n`);
}

/** A non-negative integer flag (`--quorum 2`), or `dflt` when absent. */
export function intFlag(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !/^\d{1,15}$/.test(v))
    throw new CliError(`--${name}: expected a non-negative integer`);
  return Number(v);
}

export const verifyCommand: Command = {
  path: ["verify"],
  usage,
  summary: "fetch a site's WAICT header, manifest and every listed asset; verify transparency and every hash",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        service: { type: "string", multiple: true },
        witness: { type: "string", multiple: true },
        quorum: { type: "string" },
        "max-age": { type: "string" },
        now: { type: "string" },
        domain: { type: "string" },
        store: { type: "string" },
        "no-preload": { type: "boolean" },
        json: { type: "boolean" },
      },
      usage,
    );
    if (positionals.length !== 1) throw new CliError(`expected one site URL\nusage: sealroom ${usage}`);
    let site: URL;
    try {
      site = new URL(positionals[0]!);
    } catch {
      throw new CliError(`${positionals[0]}: not a URL`);
    }
    if (site.protocol !== "https:" && site.protocol !== "http:")
      throw new CliError(`${site.href}: not an http(s) URL`);
    const services = (values.service as string[] | undefined) ?? [];
    const witnesses = await Promise.all(((values.witness as string[] | undefined) ?? []).map(readKey));
    if (services.length === 0) throw new CliError("at least one --service <domain> is required");
    if (witnesses.length === 0) throw new CliError("at least one --witness <vkey> is required");
    const int = intFlag;
    const quorum = int("quorum", values.quorum, 1);
    if (quorum < 1) throw new CliError("--quorum must be at least 1");
    const now = values.now === undefined ? undefined : int("now", values.now, 0);
    if (values["no-preload"] && values.store !== undefined)
      throw new CliError("--store and --no-preload exclude each other");
    const loaded = values["no-preload"]
      ? { notes: [] }
      : await loadPreloadPolicy(storeDir(values.store as string | undefined), services, {
          witnesses,
          quorum,
          ...(now === undefined ? {} : { now }),
        });
    if (!values.json) for (const n of loaded.notes) io.err(`preload: ${n}\n`);
    const report = await verifySite(
      site.href,
      {
        services,
        witnesses,
        quorum,
        maxAge: int("max-age", values["max-age"], DEFAULT_MAX_AGE),
        ...(now === undefined ? {} : { now }),
        ...(typeof values.domain === "string" ? { domain: values.domain } : {}),
        ...(loaded.policy ? { preload: loaded.policy } : {}),
      },
      values.json
        ? undefined
        : (done, total, url) => {
            if (total > 1 && url) io.err(`[${done + 1}/${total}] ${url}\n`);
          },
    );
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else printHuman(report, io);
    return report.ok ? 0 : 1;
  },
};
