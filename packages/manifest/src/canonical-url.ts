/**
 * Canonical URL keys of the manifest `hashes` dictionary (waict-integrity v2 "Validating Manifests").
 *
 * The draft parses a key with the WHATWG API URL parser against the top-level origin, drops the
 * fragment and calls the key canonical when the serialization equals the key. Read literally this
 * rejects every relative key, yet the draft's own example uses `/assets/x.html` and says "the base is
 * only applied when the provided URL is relative". Sealroom accepts both readings that round-trip:
 * an absolute key whose serialization equals itself, and a path-absolute key (`/…`) whose resolution
 * against the origin serializes to `origin + key`. Either way the lookup key is the absolute
 * serialization, which is what the per-fetch check compares with `reqKey`.
 */

/** Origin used to check path-absolute keys when the caller does not know the page's origin. */
export const PLACEHOLDER_ORIGIN = "https://waict.invalid";

/** `reqKey` of waict-integrity "Integrity Check" step 4: serialization with the fragment excluded. */
export function requestKey(url: string | URL): string | undefined {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch {
    return undefined;
  }
  u.hash = "";
  return u.href;
}

let lastOrigin: string | undefined;
let lastBase = "";
/** `new URL(origin).origin`, remembered for the last `origin` (a manifest's keys share one). */
function originOf(origin: string): string {
  if (origin !== lastOrigin) {
    lastBase = new URL(origin).origin; // throws for an unparseable origin, before it is remembered
    lastOrigin = origin;
  }
  return lastBase;
}

/**
 * The absolute form of a canonical manifest key, or undefined when the key is not canonical.
 * `origin` is serialized as `scheme://host[:port]` (no trailing slash).
 */
export function canonicalKey(key: string, origin: string = PLACEHOLDER_ORIGIN): string | undefined {
  let u: URL;
  let base: string;
  try {
    base = originOf(origin);
    u = new URL(key, `${base}/`);
  } catch {
    return undefined;
  }
  if (u.hash !== "" || key.includes("#")) return undefined;
  const abs = u.href;
  if (abs === key) return abs;
  if (key.startsWith("/") && !key.startsWith("//") && abs === base + key) return abs;
  return undefined;
}
