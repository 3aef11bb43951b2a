/**
 * The badge's verification, off the page's main thread (a module worker started after `load`): the
 * transparency check (signatures, proof walk) and hashing every loaded script cost tens of ms of CPU
 * on a cold page, which on the main thread would delay the app's time to interactive (issue 16's
 * bench). The worker fetches with the page's HTTP cache (same origin), so `force-cache` reads the
 * page's own copies. Protocol (structured clone):
 *   page -> worker  {type: "verify", cfg, hostname, origin, now}  (the page's clock, Unix s)   then {type: "check", urls}
 *   worker -> page  {type: "transparency", summary}           then {type: "checked", results}
 */
import type { Manifest } from "@sealroom/manifest/browser-worker";
import type { TrustConfig } from "./config.ts";
import { type AssetCheck, checkAsset, isCheckedAsset, verifyManifest } from "./verify-page.ts";

export type Summary =
  | { ok: false; reason: string; detail: string; message: string }
  | {
      ok: true;
      status: string;
      service: string;
      treeSize: string;
      rootHex: string;
      cosigners: { name: string; time: number }[];
    };

export type ToWorker =
  | { type: "verify"; cfg: TrustConfig; hostname: string; origin: string; now: number }
  | { type: "check"; urls: string[] };
export type FromWorker =
  | { type: "transparency"; summary: Summary }
  | { type: "checked"; results: AssetCheck[] };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
};
let manifest: Promise<Manifest | undefined> | undefined;
let origin = "";
// Checks run one after another, in arrival order; each URL once.
let queue = Promise.resolve();
const seen = new Set<string>();

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "verify") {
    origin = m.origin;
    manifest = (async () => {
      let summary: Summary;
      let result: Manifest | undefined;
      try {
        const t = await verifyManifest(m.cfg, { hostname: m.hostname, origin: m.origin }, m.now);
        if (!t.ok) summary = { ok: false, reason: t.reason, detail: t.detail, message: t.message };
        else {
          summary = {
            ok: true,
            status: t.status,
            service: t.service,
            treeSize: t.treeSize.toString(),
            rootHex: Array.from(t.root.subarray(0, 4), (x) => x.toString(16).padStart(2, "0")).join(""),
            cosigners: t.cosigners,
          };
          if (t.status === "verified") result = t.manifest;
        }
      } catch (err) {
        summary = {
          ok: false,
          reason: "verifier_unavailable",
          detail: "exception",
          message: (err as Error).message,
        };
      }
      scope.postMessage({ type: "transparency", summary });
      return result;
    })();
  } else if (m.type === "check") {
    queue = queue.then(async () => {
      const mf = await manifest;
      if (!mf) return;
      // The page's URLs, this worker's own script and what it loaded itself (the verifier's chunks
      // appear in this worker's Resource Timing, not the page's).
      const own = [location.href, ...performance.getEntriesByType("resource").map((x) => x.name)];
      const urls = [...m.urls, ...own.map((u) => u.split("#")[0]!).filter((u) => isCheckedAsset(u, origin))];
      const fresh = [...new Set(urls)].filter((u) => !seen.has(u));
      for (const u of fresh) seen.add(u);
      // All fetches at once (each is usually an HTTP-cache read of the page's own copy); each body
      // is hashed as it arrives. One after another, the last answer came a round trip per asset later.
      const results = await Promise.all(fresh.map((url) => checkAsset(mf, url, origin)));
      scope.postMessage({ type: "checked", results });
    });
  }
};
