/**
 * The status page: per followed service its mode, verified N and root, last cosignature, last
 * poll, transient error and refusals with reasons and times. `GET /` is HTML, `GET /status` JSON.
 * Every string that may come from a service (reasons quote it) is HTML-escaped.
 */
import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import { signerKey } from "../config.ts";
import type { Env } from "../env.ts";
import { followedServices, stubFor } from "../services.ts";
import type { ServiceStatus } from "../witness-state.ts";

async function statuses(env: Env): Promise<ServiceStatus[]> {
  return Promise.all(followedServices(env).map((s) => stubFor(env, s.tree_domain).status()));
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : "never");

function vkeyOrError(env: Env): string {
  try {
    return formatCosignerVerifierKey(signerKey(env));
  } catch (e) {
    return `unavailable: ${(e as Error).message}`;
  }
}

export const status = new Hono<{ Bindings: Env }>()
  .get("/status", async (c) => c.json({ vkey: vkeyOrError(c.env), services: await statuses(c.env) }))
  .get("/", async (c) => {
    const list = await statuses(c.env);
    const rows = list.map(
      (s) => html`<section>
  <h2>${s.service?.tree_domain ?? "?"} <small>${s.service?.mode ?? ""}</small></h2>
  <p class="${s.halted ? "halted" : "ok"}">${s.halted ? "HALTED: signs nothing until an operator reset" : "following"}</p>
  <dl>
    <dt>service</dt><dd>${s.service?.url ?? ""}</dd>
    <dt>verified N</dt><dd>${s.size}</dd>
    <dt>root</dt><dd><code>${s.root}</code></dd>
    <dt>service N</dt><dd>${s.remoteSize ?? "?"}</dd>
    <dt>last cosignature</dt><dd>${
      s.lastCosignature
        ? `N=${s.lastCosignature.size} at ${new Date(s.lastCosignature.time * 1000).toISOString()}, ${
            s.lastCosignature.uploadedAt
              ? `uploaded ${iso(s.lastCosignature.uploadedAt)}`
              : "not uploaded yet"
          }`
        : "none"
    }</dd>
    <dt>last poll</dt><dd>${iso(s.polledAt)}</dd>
    <dt>last error</dt><dd>${s.error ? `${iso(s.error.at)}: ${s.error.message}` : "none"}</dd>
  </dl>
  <h3>Refusals</h3>
  ${
    s.refusals.length === 0
      ? html`<p>none</p>`
      : html`<table><tr><th>time</th><th>kind</th><th>N</th><th>reason</th><th>cleared</th></tr>${s.refusals.map(
          (r) =>
            html`<tr><td>${iso(r.at)}</td><td>${r.kind}</td><td>${r.size}</td><td>${r.reason}</td><td>${r.clearedAt ? iso(r.clearedAt) : "no"}</td></tr>`,
        )}</table>`
  }
</section>`,
    );
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sealroom witness</title>
<style>${raw("body{font:14px system-ui;margin:2em;max-width:70em}code{word-break:break-all}.halted{color:#b00;font-weight:bold}.ok{color:#070}dt{font-weight:bold;float:left;width:10em}dd{margin-left:11em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}")}</style>
</head><body>
<h1>Sealroom witness</h1>
<p>verifier key: <code>${vkeyOrError(c.env)}</code></p>
${list.length === 0 ? html`<p>No services followed (SERVICES is empty).</p>` : rows}
</body></html>`);
  });
