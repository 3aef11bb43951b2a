/**
 * `sealroom monitor <domain> --service <url> [--state file] [--witness vkey …] [--watch]`: the
 * blog's monitor (docs/architecture.md "Monitor"). It keeps (created, size, digest, last time) of the
 * domain's chain in a state file and, on each check:
 *
 *  1. fetches `/leaf/<domain>` (a `ChainHeadWithProof`) and checks the head's inclusion under the
 *     signed root, and — with `--witness` — the witness quorum on that root;
 *  2. fetches `/chain-proof/<domain>?from=<old size>&to=<new size>` (entries old..new-1) and checks
 *     with @sealroom/hash-chain's `verifyChainConsistency` that the new head extends the recorded
 *     one (first run: from the empty chain, so the whole history is replayed);
 *  3. reports every new entry, and flags: `rewrite` (the chain shrank or its history changed),
 *     `fork` (same size, other digest), `tombstone` (the site unenrolled), `unexpected_append` (a
 *     new resource hash not given with `--expect-resource`), `bad_proof`.
 *
 * A flagged check exits 1 and leaves the state file as it was (so the alarm repeats); a clean one
 * records the new state. Node only.
 */

import { readFile, rename, writeFile } from "node:fs/promises";
import {
  type ChainCheckpoint,
  checkpointOf,
  decodeChainConsistencyProof,
  type Entry,
  emptyCheckpoint,
  isTombstone,
  verifyChainConsistency,
} from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import { keyForDomain, treeValueForHead, verifyInclusion } from "@sealroom/prefix-tree";
import { parseSignedPrefixRoot } from "@sealroom/prefix-tree/note";
import { decodeChainHeadWithProof } from "../chain-head-with-proof.ts";
import { verifyCosignedRoot } from "../cosigned-root.ts";
import { DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE_SKEW } from "../verify-transparency.ts";
import { parse } from "./args.ts";
import type { CliIo, Command } from "./commands.ts";
import { CliError } from "./errors.ts";
import { checkPreload, type PreloadMonitorState } from "./monitor-preload.ts";
import { domainArg, EXIT_NOT_COSIGNED, failureText, request, serviceUrl } from "./service.ts";
import { readKey } from "./verify.ts";

const usage =
  "monitor <domain> --service <url> [--state file] [--witness vkey|@file …] [--quorum n] [--expect-resource base64 …] [--preload] [--watch] [--interval s] [--json]";

export interface MonitorState {
  domain: string;
  created: string;
  size: string;
  digest: string;
  lastTime: string | null;
  /** `--preload`: the domain's preload list membership last time (monitor-preload.ts). */
  preload?: PreloadMonitorState;
}

export type MonitorFlag =
  | "rewrite"
  | "fork"
  | "tombstone"
  | "unexpected_append"
  | "bad_proof"
  | "preload_rewrite"
  | "preload_dropped";

export interface MonitorReport {
  domain: string;
  ok: boolean;
  size: string;
  treeSize: string;
  newEntries: { position: string; time: string; resourceHash: string; tombstone: boolean }[];
  flags: { flag: MonitorFlag; message: string }[];
  /** Whether the current head is a tombstone. */
  tombstoned?: boolean;
  /** `--preload`: membership changes (entered / left the preload list). */
  preload?: string[];
}

async function loadState(path: string | undefined): Promise<MonitorState | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
  try {
    const s = JSON.parse(text) as MonitorState;
    if (typeof s.size !== "string" || typeof s.digest !== "string") throw new Error("missing fields");
    return s;
  } catch (e) {
    throw new CliError(`${path}: not a monitor state file (${(e as Error).message})`);
  }
}

function toCheckpoint(s: MonitorState): ChainCheckpoint {
  const digest = decodeBase64(s.digest);
  if (digest?.length !== 32) throw new CliError("state file: bad digest");
  return { size: BigInt(s.size), digest, ...(s.lastTime !== null ? { lastTime: BigInt(s.lastTime) } : {}) };
}

interface CheckOptions {
  domain: string;
  service: string;
  state: MonitorState | undefined;
  witnesses: string[];
  quorum: number;
  expect: Set<string>;
}

/** One check; returns the report and the state to record when clean. */
export async function checkOnce(
  o: CheckOptions,
): Promise<{ report: MonitorReport; next?: MonitorState } | "pending"> {
  const report: MonitorReport = {
    domain: o.domain,
    ok: false,
    size: "0",
    treeSize: "0",
    newEntries: [],
    flags: [],
  };
  const flag = (f: MonitorFlag, message: string) => {
    report.flags.push({ flag: f, message });
    return { report };
  };
  const leaf = await request(`${o.service}/leaf/${o.domain}`);
  if (leaf.status === 503) return "pending";
  if (leaf.status !== 200) throw new CliError(`GET /leaf/${o.domain}: ${await failureText(leaf)}`);
  let head: ReturnType<typeof decodeChainHeadWithProof>;
  let note: ReturnType<typeof parseSignedPrefixRoot>;
  try {
    head = decodeChainHeadWithProof(new Uint8Array(await leaf.arrayBuffer()));
    note = parseSignedPrefixRoot(head.signedPrefixRoot);
  } catch (e) {
    return flag("bad_proof", `ChainHeadWithProof: ${(e as Error).message}`);
  }
  report.treeSize = note.checkpoint.size.toString();
  if (
    !verifyInclusion(note.checkpoint.root, keyForDomain(o.domain), treeValueForHead(head.head), head.incProof)
  )
    return flag("bad_proof", "the head is not included under the signed root");
  if (o.witnesses.length > 0) {
    const v = await verifyCosignedRoot(head.signedPrefixRoot, {
      trustedServices: [note.checkpoint.tdomain],
      witnessKeys: o.witnesses,
      quorum: o.quorum,
      now: Math.floor(Date.now() / 1000),
      maxAge: DEFAULT_MAX_AGE,
      maxFutureSkew: DEFAULT_MAX_FUTURE_SKEW,
    });
    if (!v.ok) return flag("bad_proof", v.message);
  }
  const newer = checkpointOf(head.head);
  report.size = newer.size.toString();
  report.tombstoned = isTombstone(head.head.entry);
  const older = o.state ? toCheckpoint(o.state) : emptyCheckpoint();
  if (newer.size < older.size)
    return flag("rewrite", `the chain shrank from ${older.size} to ${newer.size} entries`);
  const res = await request(`${o.service}/chain-proof/${o.domain}?from=${older.size}&to=${newer.size}`);
  if (res.status !== 200) throw new CliError(`GET /chain-proof: ${await failureText(res)}`);
  let entries: Entry[];
  let ok: boolean;
  try {
    const proof = decodeChainConsistencyProof(new Uint8Array(await res.arrayBuffer()));
    entries = proof.entries;
    ok = verifyChainConsistency(older, newer, proof);
  } catch (e) {
    return flag("bad_proof", `chain proof: ${(e as Error).message}`);
  }
  if (!ok) {
    if (newer.size === older.size) return flag("fork", `same size ${newer.size}, different chain digest`);
    return flag(
      "rewrite",
      `the chain of ${newer.size} entries does not extend the recorded ${older.size} entries`,
    );
  }
  for (const e of entries) {
    const rh = encodeBase64(e.resourceHash);
    const tomb = isTombstone(e);
    report.newEntries.push({
      position: e.positionInChain.toString(),
      time: e.timeCreated.toString(),
      resourceHash: rh,
      tombstone: tomb,
    });
    if (tomb)
      report.flags.push({
        flag: "tombstone",
        message: `entry ${e.positionInChain} is a tombstone: the site unenrolled`,
      });
    else if (o.state && o.expect.size > 0 && !o.expect.has(rh))
      report.flags.push({
        flag: "unexpected_append",
        message: `entry ${e.positionInChain} logs unexpected resource ${rh}`,
      });
  }
  report.ok = report.flags.length === 0;
  // Without a state the proof replays the chain from empty, so entries[0] is the first entry.
  const created = o.state?.created ?? entries[0]!.timeCreated.toString();
  const next: MonitorState = {
    domain: o.domain,
    created,
    size: newer.size.toString(),
    digest: encodeBase64(newer.digest),
    lastTime: head.head.entry.timeCreated.toString(),
  };
  return { report, next };
}

function print(io: CliIo, r: MonitorReport, json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify(r)}\n`);
    return;
  }
  for (const e of r.newEntries)
    io.out(
      `${r.domain} entry ${e.position} time ${e.time} resource_hash ${e.resourceHash}${e.tombstone ? " TOMBSTONE" : ""}\n`,
    );
  for (const n of r.preload ?? []) io.out(`${r.domain} ${n}\n`);
  for (const f of r.flags) io.out(`${r.domain} ${f.flag.toUpperCase()}: ${f.message}\n`);
  if (r.ok) io.out(`${r.domain}: ${r.size} entries, consistent (tree size ${r.treeSize})\n`);
}

export const monitorCommand: Command = {
  path: ["monitor"],
  usage,
  summary:
    "check a domain's chain against the last recorded state (consistency proof); exit 1 on rewrite, fork, tombstone or unexpected append",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        service: { type: "string" },
        state: { type: "string" },
        witness: { type: "string", multiple: true },
        quorum: { type: "string" },
        "expect-resource": { type: "string", multiple: true },
        preload: { type: "boolean" },
        watch: { type: "boolean" },
        interval: { type: "string" },
        json: { type: "boolean" },
      },
      usage,
    );
    const domain = domainArg(positionals, usage);
    const service = serviceUrl(values.service);
    const witnesses = await Promise.all(((values.witness as string[] | undefined) ?? []).map(readKey));
    const quorum = values.quorum === undefined ? Math.max(1, witnesses.length) : Number(values.quorum);
    if (!Number.isInteger(quorum) || quorum < 1) throw new CliError("--quorum must be a positive integer");
    const interval = values.interval === undefined ? 10 : Number(values.interval);
    if (!(interval > 0)) throw new CliError("--interval must be a positive number of seconds");
    const statePath = values.state as string | undefined;
    const expect = new Set((values["expect-resource"] as string[] | undefined) ?? []);
    const json = values.json === true;
    if (witnesses.length === 0) io.err("warning: no --witness given, cosignatures are not checked\n");
    if (values.preload && witnesses.length === 0) throw new CliError("--preload needs --witness keys");
    let state = await loadState(statePath);
    for (;;) {
      const r = await checkOnce({ domain, service, state, witnesses, quorum, expect });
      // --- preload list membership (monitor-preload.ts). The recorded membership is kept while
      // the list is pending or not asked for, so the next check still proves it extends that head.
      if (r !== "pending" && r.next) {
        let preload = state?.preload;
        if (values.preload) {
          const p = await checkPreload({
            service,
            domain,
            witnesses,
            quorum,
            state: preload,
            tombstoned: r.report.tombstoned === true,
          });
          if (p === "pending") io.err(`${domain}: the preload list is not cosigned yet; checked next time\n`);
          else if (p !== "none") {
            r.report.preload = p.notes;
            r.report.flags.push(...p.flags);
            r.report.ok = r.report.flags.length === 0;
            preload = p.next;
          }
        }
        r.next = { ...r.next, preload };
      }
      if (r === "pending") {
        if (!values.watch) {
          io.err(`${domain}: the latest tree is not cosigned yet; try again\n`);
          return EXIT_NOT_COSIGNED;
        }
      } else {
        print(io, r.report, json);
        if (!r.report.ok) return 1;
        state = r.next;
        if (statePath && state) {
          await writeFile(`${statePath}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
          await rename(`${statePath}.tmp`, statePath);
        }
        if (!values.watch) return 0;
      }
      await new Promise((res) => setTimeout(res, interval * 1000));
    }
  },
};
