/**
 * HTTP plumbing shared by the service commands (`enroll`, `append`, `upload`, `monitor`): requests
 * to a transparency service, key files, and the one-line summary of a `ChainHeadWithProof`.
 * Node only. Exit statuses: 0 ok, 1 a check failed (monitor), 2 usage/input error, 3 the service
 * accepted the request but no witness quorum cosigned it in time (re-run the same command).
 */

import { readFile } from "node:fs/promises";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { normalizeDomain } from "@sealroom/prefix-tree";
import { parseSignedPrefixRoot, type SignerKey } from "@sealroom/prefix-tree/note";
import { parseAppendSignerKey } from "../append-auth.ts";
import { type ChainHeadWithProof, decodeChainHeadWithProof } from "../chain-head-with-proof.ts";
import { CliError } from "./errors.ts";

export const EXIT_NOT_COSIGNED = 3;

/** The one domain a service command takes, normalised (lowercase A-label) or a usage error. */
export function domainArg(positionals: readonly string[], usage: string): string {
  if (positionals.length !== 1) throw new CliError(`expected one domain\nusage: sealroom ${usage}`);
  try {
    return normalizeDomain(positionals[0]!);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function serviceUrl(v: unknown): string {
  if (typeof v !== "string") throw new CliError("--service <url> is required");
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new CliError(`--service: not a URL: ${v}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new CliError("--service must be an http(s) URL");
  return u.href.replace(/\/$/, "");
}

export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { redirect: "manual", ...init });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new CliError(`${init.method ?? "GET"} ${url}: ${cause ?? (e as Error).message}`);
  }
}

/** The JSON `{error, message}` of a failed response, as one line. */
export async function failureText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const j = JSON.parse(text) as { error?: string; message?: string };
    return `HTTP ${res.status} ${j.error ?? ""}${j.message ? `: ${j.message}` : ""}`;
  } catch {
    return `HTTP ${res.status}: ${text.slice(0, 200)}`;
  }
}

/**
 * The append signer key in the `--key` file, parsed and checked (Ed25519, append-auth.ts), so a bad
 * key is refused before anything is sent. With `domain`, the key must be that domain's (its name).
 */
export async function readAppendKey(path: unknown, domain?: string): Promise<SignerKey> {
  if (typeof path !== "string") throw new CliError("--key <file> is required");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
  let key: SignerKey;
  try {
    key = parseAppendSignerKey(text);
  } catch (e) {
    throw new CliError(`--key: ${(e as Error).message}`);
  }
  if (domain !== undefined && key.name !== domain)
    throw new CliError(`--key: ${path} is the append key of ${key.name}, not of ${domain}`);
  return key;
}

export interface HeadSummary {
  position: string;
  timeCreated: string;
  resourceHash: string;
  assetHostsHash: string;
  treeSize: string;
  root: string;
  cosigners: string[];
  proof: string;
}

/** Decodes a `ChainHeadWithProof` body into what the commands print. */
export function summarize(bytes: Uint8Array): { proof: ChainHeadWithProof; summary: HeadSummary } {
  const proof = decodeChainHeadWithProof(bytes);
  const note = parseSignedPrefixRoot(proof.signedPrefixRoot);
  const e = proof.head.entry;
  return {
    proof,
    summary: {
      position: e.positionInChain.toString(),
      timeCreated: e.timeCreated.toString(),
      resourceHash: encodeBase64(e.resourceHash),
      assetHostsHash: encodeBase64(e.assetHostsHash),
      treeSize: note.checkpoint.size.toString(),
      root: encodeBase64(note.checkpoint.root),
      cosigners: note.signatures.map((s) => s.name),
      proof: encodeBase64(bytes),
    },
  };
}

export function printHead(
  io: { out: (t: string) => void },
  s: HeadSummary,
  json: boolean,
  extra: object = {},
): void {
  if (json) io.out(`${JSON.stringify({ ...extra, ...s })}\n`);
  else
    io.out(
      `position ${s.position} time ${s.timeCreated} resource_hash ${s.resourceHash}\n` +
        `tree size ${s.treeSize} root ${s.root} cosigned by ${s.cosigners.join(", ")}\n` +
        `ChainHeadWithProof ${s.proof}\n`,
    );
}

/** Turns a write's response into output and an exit status. */
export async function answerWrite(
  res: Response,
  io: { out: (t: string) => void; err: (t: string) => void },
  json: boolean,
  extra: object,
): Promise<number> {
  if (res.status === 200) {
    printHead(io, summarize(new Uint8Array(await res.arrayBuffer())).summary, json, extra);
    return 0;
  }
  if (res.status === 503) {
    const j = (await res.json().catch(() => ({}))) as { position?: string };
    const msg = `stored at position ${j.position ?? "?"} but not cosigned yet; re-run the same command to get the proof`;
    if (json) io.out(`${JSON.stringify({ ...extra, pending: true, position: j.position ?? null })}\n`);
    io.err(`${msg}\n`);
    return EXIT_NOT_COSIGNED;
  }
  throw new CliError(await failureText(res));
}
