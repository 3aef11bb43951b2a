/**
 * Test helpers: a site (append key, manifest line, well-known document served through the
 * outbound service in vitest.config.ts) and a witness played by the test with real Ed25519 keys
 * (prefix-tree's `signCosignature`), whose vkeys are the ones configured in vitest.config.ts.
 */
import { exports } from "cloudflare:workers";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import {
  generateAppendKey,
  POSITION_HEADER,
  PreloadListKind,
  resourceHashOf,
  SIGNATURE_HEADER,
  serializeNewEntryData,
  signAppend,
  type VerifiedPreloadList,
  verifyPreloadList,
} from "@sealroom/manifest";
import { decodeTreeEventBatch } from "@sealroom/prefix-tree";
import {
  type CosignerKey,
  formatCosignerVerifierKey,
  formatSignatureLine,
  generateCosignerKey,
  signCosignature,
} from "@sealroom/prefix-tree/note";
import { expect } from "vitest";

export const SERVICE = "http://transparency.test";
export const TDOMAIN = "transparency.test";
export const WITNESSES: CosignerKey[] = [
  generateCosignerKey("witness-a.test", new Uint8Array(32).fill(0x11)),
  generateCosignerKey("witness-b.test", new Uint8Array(32).fill(0x22)),
];
export const WITNESS_VKEYS = WITNESSES.map(formatCosignerVerifierKey);
export const ASSET_HOSTS = ["https://assets.example/"];

export function call(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`${SERVICE}${path}`, init);
}

export interface Checkpoint {
  tree_domain: string;
  size: number;
  root: string;
  time: number;
  cosignatures: string[];
}

export async function checkpoint(): Promise<Checkpoint> {
  return (await (await call("/checkpoint")).json()) as Checkpoint;
}

export function manifestLine(version: number): string {
  return JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" }, version });
}

export interface Site {
  domain: string;
  signerKey: string;
  verifierKey: string;
}

/** A site with a deterministic append key; its well-known document names `version`'s manifest. */
export async function makeSite(index: number, version = 0, seedByte = index + 1): Promise<Site> {
  const domain = `site${index}.test`;
  const k = generateAppendKey(domain, new Uint8Array(32).fill(seedByte));
  const site = { domain, ...k };
  await serveWellKnown(site, version);
  return site;
}

export function entryBody(version: number, hosts = ASSET_HOSTS): Uint8Array {
  const rh = resourceHashOf(new TextEncoder().encode(manifestLine(version)));
  return new TextEncoder().encode(serializeNewEntryData({ resourceHash: rh, assetHosts: hosts }));
}

export async function serveWellKnown(site: Site, version: number, status = 200, raw?: string): Promise<void> {
  const index = Number(/^site(\d+)\.test$/.exec(site.domain)![1]);
  const rh = resourceHashOf(new TextEncoder().encode(manifestLine(version)));
  const body =
    raw ?? serializeNewEntryData({ resourceHash: rh, assetHosts: ASSET_HOSTS, appendKey: site.verifierKey });
  const r = await fetch(`http://sites.test/${41000 + index}`, {
    method: "PUT",
    body: JSON.stringify({ status, body }),
  });
  if (!r.ok) throw new Error("outbound test site registry is not answering");
}

export function appendRequest(
  site: Site,
  position: bigint,
  body: Uint8Array,
  key = site.signerKey,
): RequestInit {
  const sig = signAppend(key, { domain: site.domain, position, body });
  return {
    method: "POST",
    body,
    headers: { [POSITION_HEADER]: position.toString(), [SIGNATURE_HEADER]: encodeBase64(sig) },
  };
}

/** The witness: cosigns the current checkpoint with `key` (verifying nothing: that is the witness app's job). */
export async function cosignLatest(key: CosignerKey = WITNESSES[0]!): Promise<Response> {
  const cp = await checkpoint();
  const root = Uint8Array.from(atob(cp.root), (c) => c.charCodeAt(0));
  const sig = signCosignature(
    key,
    { tdomain: TDOMAIN, size: BigInt(cp.size), root },
    Math.floor(Date.now() / 1000),
  );
  return call(`/upload-cosignature/${cp.size}`, { method: "POST", body: formatSignatureLine(sig) });
}

/** Plays the witness (cosigning every new size) until `p` settles. */
export async function whileCosigning<T>(p: Promise<T>, key: CosignerKey = WITNESSES[0]!): Promise<T> {
  let done = false;
  const out = p.finally(() => {
    done = true;
  });
  let last = -1;
  while (!done) {
    const cp = await checkpoint();
    if (cp.size !== last && cp.size > 0) {
      last = cp.size;
      const r = await cosignLatest(key);
      if (r.status !== 200) throw new Error(`cosignature upload answered ${r.status}: ${await r.text()}`);
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  return out;
}

export async function batchEvents(n: number) {
  const r = await call(`/tree-event-batch/${n}`);
  return decodeTreeEventBatch(new Uint8Array(await r.arrayBuffer())).events;
}

export function b64(bytes: Uint8Array): string {
  return encodeBase64(bytes);
}

/**
 * Fetches preload list `kind` (cosigning new sizes meanwhile) until `accept` holds for a list that
 * verifies; with `previous`, asks for the versions after it and verifies the extension.
 */
export async function preloadListUntil(
  kind: PreloadListKind,
  accept: (l: VerifiedPreloadList) => boolean,
  previous?: VerifiedPreloadList,
): Promise<VerifiedPreloadList> {
  const path = kind === PreloadListKind.devIds ? "dev-ids" : "transparency";
  let last = "";
  for (let i = 0; i < 100; i++) {
    const from = previous ? `?from=${previous.list.version + 1n}` : "";
    const res = await call(`/preload-list/${path}${from}`);
    if (res.status === 200) {
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      const r = await verifyPreloadList(new Uint8Array(await res.arrayBuffer()), {
        kind,
        trustedServices: [TDOMAIN],
        witnessKeys: WITNESS_VKEYS,
        quorum: 1,
        ...(previous ? { previous: previous.response } : {}),
      });
      if (!r.ok) throw new Error(`list does not verify: ${r.detail}: ${r.message}`);
      if (accept(r)) return r;
      last = `v${r.list.version}`;
    } else {
      expect([404, 503]).toContain(res.status);
      last = `${res.status} ${await res.text()}`;
    }
    await cosignLatest();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no acceptable ${path} list (last: ${last})`);
}
