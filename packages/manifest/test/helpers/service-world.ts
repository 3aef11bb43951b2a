/**
 * A transparency service in memory, served over HTTP from 127.0.0.1, for the service commands'
 * tests (`sealroom enroll`, `append`, `upload`, `monitor`). It is PreloadWorld (real PrefixTree,
 * SiteChains, Ed25519 witnesses) behind the wire contract of apps/transparency (README "HTTP API"):
 *
 * - `POST /enroll/<domain>`: reads the site's well-known document (registered with `wellKnown`, no
 *   network), parses it with `parseNewEntryData(…, {appendKeyFor})`, appends, seals, answers the
 *   `ChainHeadWithProof`;
 * - `POST /append/<domain>`: `Sealroom-Append-Position` must be the chain's next position (409 with
 *   `{position}` otherwise), `Sealroom-Signature` must verify under the enrolled append key (403);
 * - `PUT /upload/sha256-<b64u>`: signed over (domain, digest), body must hash to the digest, 201;
 * - `GET /leaf/<domain>`, `GET /chain-proof/<domain>?from&to` as the monitor reads them;
 * - `GET /preload-list/transparency[?from]` once `publishPreload` published a list (404 before).
 *
 * Knobs a test flips: `pending` (writes are stored, then answered 503 with their position, as when no
 * witness quorum cosigned in time), `leafPending` (the latest root is not cosigned: `/leaf` 503),
 * `leafOverride` / `chainProofOverride` (serve other bytes, to break one link of the monitor's check).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { encodeChainConsistencyProof, SiteChain } from "@sealroom/hash-chain";
import { decodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { keyForDomain, treeValueForHead } from "@sealroom/prefix-tree";
import type { VerifierKey } from "@sealroom/prefix-tree/note";
import {
  DOMAIN_HEADER,
  decodePositionHeader,
  decodeSignatureHeader,
  POSITION_HEADER,
  SIGNATURE_HEADER,
  verifyAppend,
  verifyUpload,
} from "../../src/append-auth.ts";
import { encodeChainHeadWithProof } from "../../src/chain-head-with-proof.ts";
import { parseNewEntryData } from "../../src/new-entry-data.ts";
import { PreloadListKind } from "../../src/preload-list.ts";
import { sha256 } from "../../src/sha256.ts";
import { PreloadWorld } from "./preload-world.ts";

export interface Served {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

export class ServiceWorld extends PreloadWorld {
  /** Enrolled domains' append keys. */
  readonly appendKeys = new Map<string, VerifierKey>();
  /** `/.well-known/waict-enroll` documents by domain (what the service would fetch). */
  readonly wellKnown = new Map<string, string>();
  readonly uploads = new Map<string, Uint8Array>();
  readonly served: Served[] = [];
  pending = false;
  leafPending = false;
  preloadPending = false;
  preloadList?: Uint8Array;
  preloadOverride?: Uint8Array;
  leafOverride?: (domain: string) => Uint8Array | undefined;
  chainProofOverride?: (domain: string, from: bigint, to: bigint) => Uint8Array | undefined;
  /**
   * The service clock: every write is one second later. It starts at the real time because the
   * monitor checks cosignature ages against the real clock (it has no --now).
   */
  clock = Math.floor(Date.now() / 1000) - 1000;
  url = "";
  #server?: Server;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((e) => json(res, 500, { error: "bug", message: String(e) }));
    });
    await new Promise<void>((r) => this.#server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.#server?.close(r));
  }

  /** Appends to `domain`'s chain at the service clock and seals the batch. */
  write(domain: string, resourceHash: Uint8Array, assetHosts?: readonly string[]) {
    const c = this.chains.get(domain) ?? new SiteChain();
    this.chains.set(domain, c);
    this.clock += 1;
    const head = c.append({
      timeCreated: BigInt(this.clock),
      resourceHash,
      ...(assetHosts ? { assetHosts } : {}),
    });
    this.tree.set(keyForDomain(domain), treeValueForHead(head));
    this.seal(this.clock);
    return head;
  }

  /** Derives and logs a transparency preload list of every site (or `only`), then seals. */
  publishPreload(only?: string[]): void {
    this.clock += 1;
    this.preloadList = this.publishList(PreloadListKind.transparency, {
      time: this.clock,
      expires: this.clock + 7 * 24 * 3600,
      ...(only ? { only } : {}),
    });
    this.seal(this.clock);
  }

  /** Replaces `domain`'s chain with a different history of the same or another length. */
  rewrite(domain: string, hashes: Uint8Array[]): void {
    this.chains.delete(domain);
    for (const h of hashes) this.write(domain, h, ["https://assets.example"]);
  }

  #answerHead(res: ServerResponse, domain: string, position: bigint): void {
    if (this.pending) {
      json(res, 503, {
        error: "not_yet_cosigned",
        message: "appended; not cosigned yet, retry the same request",
        position: position.toString(),
      });
      return;
    }
    const p = this.latest!.proofs.get(domain)!;
    res
      .writeHead(200, { "content-type": "application/octet-stream", [POSITION_HEADER]: position.toString() })
      .end(encodeChainHeadWithProof(p));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    this.served.push({
      method: req.method ?? "",
      path: `${u.pathname}${u.search}`,
      headers: req.headers,
      body,
    });
    const [, route, arg] = /^\/([a-z-]+)\/(.+)$/.exec(u.pathname) ?? [];
    const header = (n: string) => req.headers[n.toLowerCase()] as string | undefined;
    if (req.method === "POST" && route === "enroll") {
      const doc = this.wellKnown.get(arg!);
      if (doc === undefined) return json(res, 424, { error: "site_unavailable", message: "no well-known" });
      let data: ReturnType<typeof parseNewEntryData>;
      try {
        data = parseNewEntryData(doc, { appendKeyFor: arg! });
      } catch (e) {
        return json(res, 424, { error: "site_unavailable", message: (e as Error).message });
      }
      this.appendKeys.set(arg!, data.appendKey!);
      const head = this.write(arg!, data.resourceHash, data.assetHosts);
      return this.#answerHead(res, arg!, head.entry.positionInChain);
    }
    if (req.method === "POST" && route === "append") {
      const key = this.appendKeys.get(arg!);
      if (!key) return json(res, 403, { error: "not_enrolled", message: `${arg} is not enrolled` });
      const position = decodePositionHeader(header(POSITION_HEADER));
      const sig = decodeSignatureHeader(header(SIGNATURE_HEADER));
      if (position === undefined || !sig) return json(res, 400, { error: "bad_request", message: "headers" });
      if (header("content-type") !== "application/json")
        return json(res, 415, { error: "bad_request", message: "content-type must be application/json" });
      const next = this.chains.get(arg!)!.size;
      if (position !== next)
        return json(res, 409, {
          error: "position_conflict",
          message: `the next position is ${next}`,
          position: next.toString(),
        });
      if (!(await verifyAppend(key, sig, { domain: arg!, position, body })))
        return json(res, 403, { error: "bad_signature", message: "append signature does not verify" });
      const data = parseNewEntryData(body);
      const head = this.write(arg!, data.resourceHash, data.assetHosts);
      return this.#answerHead(res, arg!, head.entry.positionInChain);
    }
    if (req.method === "PUT" && route === "upload") {
      const digest = arg!.startsWith("sha256-") ? decodeBase64UrlNoPad(arg!.slice(7)) : undefined;
      if (digest?.length !== 32) return json(res, 400, { error: "bad_request", message: "digest" });
      const domain = header(DOMAIN_HEADER) ?? "";
      const key = this.appendKeys.get(domain);
      const sig = decodeSignatureHeader(header(SIGNATURE_HEADER));
      if (!key || !sig || !(await verifyUpload(key, sig, { domain, digest })))
        return json(res, 403, { error: "bad_signature", message: "upload signature does not verify" });
      if (!sha256(body).every((b, i) => b === digest[i]))
        return json(res, 400, {
          error: "bad_request",
          message: "body does not hash to the digest in the path",
        });
      this.uploads.set(arg!, body);
      return json(res, 201, { stored: arg, size: body.length });
    }
    if (req.method === "GET" && route === "leaf") {
      if (this.leafPending) return json(res, 503, { error: "not_yet_cosigned", message: "wait" });
      const over = this.leafOverride?.(arg!);
      if (over) return void res.writeHead(200).end(over);
      const p = this.latest?.proofs.get(arg!);
      if (!p) return json(res, 404, { error: "not_found", message: `${arg} is not in the tree` });
      return void res.writeHead(200).end(encodeChainHeadWithProof(p));
    }
    if (req.method === "GET" && route === "chain-proof") {
      const from = BigInt(u.searchParams.get("from") ?? "0");
      const to = BigInt(u.searchParams.get("to") ?? "0");
      const over = this.chainProofOverride?.(arg!, from, to);
      if (over) return void res.writeHead(200).end(over);
      const c = this.chains.get(arg!);
      if (!c || to > c.size || from > to)
        return json(res, 400, { error: "bad_request", message: "range outside the chain" });
      return void res.writeHead(200).end(encodeChainConsistencyProof(c.proveConsistency(from, to)));
    }
    if (req.method === "GET" && route === "preload-list" && arg === "transparency") {
      if (this.preloadPending) return json(res, 503, { error: "not_yet_cosigned", message: "wait" });
      if (this.preloadOverride) return void res.writeHead(200).end(this.preloadOverride);
      if (!this.preloadList) return json(res, 404, { error: "not_found", message: "no preload list" });
      const from = u.searchParams.get("from");
      const body = this.listResponse(
        PreloadListKind.transparency,
        this.preloadList,
        from === null ? {} : { from: BigInt(from) },
      );
      return void res.writeHead(200).end(body);
    }
    json(res, 404, { error: "not_found", message: `no route ${req.method} ${u.pathname}` });
  }
}
