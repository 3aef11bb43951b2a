/**
 * Which sites a service puts on its preload list (Sealroom extension; docs/preload-list.md
 * "Deriving a list"). The WAICT blog post ("Cooldown") requires a client to demand, for a site on
 * the list, transparency or a tombstone at least `cooldown` old; a site that unenrolled must
 * therefore stay on the list until its tombstone is that old, or an attacker who unenrols a site
 * would be off the next list at once and could serve it without any header. Rule:
 *
 *   on the list  <=>  head is not a tombstone, or head.time_created + cooldown > now
 *
 * Each entry records the chain size (head position + 1) in the tree the list is derived from.
 */

import { type Entry, isTombstone } from "@sealroom/hash-chain";
import { durationSeconds, unixSeconds } from "@sealroom/hash-chain/time";
import type { PreloadEntry } from "./preload-list.ts";

/** The WAICT blog post's unenrolment and extension cooldown: 24 hours, in seconds. */
export const PRELOAD_COOLDOWN = 24 * 60 * 60;

export interface PreloadSite {
  domain: string;
  /** The site's head entry in the tree the list is derived from. */
  head: Entry;
}

/** Entries (unsorted) for the sites that belong on a list derived at `now` (Unix seconds). */
export function derivePreloadEntries(
  sites: Iterable<PreloadSite>,
  options: { now: number; cooldown?: number },
): PreloadEntry[] {
  const cooldown = BigInt(durationSeconds(options.cooldown ?? PRELOAD_COOLDOWN, "cooldown"));
  const now = BigInt(unixSeconds(options.now, "now"));
  const out: PreloadEntry[] = [];
  for (const s of sites) {
    if (isTombstone(s.head) && s.head.timeCreated + cooldown <= now) continue;
    out.push({ domain: s.domain, chainSize: s.head.positionInChain + 1n });
  }
  return out;
}
