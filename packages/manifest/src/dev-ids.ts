/**
 * Sealroom extension: code-signing identities ("dev-ids") with a 24 h cooldown.
 *
 * The WAICT blog post (Cloudflare, "Improving the trustworthiness of Javascript on the Web") and waict-apis.md "Appendix: Extensions" describe extensions whose
 * changes only take effect after a public cooldown, proved by an inclusion proof of the change; the
 * draft leaves the encoding TODO. Sealroom's encoding, a top-level manifest key that other WAICT
 * clients ignore ("All top-level items not specified above MUST be ignored"):
 *
 *     "sealroom_dev_ids": {
 *       "ids":   ["<identity>", ...],          // sorted, unique, non-empty strings (e.g. an OIDC subject)
 *       "since": {                              // optional: evidence of when this id set was logged
 *         "manifest": "<exact manifest line that first carried this id set>",
 *         "proof":    "<base64 ChainHeadWithProof of that manifest>"
 *       }
 *     }
 *
 * Policy (`checkDevIds`), for a client that pinned the ids it last accepted for the site:
 * - no pin yet: accept and pin (trust on first use, like the blog's preload-less mode);
 * - same ids as the pin: accept;
 * - different ids: accept only if `since` proves, with a quorum of valid cosignatures from trusted
 *   witnesses each at least `cooldown` (default 24 h) old, that a manifest with exactly these ids was
 *   in the site's chain; otherwise reject and keep the pin. Removing the extension while a pin exists
 *   is a change to the empty set and needs the same evidence (an `ids: []` manifest), so a compromised
 *   server cannot drop the field to escape the cooldown.
 * Because the evidence is an ordinary transparency proof, monitors see every change the moment it is
 * logged, a day before any client honours it.
 */

import { decodeBase64 } from "@sealroom/hash-chain/base64";
import { durationSeconds } from "@sealroom/hash-chain/time";
import { type Failure, FailureReason, failure } from "./errors.ts";
import { type Manifest, parseManifest } from "./manifest.ts";
import { encodeManifestResponse } from "./manifest-response.ts";
import { timeWindow } from "./time-window.ts";
import { type VerifyTransparencyOptions, verifyTransparency } from "./verify-transparency.ts";

export const DEV_IDS_KEY = "sealroom_dev_ids";
/** The blog's cooldown: 24 hours, in seconds. */
export const DEV_IDS_COOLDOWN = 24 * 60 * 60;

export interface DevIds {
  ids: string[];
  since?: { manifest: string; proof: string };
}

function bad(detail: string, message: string): Failure {
  return failure(FailureReason.invalidManifest, detail, message);
}

/** Reads the extension; `undefined` when absent. Returns a Failure when present but malformed. */
export function readDevIds(m: Manifest): DevIds | undefined | Failure {
  if (!Object.hasOwn(m.extensions, DEV_IDS_KEY)) return undefined;
  const v = m.extensions[DEV_IDS_KEY] as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return bad("dev_ids_malformed", `"${DEV_IDS_KEY}" must be an object`);
  const ids = v.ids;
  if (!Array.isArray(ids)) return bad("dev_ids_malformed", `"${DEV_IDS_KEY}.ids" must be an array`);
  for (let i = 0; i < ids.length; i++) {
    const id: unknown = ids[i];
    if (typeof id !== "string" || id === "")
      return bad("dev_ids_malformed", `"${DEV_IDS_KEY}.ids"[${i}] must be a non-empty string`);
    if (i > 0 && !((ids[i - 1] as string) < id))
      return bad("dev_ids_malformed", `"${DEV_IDS_KEY}.ids" must be sorted and unique`);
  }
  const out: DevIds = { ids: ids as string[] };
  if (Object.hasOwn(v, "since")) {
    const s = v.since as Record<string, unknown> | null;
    if (typeof s !== "object" || s === null || typeof s.manifest !== "string" || typeof s.proof !== "string")
      return bad("dev_ids_malformed", `"${DEV_IDS_KEY}.since" must hold string "manifest" and "proof"`);
    out.since = { manifest: s.manifest, proof: s.proof };
  }
  return out;
}

/** Adds or replaces the extension on a manifest (ids are sorted and de-duplicated). */
export function withDevIds(m: Manifest, ids: string[], since?: DevIds["since"]): Manifest {
  const sorted = [...new Set(ids)].sort();
  const value: DevIds = since ? { ids: sorted, since } : { ids: sorted };
  return { ...m, extensions: { ...m.extensions, [DEV_IDS_KEY]: value } };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type DevIdsResult = { ok: true; ids: string[]; changed: boolean; pin: string[] } | Failure;

export interface DevIdsPolicy {
  /** The ids this client accepted last time for this site, or undefined on first visit. */
  pinned?: readonly string[];
  /** Cooldown in seconds (default 24 h). */
  cooldown?: number;
  /** How to verify the `since` evidence: trust roots of `verifyTransparency` (maxAge is ignored). */
  verify: VerifyTransparencyOptions;
}

/**
 * Checks that `devIds.since` proves its id set cooled down: a logged manifest of the same domain
 * (verified with `verify`'s trust roots; `maxAge` and any preload policy do not apply to it: it is
 * old by design) carrying exactly these ids, created at least `cooldown` seconds ago and cosigned
 * by a quorum of trusted witnesses at least that long ago. Returns why not, or undefined.
 * Details: `dev_ids_cooldown` (no evidence, or too young), `dev_ids_since_invalid`.
 */
export async function checkDevIdsEvidence(
  devIds: DevIds,
  verify: VerifyTransparencyOptions,
  cooldown: number = DEV_IDS_COOLDOWN,
): Promise<{ detail: string; message: string } | undefined> {
  const ids = devIds.ids;
  if (!devIds.since)
    return { detail: "dev_ids_cooldown", message: "dev ids without evidence of when they were logged" };
  const invalid = (message: string) => ({ detail: "dev_ids_since_invalid", message });
  const proof = decodeBase64(devIds.since.proof);
  if (proof === undefined) return invalid('"since.proof" is not base64');
  const now = timeWindow(verify).now;
  durationSeconds(cooldown, "cooldown");
  let body: Uint8Array;
  try {
    body = encodeManifestResponse(devIds.since.manifest, proof);
  } catch {
    return invalid('"since.manifest" must be one line');
  }
  const { preload: _, ...trust } = verify;
  // The evidence may be old: that is the point. Freshness is replaced by the cooldown bound below.
  const r = await verifyTransparency(body, { ...trust, maxAge: Number.POSITIVE_INFINITY });
  if (!r.ok) return invalid(`"since" evidence does not verify: ${r.detail}: ${r.message}`);
  if (r.status !== "verified") return invalid('"since" evidence is not a logged manifest');
  const old = readDevIds(parseManifest(devIds.since.manifest));
  if (old === undefined || "ok" in old || !sameIds(old.ids, ids))
    return invalid('"since.manifest" does not carry the same ids');
  const cooled = r.cosigners.filter((c) => c.time <= now - cooldown).length;
  if (cooled < verify.quorum || Number(r.head.entry.timeCreated) > now - cooldown)
    return {
      detail: "dev_ids_cooldown",
      message: `dev ids logged less than ${cooldown} s ago (${cooled} of ${verify.quorum} required cosignatures are old enough)`,
    };
  return undefined;
}

/** Applies the cooldown policy to a manifest already verified by `verifyTransparency`. */
export async function checkDevIds(m: Manifest, policy: DevIdsPolicy): Promise<DevIdsResult> {
  const read = readDevIds(m);
  if (read !== undefined && "ok" in read) return read;
  const ids = read?.ids ?? [];
  const pinned = policy.pinned;
  if (pinned === undefined) return { ok: true, ids, changed: false, pin: ids };
  if (sameIds(ids, pinned)) return { ok: true, ids, changed: false, pin: [...pinned] };
  if (read === undefined)
    return bad(
      "dev_ids_removed",
      `"${DEV_IDS_KEY}" was removed while ids are pinned; a removal needs a cooled-down "ids": []`,
    );
  const cooldown = policy.cooldown ?? DEV_IDS_COOLDOWN;
  const why = await checkDevIdsEvidence(read, policy.verify, cooldown);
  if (why) return bad(why.detail, why.message);
  return { ok: true, ids, changed: true, pin: ids };
}
