/**
 * `sealroom monitor <domain> --preload`: the monitored domain's preload-list membership (Node only;
 * docs/preload-list.md "CLI"). Each check fetches `/preload-list/transparency?from=<recorded chain
 * size>`, verifies it with `verifyPreloadList` (the monitor's `--witness` keys), checks that the
 * service's preload chain extends the head recorded last time, and reports when the domain
 * enters or leaves the list. Flags:
 *  - `preload_rewrite`: the preload chain does not extend the recorded head (history rewritten);
 *  - `preload_dropped`: the domain left the list although its chain head is not a tombstone
 *    (an enrolled site the service stopped protecting: its list is not derived from the tree);
 *  - `bad_proof`: the list does not verify.
 */

import { checkpointOf, decodeChainNode, encodeChainNode, verifyChainConsistency } from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64 } from "@sealroom/hash-chain/base64";
import { findPreloadEntry, PreloadListKind } from "../preload-list.ts";
import { decodePreloadListResponse } from "../preload-list-response.ts";
import { verifyPreloadList } from "../verify-preload-list.ts";
import { CliError } from "./errors.ts";
import { failureText, request } from "./service.ts";

/** What the monitor records about the list between checks (in its state file). */
export interface PreloadMonitorState {
  version: string;
  listed: boolean;
  /** base64 of the preload chain's head `ChainNode` that logged that version. */
  head: string;
}

export interface PreloadCheck {
  /** What to record after a clean check (a flagged check writes no state, monitor.ts). */
  next?: PreloadMonitorState;
  notes: string[];
  flags: { flag: "preload_rewrite" | "preload_dropped" | "bad_proof"; message: string }[];
}

export async function checkPreload(o: {
  service: string;
  domain: string;
  witnesses: string[];
  quorum: number;
  state: PreloadMonitorState | undefined;
  /** Whether the domain's current chain head is a tombstone. */
  tombstoned: boolean;
}): Promise<PreloadCheck | "pending" | "none"> {
  const held = o.state ? decodeChainNode(decodeBase64(o.state.head) ?? new Uint8Array(0)) : undefined;
  const from = held ? `?from=${held.entry.positionInChain + 1n}` : "";
  const res = await request(`${o.service}/preload-list/transparency${from}`);
  if (res.status === 503) return "pending";
  if (res.status === 404 && !o.state) return "none";
  if (res.status !== 200) throw new CliError(`GET /preload-list/transparency: ${await failureText(res)}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const v = await verifyPreloadList(body, {
    kind: PreloadListKind.transparency,
    trustedServices: [decodeTdomain(body)],
    witnessKeys: o.witnesses,
    quorum: o.quorum,
  });
  if (!v.ok)
    return { notes: [], flags: [{ flag: "bad_proof", message: `preload list: ${v.detail}: ${v.message}` }] };
  // The list's version is its head's position (verifyPreloadList), so a chain that extends the
  // recorded head also carries a version at least the recorded one.
  if (
    held &&
    !verifyChainConsistency(
      checkpointOf(held),
      checkpointOf(v.head),
      decodePreloadListResponse(body).consistency,
    )
  )
    return {
      notes: [],
      flags: [
        {
          flag: "preload_rewrite",
          message: `preload list v${v.list.version} does not extend the recorded v${o.state!.version}`,
        },
      ],
    };
  const out: PreloadCheck = { notes: [], flags: [] };
  const listed = findPreloadEntry(v.list, o.domain) !== undefined;
  const was = o.state?.listed;
  if (listed && was !== true) out.notes.push(`entered the preload list (v${v.list.version})`);
  if (!listed && was === true) {
    out.notes.push(`left the preload list (v${v.list.version})`);
    if (!o.tombstoned)
      out.flags.push({
        flag: "preload_dropped",
        message: `preload list v${v.list.version} leaves out ${o.domain}, whose chain head is not a tombstone`,
      });
  }
  if (!listed && was === undefined) out.notes.push(`not on the preload list (v${v.list.version})`);
  out.next = { version: v.list.version.toString(), listed, head: encodeBase64(encodeChainNode(v.head)) };
  return out;
}

/** The `<tdomain>` of the response's signed root: the service the monitor talks to is the one it checks. */
function decodeTdomain(body: Uint8Array): string {
  try {
    const note = new TextDecoder().decode(decodePreloadListResponse(body).headProof.signedPrefixRoot);
    return note.slice(0, note.indexOf("/prefix-tree\n"));
  } catch {
    return "";
  }
}
