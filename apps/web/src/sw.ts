/**
 * The service worker (issue 16): after a first verified load (trust on first use), it refuses to
 * serve the app's scripts (and its pages) whose hash is not in a manifest with a valid, fresh cosigned
 * head, and shows a page saying so.
 *
 * - Registered by the badge (src/transparency/badge.ts) only after the page verified itself. On its
 *   first own successful `verifyTransparency` it stores a trust mark (Cache Storage); from then on it
 *   enforces. Before that it passes every request through untouched.
 * - Manifests: on every navigation it fetches the manifest response and verifies it (same trust
 *   config as the page, built into this script); the last two that verified are kept and
 *   re-verified against the clock at each use (a cosignature older than 7 days stops counting).
 * - Navigations: the page's HTML must match the manifest (a path not listed in the manifest is the
 *   single-page app's fallback and must match `/index.html`), and so must every `<script src>` and
 *   `<link rel=modulepreload>` it references; they are fetched and checked before the page is
 *   answered, and answered from those checked bytes. Any mismatch: the refusal page, naming the file.
 * - Other same-origin `.js`/`.mjs`/`.wasm` requests (lazy chunks, workers and their imports): checked
 *   the same way; a refused one answers 403 and the open pages are told (`postMessage`).
 *
 * Limits (README): the browser fetches `/sw.js` updates itself, outside this worker, so a server can
 * replace the worker; clearing site data resets the trust mark. An extension or the CLI closes those.
 */
import {
  checkIntegrity,
  type Manifest,
  type TransparencyResult,
  verifyTransparency,
} from "@sealroom/manifest/browser";
import { MANIFEST_PATH, trustConfig } from "./transparency/config.ts";

// The few service-worker types used here (the DOM lib of this package has no WebWorker scope).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
declare const self: {
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(): Promise<{ postMessage(m: unknown): void }[]> };
  addEventListener(type: "install" | "activate", f: (e: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", f: (e: FetchEvent) => void): void;
};

const STATE_CACHE = "sealroom-waict-v1";
const TRUST_KEY = "/__sealroom/trust";
const cfg = trustConfig();
/** Verified manifest responses, newest first (bytes re-verified at each use). */
let held: Uint8Array[] = [];
/** Bytes checked during a navigation, served to the page's own requests for them. */
const checked = new Map<string, { body: Uint8Array; type: string }>();

self.addEventListener("install", () => void self.skipWaiting());
// Activation (right after the page verified itself): learn the manifest and set the trust mark.
self.addEventListener("activate", (e) => e.waitUntil(Promise.all([self.clients.claim(), manifests(true)])));

async function trusted(): Promise<boolean> {
  const c = await caches.open(STATE_CACHE);
  return (await c.match(TRUST_KEY)) !== undefined;
}

async function verify(body: Uint8Array): Promise<TransparencyResult> {
  if (!cfg) throw new Error("no trust config");
  return verifyTransparency(body, {
    domain: location.hostname,
    origin: location.origin,
    trustedServices: [cfg.service],
    witnessKeys: cfg.witnesses,
    quorum: cfg.quorum,
  });
}

/** Fetches and verifies the current manifest response; returns every held manifest still valid. */
async function manifests(refresh: boolean): Promise<{ list: Manifest[]; lastFailure?: string }> {
  let lastFailure: string | undefined;
  if (refresh || held.length === 0) {
    try {
      const res = await fetch(MANIFEST_PATH, { cache: "no-store" });
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`${MANIFEST_PATH}: HTTP ${res.status}`);
      const t = await verify(body);
      if (t.ok && t.status === "verified") {
        held = [body, ...held.filter((h) => !same(h, body))].slice(0, 2);
        const c = await caches.open(STATE_CACHE);
        if (!(await c.match(TRUST_KEY))) await c.put(TRUST_KEY, new Response("1"));
      } else lastFailure = t.ok ? t.status : `${t.reason} (${t.detail}): ${t.message}`;
    } catch (e) {
      lastFailure = (e as Error).message;
    }
  }
  const list: Manifest[] = [];
  const still: Uint8Array[] = [];
  for (const h of held) {
    const t = await verify(h);
    if (t.ok && t.status === "verified") {
      list.push(t.manifest);
      still.push(h);
    } else lastFailure ??= t.ok ? t.status : `${t.reason} (${t.detail}): ${t.message}`;
  }
  held = still;
  return lastFailure === undefined ? { list } : { list, lastFailure };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Refusal {
  url: string;
  reason: string;
  message: string;
}

/** Is `body` at `url` in one of the manifests? Documents not listed must be the SPA fallback page. */
function check(list: Manifest[], url: string, body: Uint8Array, document: boolean): Refusal | undefined {
  let last: Refusal | undefined;
  for (const m of list) {
    let r = checkIntegrity(m, url, document ? "document" : "script", body, { origin: location.origin });
    if (!r.ok && document && r.reason === "missing_from_manifest")
      r = checkIntegrity(m, `${location.origin}/index.html`, "document", body, { origin: location.origin });
    if (r.ok) return undefined;
    last = { url, reason: r.reason, message: r.message };
  }
  return (
    last ?? {
      url,
      reason: "manifest_unavailable",
      message: "no verified manifest with a fresh cosigned head",
    }
  );
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function refusalPage(r: Refusal): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sealroom: refused</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1 id="sealroom-refused" data-reason="${esc(r.reason)}" data-asset="${esc(new URL(r.url).pathname)}">This page was not loaded</h1>
<p>Your browser holds a verified copy of this site's publicly logged code (trust on first use). What the server sent now does not match it, so the service worker refused to run it.</p>
<p><strong>${esc(r.reason)}</strong>: <code>${esc(new URL(r.url).pathname)}</code></p>
<p><code style="word-break:break-all">${esc(r.message)}</code></p>
<p>It may be a release that is not logged yet, or someone changing the code on its way to you. Try again later; do not enter anything here meanwhile. To check from outside the browser: <code>sealroom verify ${esc(location.origin)}</code>.</p>
</body></html>`;
  return new Response(html, {
    status: 403,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

function refusedScript(r: Refusal): Response {
  void self.clients.matchAll().then((cs) => {
    for (const c of cs) c.postMessage({ type: "sealroom-refused", ...r });
  });
  return new Response(`/* refused by the Sealroom service worker: ${r.reason} */`, {
    status: 403,
    headers: { "content-type": "text/javascript", "cache-control": "no-store" },
  });
}

async function bytesOf(req: Request | string): Promise<{ res: Response; body: Uint8Array }> {
  const res = await fetch(req);
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

const answer = (body: Uint8Array, res: Response) =>
  new Response(body.slice().buffer, { status: res.status, statusText: res.statusText, headers: res.headers });

async function navigate(req: Request): Promise<Response> {
  const { list, lastFailure } = await manifests(true);
  const page = await bytesOf(req);
  if (list.length === 0)
    return refusalPage({
      url: req.url,
      reason: "invalid_transparency_proof",
      message: lastFailure ?? "no verified manifest",
    });
  if (page.res.status !== 200 || !page.res.headers.get("content-type")?.startsWith("text/html"))
    return answer(page.body, page.res);
  const bad = check(list, req.url, page.body, true);
  if (bad) return refusalPage(bad);
  const html = new TextDecoder().decode(page.body);
  const refs = new Set<string>();
  for (const m of html.matchAll(
    /<script\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g,
  )) {
    const u = new URL((m[1] ?? m[2])!, req.url);
    if (u.origin === location.origin) refs.add(u.href);
  }
  for (const url of refs) {
    const a = await bytesOf(url);
    const r = a.res.status === 200 ? check(list, url, a.body, false) : undefined;
    if (r) return refusalPage(r);
    if (a.res.status === 200)
      checked.set(url, { body: a.body, type: a.res.headers.get("content-type") ?? "text/javascript" });
  }
  return answer(page.body, page.res);
}

async function script(req: Request): Promise<Response> {
  const pre = checked.get(req.url);
  if (pre) {
    checked.delete(req.url);
    return new Response(pre.body.slice().buffer, { headers: { "content-type": pre.type } });
  }
  const a = await bytesOf(req);
  if (a.res.status !== 200) return answer(a.body, a.res);
  const { list, lastFailure } = await manifests(false);
  const r =
    list.length === 0
      ? { url: req.url, reason: "invalid_transparency_proof", message: lastFailure ?? "no verified manifest" }
      : check(list, req.url, a.body, false);
  return r ? refusedScript(r) : answer(a.body, a.res);
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (!cfg || req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== location.origin || url.pathname === MANIFEST_PATH || url.pathname === "/sw.js") return;
  const isNav = req.mode === "navigate";
  const isScript = /\.(m?js|wasm)$/.test(url.pathname);
  if (!isNav && !isScript) return;
  e.respondWith(
    (async () => {
      if (!(await trusted())) {
        // First use: learn the manifest so later loads are enforced; serve as is.
        if (isNav) void manifests(true);
        return fetch(req);
      }
      return isNav ? navigate(req) : script(req);
    })(),
  );
});
