/**
 * Where the CLI keeps the preload lists it verified (Node only; docs/preload-list.md "CLI"):
 * `<store>/<tree domain>/transparency.bin` and `dev-ids.bin`, each the exact response bytes
 * `verifyPreloadList` accepted. The store is `--store`, else `$SEALROOM_PRELOAD_DIR`, else
 * `~/.sealroom/preload`. A file is replaced by write-to-temporary then rename, so a crash leaves
 * the old list or the new one, never half of one.
 */

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { PreloadListKind } from "../preload-list.ts";
import { type PreloadPolicy, preloadPolicy } from "../preload-policy.ts";
import { type VerifiedPreloadList, verifyPreloadList } from "../verify-preload-list.ts";
import { CliError } from "./errors.ts";

export const KIND_FILES = [
  [PreloadListKind.transparency, "transparency.bin"],
  [PreloadListKind.devIds, "dev-ids.bin"],
] as const;

export function storeDir(flag: string | undefined): string {
  return flag ?? process.env.SEALROOM_PRELOAD_DIR ?? join(homedir(), ".sealroom", "preload");
}

function serviceDir(store: string, treeDomain: string): string {
  if (!/^[a-z0-9.:-]{1,260}$/i.test(treeDomain) || treeDomain.includes(".."))
    throw new CliError(`${JSON.stringify(treeDomain)} is not a service domain`);
  return join(store, treeDomain.toLowerCase());
}

/** The held response for a service and kind, or undefined. */
export async function readHeld(
  store: string,
  treeDomain: string,
  kind: PreloadListKind,
): Promise<Uint8Array | undefined> {
  const file = join(serviceDir(store, treeDomain), KIND_FILES.find(([k]) => k === kind)![1]);
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
}

export async function writeHeld(
  store: string,
  treeDomain: string,
  kind: PreloadListKind,
  bytes: Uint8Array,
): Promise<string> {
  const dir = serviceDir(store, treeDomain);
  const file = join(dir, KIND_FILES.find(([k]) => k === kind)![1]);
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
  return file;
}

export interface Trust {
  witnesses: string[];
  quorum: number;
  now?: number;
}

/**
 * The policy from every held list of `services` that still verifies (its cosignatures may be old:
 * they were fresh when fetched; expired lists are left out). `notes` says what was applied.
 */
export async function loadPreloadPolicy(
  store: string,
  services: readonly string[],
  trust: Trust,
): Promise<{ policy?: PreloadPolicy; notes: string[] }> {
  const notes: string[] = [];
  const lists: { list?: VerifiedPreloadList; devIds?: VerifiedPreloadList } = {};
  for (const service of services)
    for (const [kind] of KIND_FILES) {
      const held = await readHeld(store, service, kind);
      if (!held) continue;
      const r = await verifyPreloadList(held, {
        kind,
        trustedServices: [service],
        witnessKeys: trust.witnesses,
        quorum: trust.quorum,
        maxAge: Number.POSITIVE_INFINITY,
        ...(trust.now === undefined ? {} : { now: trust.now }),
      });
      const name = kind === PreloadListKind.devIds ? "dev-ids" : "transparency";
      if (!r.ok) {
        notes.push(`${service} ${name} list not applied: ${r.detail}: ${r.message}`);
        continue;
      }
      const slot = kind === PreloadListKind.devIds ? "devIds" : "list";
      // With several services, the first held list of each kind wins (one list per kind).
      if (lists[slot]) continue;
      lists[slot] = r;
      notes.push(
        `${service} ${name} list v${r.list.version} (${r.list.entries.length} sites, expires ${r.list.expires})`,
      );
    }
  if (!lists.list && !lists.devIds) return { notes };
  return { policy: preloadPolicy(lists), notes };
}
