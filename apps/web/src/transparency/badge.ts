/**
 * The transparency badge (issue 16), loaded by its own `<script type="module">` line in index.html.
 * Mounts into `#transparency-badge` when the page has one (the call UI's header), else a fixed
 * corner element. States (`data-state`): checking, verified, unenrolled, failed, off.
 *
 * Honest wording: a page that checks itself proves consistency (the code it runs is the code
 * publicly logged for this site, witnessed by N), not safety: whoever serves the page could also
 * serve a page that lies here. The `sealroom verify` CLI and a browser extension check from outside
 * the page (README "Served transparently").
 *
 * The work starts after the page's `load` event, in a module worker (verify-worker.ts), so the
 * app's main thread is not blocked (the bench measures it); this file only lists URLs and renders. After a verified check it registers the service worker
 * (`/sw.js`, src/sw.ts), which enforces the manifest on later loads (trust on first use).
 */
import { trustConfig } from "./config.ts";
import { type AssetCheck, isCheckedAsset, loadedAssets } from "./verify-page.ts";
import type { FromWorker, Summary, ToWorker } from "./verify-worker.ts";

type State = "checking" | "verified" | "unenrolled" | "failed" | "refused" | "off";

const HONEST =
  "This page checked itself: the code it loaded is the code publicly logged for this site and cosigned by the witnesses named. That proves consistency, not safety: whoever serves this page could also serve one that lies here. `sealroom verify` or a browser extension checks from outside the page.";

function mount(): HTMLElement {
  const slot = document.getElementById("transparency-badge");
  const el = document.createElement("div");
  el.className = "sealroom-transparency";
  el.setAttribute("role", "status");
  el.setAttribute("aria-live", "polite");
  el.title = HONEST;
  if (slot) slot.append(el);
  else {
    el.style.cssText =
      "position:fixed;right:.5rem;bottom:.5rem;z-index:2147483647;max-width:min(34rem,95vw);padding:.35rem .6rem;border-radius:.4rem;font:12px/1.35 system-ui,sans-serif;background:#111c;color:#fff;word-break:break-word";
    document.body.append(el);
  }
  return el;
}

const age = (s: number) =>
  s < 90
    ? `${s}s`
    : s < 5400
      ? `${Math.round(s / 60)}min`
      : s < 172800
        ? `${Math.round(s / 3600)}h`
        : `${Math.round(s / 86400)}d`;

function render(el: HTMLElement, state: State, text: string, extra: Record<string, string> = {}): void {
  el.dataset.state = state;
  for (const [k, v] of Object.entries(extra)) el.dataset[k] = v;
  el.textContent = text;
}

let badge: HTMLElement | undefined;
/** Set once the service worker refused something: nothing later may show "verified". */
let refused = false;

// The service worker refused a script (src/sw.ts): say so, whatever the check finds.
navigator.serviceWorker?.addEventListener("message", (e: MessageEvent) => {
  const m = e.data as { type?: string; url?: string; reason?: string; message?: string };
  if (m?.type !== "sealroom-refused" || !m.url) return;
  refused = true;
  badge ??= mount();
  render(
    badge,
    "refused",
    `Transparency: the service worker REFUSED ${new URL(m.url).pathname} — ${m.reason}: ${m.message}`,
    {
      reason: m.reason ?? "",
      asset: new URL(m.url).pathname,
    },
  );
});

function summary(t: Extract<Summary, { ok: true }>, checked: number): string {
  const now = Math.floor(Date.now() / 1000);
  const w = t.cosigners.map((c) => `${c.name} (${age(Math.max(0, now - c.time))} ago)`).join(", ");
  return `Transparency: verified · ${t.service} · N=${t.treeSize} · root ${t.rootHex}… · witnesses ${w} · ${checked} scripts match the logged manifest`;
}

async function run(): Promise<void> {
  badge ??= mount();
  const el = badge;
  const cfg = trustConfig();
  if (!cfg) {
    render(el, "off", "Transparency: not configured in this build (no service or witness keys).");
    return;
  }
  if (!refused) render(el, "checking", "Transparency: checking…");
  const t0 = performance.now();
  const origin = location.origin;
  const worker = new Worker(new URL("./verify-worker.ts", import.meta.url), { type: "module" });
  const send = (m: ToWorker) => worker.postMessage(m);
  let t: Summary | undefined;
  const seen = new Set<string>();
  const failures: AssetCheck[] = [];
  let checked = 0;
  const show = () => {
    if (refused || !t?.ok) return;
    const f = failures[0];
    if (f)
      render(
        el,
        "failed",
        `Transparency: NOT verified — ${f.reason}: ${f.message ?? f.url} (${failures.length} of ${checked} scripts)`,
        {
          reason: f.reason ?? "",
          asset: new URL(f.url).pathname,
        },
      );
    else render(el, "verified", summary(t, checked), { checked: String(checked) });
  };
  const check = (urls: string[]) => {
    const fresh = urls.filter((u) => !seen.has(u));
    for (const u of fresh) seen.add(u);
    if (fresh.length > 0) send({ type: "check", urls: fresh });
  };
  worker.onerror = (e) => {
    if (!refused && !t)
      render(
        el,
        "failed",
        `Transparency: NOT verified — the verifier did not run: ${e.message || "worker failed to load"}`,
        {
          reason: "verifier_unavailable",
        },
      );
  };
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === "transparency") {
      t = m.summary;
      if (refused) return;
      if (!t.ok) {
        render(el, "failed", `Transparency: NOT verified — ${t.reason} (${t.detail}): ${t.message}`, {
          reason: t.reason,
          detail: t.detail,
        });
        return;
      }
      if (t.status === "unenrolled") {
        render(
          el,
          "unenrolled",
          `Transparency: unenrolled — ${t.service} shows this site left transparency (tombstone cosigned by ${t.cosigners.map((c) => c.name).join(", ")}). Nothing is checked.`,
          { reason: "unenrolled" },
        );
        return;
      }
      check(loadedAssets(document, origin));
      // Later loads (workers when a call starts, lazy chunks).
      new PerformanceObserver((list) => {
        check(
          list
            .getEntries()
            .map((x) => x.name.split("#")[0]!)
            .filter((u) => isCheckedAsset(u, origin)),
        );
      }).observe({ type: "resource" });
    } else {
      const first = checked === 0;
      for (const r of m.results) {
        checked++;
        if (!r.ok) failures.push(r);
      }
      show();
      if (first) {
        el.dataset.ms = String(Math.round(performance.now() - t0));
        if (failures.length === 0 && "serviceWorker" in navigator)
          navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" }).catch(() => {});
      }
    }
  };
  send({ type: "verify", cfg, hostname: location.hostname, origin, now: Math.floor(Date.now() / 1000) });
}

if (document.readyState === "complete") void run();
else addEventListener("load", () => void run(), { once: true });
