/**
 * The page checking itself (issue 16): `verifyTransparency` on the manifest response the site serves,
 * then `checkIntegrity` on every script, worker and wasm the page loaded. `loadedAssets` runs in the
 * page; `verifyManifest` and `checkAsset` run in the badge's worker (verify-worker.ts).
 *
 * Which bytes: the URLs come from the page's own Resource Timing entries (plus its `<script src>` and
 * `<link rel=modulepreload>` tags, and later entries through a PerformanceObserver, e.g. workers
 * started when a call begins). The bytes are read with `fetch(url, {cache: "force-cache"})`, which
 * answers from the HTTP cache entry the page itself loaded, whatever its freshness, and only goes
 * to the network when the entry is gone (then the check is of a second copy; a page cannot read the
 * bytes of its own `<script>` loads any other way). The room Worker serves the assets with validators,
 * so the cache holds them.
 */
import {
  checkIntegrity,
  FailureReason,
  type Manifest,
  type TransparencyResult,
  verifyTransparency,
} from "@sealroom/manifest/browser-worker";
import { MANIFEST_PATH, type TrustConfig } from "./config.ts";

export interface AssetCheck {
  url: string;
  ok: boolean;
  reason?: string;
  message?: string;
}

/** Same-origin scripts, workers and wasm: by path, since worker fetches have no script initiator. */
export function isCheckedAsset(url: string, origin: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.origin === origin && /\.(m?js|wasm)$/.test(u.pathname);
}

/** The script URLs this document has loaded so far. */
export function loadedAssets(doc: Document, origin: string): string[] {
  const urls = new Set<string>();
  for (const e of performance.getEntriesByType("resource")) urls.add(e.name);
  for (const s of doc.querySelectorAll<HTMLScriptElement>("script[src]")) urls.add(s.src);
  for (const l of doc.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"][href]')) urls.add(l.href);
  return [...urls].filter((u) => isCheckedAsset(u, origin)).map((u) => new URL(u).href.split("#")[0]!);
}

export async function verifyManifest(
  cfg: TrustConfig,
  loc: { hostname: string; origin: string },
  now?: number,
): Promise<TransparencyResult> {
  let body: Uint8Array;
  try {
    const res = await fetch(MANIFEST_PATH, { cache: "no-store" });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    body = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return {
      ok: false,
      reason: FailureReason.manifestUnavailable,
      detail: "fetch_failed",
      message: `${MANIFEST_PATH}: ${(e as Error).message}`,
    };
  }
  return verifyTransparency(body, {
    domain: loc.hostname,
    origin: loc.origin,
    trustedServices: [cfg.service],
    witnessKeys: cfg.witnesses,
    quorum: cfg.quorum,
    ...(now === undefined ? {} : { now }),
  });
}

export async function checkAsset(manifest: Manifest, url: string, origin: string): Promise<AssetCheck> {
  let bytes: Uint8Array;
  try {
    const res = await fetch(url, { cache: "force-cache" });
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return { url, ok: false, reason: "fetch_failed", message: (e as Error).message };
  }
  const r = checkIntegrity(manifest, url, "script", bytes, { origin });
  return r.ok ? { url, ok: true } : { url, ok: false, reason: r.reason, message: r.message };
}
