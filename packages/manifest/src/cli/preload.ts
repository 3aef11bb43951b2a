/**
 * `sealroom preload fetch --service <url>` (Node only; docs/preload-list.md "CLI"): fetches the
 * service's preload lists (`/preload-list/transparency`, `/preload-list/dev-ids`), verifies each with
 * `verifyPreloadList` against the witness keys given and, when a list is already held, proves the
 * new one extends it (`?from=<held chain size>`); stores what verified. A list that fails keeps
 * the held one in place and exits 1. `sealroom verify` then applies the stored lists.
 */

import { PreloadListKind } from "../preload-list.ts";
import { decodePreloadListResponse } from "../preload-list-response.ts";
import { verifyPreloadList } from "../verify-preload-list.ts";
import { parse } from "./args.ts";
import type { Command } from "./commands.ts";
import { CliError } from "./errors.ts";
import { KIND_FILES, readHeld, storeDir, writeHeld } from "./preload-store.ts";
import { request, serviceUrl } from "./service.ts";
import { intFlag, readKey } from "./verify.ts";

const usage =
  "preload fetch --service <url> [--tree-domain <domain>] --witness <vkey|@file> [--witness …] [--quorum n] [--store dir] [--now unix-seconds]";

const PATHS: Record<PreloadListKind, string> = {
  [PreloadListKind.transparency]: "/preload-list/transparency",
  [PreloadListKind.devIds]: "/preload-list/dev-ids",
};

export const preloadFetchCommand: Command = {
  path: ["preload", "fetch"],
  usage,
  summary: "fetch, verify and store a transparency service's preload lists (checked to extend the held ones)",
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        service: { type: "string" },
        "tree-domain": { type: "string" },
        witness: { type: "string", multiple: true },
        quorum: { type: "string" },
        store: { type: "string" },
        now: { type: "string" },
      },
      usage,
    );
    if (positionals.length !== 0)
      throw new CliError(`unexpected ${positionals[0]}\nusage: sealroom ${usage}`);
    const base = new URL(serviceUrl(values.service));
    const treeDomain = typeof values["tree-domain"] === "string" ? values["tree-domain"] : base.host;
    const witnesses = await Promise.all(((values.witness as string[] | undefined) ?? []).map(readKey));
    if (witnesses.length === 0) throw new CliError("at least one --witness <vkey> is required");
    const quorum = intFlag("quorum", values.quorum, 1);
    if (quorum < 1) throw new CliError("--quorum must be at least 1");
    const now = values.now === undefined ? undefined : intFlag("now", values.now, 0);
    const store = storeDir(values.store as string | undefined);

    let failed = false;
    for (const [kind, file] of KIND_FILES) {
      const name = file.replace(/\.bin$/, "");
      const held = await readHeld(store, treeDomain, kind);
      const from = held ? decodePreloadListResponse(held).list.version + 1n : undefined;
      const url = new URL(PATHS[kind], base);
      if (from !== undefined) url.searchParams.set("from", String(from));
      const res = await request(url.href);
      if (res.status === 404) {
        io.err(`${name}: the service publishes no such list (${url.href}: HTTP 404)\n`);
        continue;
      }
      if (res.status !== 200) throw new CliError(`GET ${url.href}: HTTP ${res.status}`);
      const body = new Uint8Array(await res.arrayBuffer());
      const r = await verifyPreloadList(body, {
        kind,
        trustedServices: [treeDomain],
        witnessKeys: witnesses,
        quorum,
        ...(now === undefined ? {} : { now }),
        ...(held ? { previous: held } : {}),
      });
      if (!r.ok) {
        failed = true;
        io.out(
          `${name}: FAILED ${r.reason} (${r.detail}): ${r.message}${held ? " (the held list is kept)" : ""}\n`,
        );
        continue;
      }
      const path = await writeHeld(store, treeDomain, kind, r.response);
      const prev = held ? decodePreloadListResponse(held).list : undefined;
      const before = new Set(prev?.entries.map((e) => e.domain));
      const after = new Set(r.list.entries.map((e) => e.domain));
      const added = [...after].filter((d) => !before.has(d));
      const removed = [...before].filter((d) => !after.has(d));
      io.out(
        `${name}: v${r.list.version}, ${r.list.entries.length} sites, tree ${r.list.treeSize}, expires ${r.list.expires}, cosigned by ${r.cosigners.map((c) => c.name).join(", ")} -> ${path}\n`,
      );
      if (prev) {
        for (const d of added) io.out(`  + ${d}\n`);
        for (const d of removed) io.out(`  - ${d}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
