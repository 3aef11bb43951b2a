/**
 * Explorer pages (extension): server-rendered HTML, no scripts, one small stylesheet, readable on
 * a phone. `/` the service overview, `/explore/domain/<domain>` a chain's history,
 * `/explore/batch/<N>` a batch's events. Every value is escaped.
 */

import { TREE_EVENT_BATCH_INDEX_LIMIT } from "@sealroom/hash-chain";
import { encodeBase64, encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { decodeTreeEventBatch } from "@sealroom/prefix-tree";
import { Hono } from "hono";
import { ErrorKind, ServiceError } from "../errors.ts";
import { type AppEnv, domainParam, indexParam, logOf, rest, shardFor, unwrap } from "./common.ts";

export const explorer = new Hono<AppEnv>();

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const when = (t: number | null | undefined): string =>
  t ? `${new Date(t * 1000).toISOString().replace(".000Z", "Z")}` : "—";

const age = (t: number | null | undefined): string => {
  if (!t) return "never";
  const s = Math.max(0, Math.floor(Date.now() / 1000) - t);
  return s < 120
    ? `${s} s ago`
    : s < 7200
      ? `${Math.floor(s / 60)} min ago`
      : `${Math.floor(s / 3600)} h ago`;
};

function page(title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:52rem;padding:1rem;color:#222}
code{font-size:.85em;word-break:break-all}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}
a{color:#0645ad}.muted{color:#777}h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.5rem}
form{margin:1rem 0}input{font:inherit;padding:.3rem;width:60%}</style></head>
<body><p><a href="/">transparency service</a></p><h1>${esc(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

explorer.get("/", async (c) => {
  const o = await logOf(c.env).overview();
  const witnesses = o.witnesses
    .map(
      (w) =>
        `<tr><td>${esc(w.name)}</td><td>${w.size === null ? "—" : esc(w.size)}</td><td>${esc(age(w.time))}</td></tr>`,
    )
    .join("");
  const batches = o.batches
    .map(
      (b) =>
        `<tr><td><a href="/explore/batch/${b.n}">${b.n}</a></td><td>${esc(b.events)}</td><td>${esc(when(b.time))}</td></tr>`,
    )
    .join("");
  return page(
    `${o.tree_domain}`,
    `<table><tr><th>tree size N</th><td>${o.size}</td></tr>
<tr><th>root</th><td><code>${esc(o.root)}</code></td></tr>
<tr><th>sealed</th><td>${esc(when(o.time))} (${esc(age(o.time))})</td></tr>
<tr><th>epoch</th><td>${o.epochMs} ms; ${o.staged} staged event(s)</td></tr>
<tr><th>domains</th><td>${o.domains}</td></tr>
<tr><th>cosignatures on N</th><td>${o.cosignatures.length} (quorum ${o.quorum})</td></tr></table>
<form action="/explore/domain" method="get"><input name="d" placeholder="example.com" aria-label="domain"> <button>history</button></form>
<h2>Witnesses</h2><table><tr><th>key</th><th>latest size cosigned</th><th>when</th></tr>${witnesses || '<tr><td colspan="3" class="muted">none configured</td></tr>'}</table>
<h2>Latest batches</h2><table><tr><th>N</th><th>events</th><th>sealed</th></tr>${batches || '<tr><td colspan="3" class="muted">none yet</td></tr>'}</table>`,
  );
});

explorer.get("/explore/domain", (c) => {
  const d = domainParam(c.req.query("d"));
  return c.redirect(`/explore/domain/${d}`, 302);
});

explorer.get("/explore/domain/:domain", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const h = await shardFor(c.env, domain).stub.history(domain);
  if (!h) throw new ServiceError(ErrorKind.NotFound, `${domain} is not enrolled`);
  const rows = h.entries
    .map(
      (e) =>
        `<tr><td>${e.position}</td><td>${esc(when(e.time))}</td><td><code>${esc(e.resourceHash)}</code>${
          e.tombstone ? " <strong>tombstone</strong>" : ""
        }<br><a class="muted" href="/asset-hosts/sha256-${esc(encodeBase64UrlNoPad(Uint8Array.from(atob(e.assetHostsHash), (x) => x.charCodeAt(0))))}">asset hosts</a></td><td>${e.sealed ? "sealed" : "staged"}</td></tr>`,
    )
    .join("");
  return page(
    domain,
    `<p>${h.size} entries (${h.sealedSize} sealed), enrolled ${esc(when(h.enrolledAt))}.
<a href="/leaf/${esc(domain)}">leaf</a></p>
<table><tr><th>#</th><th>time</th><th>resource hash</th><th></th></tr>${rows}</table>`,
  );
});

explorer.get("/explore/batch/*", async (c) => {
  const n = indexParam(rest(c, "/explore/batch/"), TREE_EVENT_BATCH_INDEX_LIMIT, "N");
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ServiceError(ErrorKind.NotFound, `batch ${n} is not sealed`);
  const b = unwrap(await logOf(c.env).batch(Number(n)));
  const events = decodeTreeEventBatch(b.bytes).events;
  const rows = events
    .map(
      (e, i) =>
        `<tr><td>${i}</td><td><a href="/explore/domain/${esc(e.domain)}">${esc(e.domain)}</a></td><td><code>${esc(
          encodeBase64(e.newResourceHash),
        )}</code></td><td>${esc(when(Number(e.timestamp)))}</td><td>${e.assetHosts ? esc(e.assetHosts.join(" ")) : "unchanged"}</td></tr>`,
    )
    .join("");
  return page(
    `batch ${n}`,
    `<p>sealed ${esc(when(b.time))}; root after it (size ${n + 1n}): <code>${esc(encodeBase64(b.root))}</code>.
<a href="/tree-event-batch/${n}">bytes</a> · <a href="/batch-proof/${n}">proof</a></p>
<table><tr><th>#</th><th>domain</th><th>resource hash</th><th>time</th><th>asset hosts</th></tr>${rows}</table>`,
  );
});
