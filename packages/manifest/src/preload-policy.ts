/**
 * The preload-list policy `verifyTransparency` applies when given `preload` (Sealroom extension;
 * the WAICT blog post, "Signaling transparency" and "Cooldown"; docs/preload-list.md "Client policy").
 *
 * For a site on an unexpired transparency (or dev-ids) list:
 *  - no header or no manifest                                  -> `stripped`
 *  - a manifest response with an empty proof line              -> `missing_transparency_proof`
 *  - an invalid proof                                          -> its own reason (`invalid_transparency_proof`, …)
 *  - a head older than the list's tree saw (chain size)         -> `stale_head`
 *  - a tombstone, or a logged emergency opt-out, younger than
 *    the cooldown (24 h)                                       -> `unenrolment_cooldown`
 *  - an older tombstone                                        -> passes, status `unenrolled`
 * For a site on an unexpired dev-ids list, a verified manifest must carry `sealroom_dev_ids`
 * whose `since` evidence shows the current value in a tree at least 24 h old -> else
 * `extension_cooldown` (WAICT blog post: "dev-ids must exist … and dev-ids-inclusion must contain an
 * inclusion proof showing that the current value of dev-ids was in a prefix tree that is at least
 * 24 hours old").
 * A site on no list and without a header passes as `not_enrolled`. An expired list does not apply
 * ("until the last preload list it appears in has expired").
 *
 * The policy is an object handed to `verifyTransparency`, so the verifier itself only imports its
 * type: the browser bundle pays for this code only when a caller builds a policy.
 */

import { durationSeconds } from "@sealroom/hash-chain/time";
import { checkDevIdsEvidence, DEV_IDS_KEY, readDevIds } from "./dev-ids.ts";
import { type Failure, FailureReason, failure } from "./errors.ts";
import { findPreloadEntry, type PreloadEntry, type PreloadList, PreloadListKind } from "./preload-list.ts";
import { timeWindow } from "./time-window.ts";
import type { VerifiedPreloadList } from "./verify-preload-list.ts";
import type { TransparencyResult, VerifyTransparencyOptions } from "./verify-transparency.ts";

/** The WAICT blog post's unenrolment and extension cooldown: 24 hours, in seconds. */
export const UNENROLMENT_COOLDOWN = 24 * 60 * 60;

/** A site on no preload list that sent no header: transparency does not apply to it. */
export interface TransparencyNotEnrolled {
  ok: true;
  status: "not_enrolled";
  domain: string;
}

export interface PreloadPolicyInput {
  /** The transparency list the client holds (verified by `verifyPreloadList`). */
  list?: PreloadList | VerifiedPreloadList;
  /** The dev-ids list the client holds. */
  devIds?: PreloadList | VerifiedPreloadList;
  /** Unenrolment and extension cooldown in seconds (default 24 h). */
  cooldown?: number;
}

export interface PreloadPolicy {
  /** No header or no manifest for `options.domain`. */
  absent(options: VerifyTransparencyOptions): TransparencyNotEnrolled | Failure;
  /** Applies the list rules to what the draft's checks concluded about a manifest response. */
  check(result: TransparencyResult, options: VerifyTransparencyOptions): Promise<TransparencyResult>;
}

const fail = failure;

function asList(
  l: PreloadList | VerifiedPreloadList | undefined,
  kind: PreloadListKind,
): PreloadList | undefined {
  const list = l && "ok" in l ? l.list : l;
  if (list !== undefined && list.kind !== kind)
    throw new TypeError(`a preload list of kind ${list.kind} was given where kind ${kind} belongs`);
  return list;
}

/** Builds the policy for `verifyTransparency(..., { preload })` from the lists the client holds. */
export function preloadPolicy(input: PreloadPolicyInput): PreloadPolicy {
  const list = asList(input.list, PreloadListKind.transparency);
  const devIds = asList(input.devIds, PreloadListKind.devIds);
  const cooldown = durationSeconds(input.cooldown ?? UNENROLMENT_COOLDOWN, "cooldown");
  const nowOf = (o: VerifyTransparencyOptions) => timeWindow(o).now;
  // Only unexpired lists apply.
  const lookup = (l: PreloadList | undefined, o: VerifyTransparencyOptions): PreloadEntry | undefined =>
    l !== undefined && BigInt(nowOf(o)) < l.expires ? findPreloadEntry(l, o.domain) : undefined;

  return {
    absent(o) {
      const on = lookup(list, o) ?? lookup(devIds, o);
      if (on)
        return fail(
          FailureReason.stripped,
          "no_manifest",
          `${on.domain} is on the preload list but sent no WAICT header or manifest`,
        );
      return { ok: true, status: "not_enrolled", domain: o.domain };
    },

    async check(r, o) {
      const onList = lookup(list, o);
      const onDevIds = lookup(devIds, o);
      if (!onList && !onDevIds) return r;
      if (!r.ok) {
        if (r.reason === FailureReason.invalidTransparencyProof && r.detail === "empty")
          return fail(
            FailureReason.missingTransparencyProof,
            "no_proof",
            `${o.domain} is on the preload list but its manifest has no transparency proof`,
          );
        return r;
      }
      // A head older than the one the list's tree held: a replayed old manifest and proof.
      const size = r.head.entry.positionInChain + 1n;
      for (const e of [onList, onDevIds])
        if (e && size < e.chainSize)
          return fail(
            FailureReason.staleHead,
            "older_than_list",
            `the proof is for chain size ${size} of ${o.domain}; the preload list saw size ${e.chainSize}`,
          );
      const now = nowOf(o);
      if (r.status === "unenrolled" || r.status === "emergency_opt_out") {
        const age = now - Number(r.head.entry.timeCreated);
        if (age < cooldown)
          return fail(
            FailureReason.unenrolmentCooldown,
            r.status === "unenrolled" ? "tombstone_too_recent" : "opt_out_too_recent",
            `${o.domain} is on the preload list and ${r.status === "unenrolled" ? "unenrolled" : "opted out"} ${age} s ago; the cooldown is ${cooldown} s`,
          );
        return r;
      }
      if (onDevIds) {
        const d = readDevIds(r.manifest);
        if (d === undefined)
          return fail(
            FailureReason.extensionCooldown,
            "dev_ids_missing",
            `${o.domain} is on the dev-ids preload list but its manifest has no "${DEV_IDS_KEY}"`,
          );
        if ("ok" in d) return d;
        const why = await checkDevIdsEvidence(d, o, cooldown);
        if (why) return fail(FailureReason.extensionCooldown, why.detail, why.message);
      }
      return r;
    },
  };
}
