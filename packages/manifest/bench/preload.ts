/**
 * Preload lists: the client's cost of accepting a list of `domains` sites (`verifyPreloadList`:
 * strict decode, list hash, 3 cosignatures, MPT inclusion, chain consistency over 16 versions)
 * and of the policy step on each page load, with anchors from the same run: SHA-256 over the
 * same list bytes (hashing the list is inherent) and `verifyTransparency` without a policy.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { decodePreloadList, findPreloadEntry, PreloadListKind } from "../src/preload-list.ts";
import { preloadPolicy } from "../src/preload-policy.ts";
import { verifyPreloadList } from "../src/verify-preload-list.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { NOW, PreloadWorld } from "../test/helpers/preload-world.ts";
import { type Timing, time } from "./verify.ts";

export async function measurePreload(
  domains: number,
  ops: number,
): Promise<{ timings: Timing[]; listBytes: number; responseBytes: number }> {
  const T = PreloadListKind.transparency;
  const w = new PreloadWorld({ leaves: 1000 });
  const line = JSON.stringify({ hashes: { "/": "A".repeat(43) } });
  w.append("site.example", line, NOW - 3600);
  w.seal(NOW - 3500);
  for (let i = 0; i < 16; i++) {
    w.publishList(T, { time: NOW - 3000 + i, expires: NOW + 86400 });
    w.seal(NOW - 3000 + i);
  }
  // The client cannot tell whether listed sites are in the tree: synthetic ones cost the same.
  const extra = Array.from({ length: domains }, (_, i) => ({ domain: `s${i}.example`, chainSize: 1n }));
  const bytes = w.publishList(T, { time: NOW - 100, expires: NOW + 86400, extra });
  w.seal(NOW - 60);
  const res = w.listResponse(T, bytes, { from: 1n });
  const trust = { kind: T, ...w.trust({ quorum: 3 }) };
  const v = await verifyPreloadList(res, trust);
  if (!v.ok) throw new Error(`bench list does not verify: ${v.detail}`);
  const site = w.siteResponse("site.example", line);
  const opts = { domain: "site.example", ...w.trust({ quorum: 3 }) };
  const policy = preloadPolicy({ list: v });
  const checked = await verifyTransparency(site, { ...opts, preload: policy });
  if (!checked.ok) throw new Error(`bench site does not verify: ${checked.detail}`);
  const timings = [
    await time(`verifyPreloadList (${domains + 1} sites, 3 cosignatures, 16-entry consistency)`, ops, () =>
      verifyPreloadList(res, trust),
    ),
    await time(`decodePreloadList alone (${bytes.length} B)`, ops, () => decodePreloadList(bytes)),
    await time(`anchor: SHA-256 over the ${bytes.length} B list`, ops, () => sha256(bytes)),
    await time(`findPreloadEntry in ${domains + 1} sites`, ops * 100, () =>
      findPreloadEntry(v.list, "s77.example"),
    ),
    await time("verifyTransparency with the preload policy (site on the list)", ops * 5, () =>
      verifyTransparency(site, { ...opts, preload: policy }),
    ),
    await time("anchor: verifyTransparency without a policy", ops * 5, () => verifyTransparency(site, opts)),
  ];
  return { timings, listBytes: bytes.length, responseBytes: res.length };
}
