/**
 * Local dev keys (run by dev.sh before `pnpm dev`; `node tooling/scripts/dev-keys.ts`; imported by
 * dev-stack.ts and the e2e tests).
 *
 * On first start it generates, into the git-ignored `.dev-keys/`: the local witness's cosigner key
 * (type 0x06, @sealroom/prefix-tree's key functions, as `sealroom keygen` does), an admin token, and
 * the local site's append key (`site.skey`/`site.vkey`, type 0x01 named `sealroom.localhost`, as
 * `sealroom keygen sealroom.localhost --append` does). On every start it (re)writes the managed
 * lines of each app's git-ignored `.dev.vars`, keeping any other lines there:
 *   apps/witness/.dev.vars       WITNESS_SKEY, ADMIN_TOKEN
 *   apps/transparency/.dev.vars  WITNESS_KEYS (the vkey), WITNESS_QUORUM=1, WITNESS_NOTIFY_URLS
 *   apps/room/.dev.vars          WAICT_APPEND_KEY (the site's append vkey, for /.well-known/waict-enroll)
 * Keys are reused on later starts, so cosignatures stored by the local stack stay valid.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { appendVerifierKey, generateAppendKey } from "../../packages/manifest/src/index.ts";
import {
  cosignerKeyFromSignerKey,
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  generateCosignerKey,
  parseSignerKey,
} from "../../packages/prefix-tree/src/note.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const WITNESS_NAME = "witness.sealroom.localhost";
/** The local site's domain (the transparency service's DEV_ORIGINS maps it to the room Worker). */
export const SITE_DOMAIN = "sealroom.localhost";

export interface DevKeys {
  dir: string;
  witnessSkey: string;
  witnessVkey: string;
  adminToken: string;
  siteSkeyFile: string;
  siteVkey: string;
}

function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
  console.error(`dev-keys: wrote ${path}`);
  return value;
}

/** Creates the keys in `dir` on first use and returns them (reused afterwards). */
export function ensureDevKeys(dir = join(ROOT, ".dev-keys")): DevKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const witnessSkey = readOrCreate(join(dir, "witness.skey"), () =>
    formatCosignerSignerKey(generateCosignerKey(WITNESS_NAME)),
  );
  const witnessVkey = formatCosignerVerifierKey(cosignerKeyFromSignerKey(parseSignerKey(witnessSkey)));
  writeFileSync(join(dir, "witness.vkey"), `${witnessVkey}\n`);
  const adminToken = readOrCreate(join(dir, "admin-token"), () => randomBytes(24).toString("base64url"));
  const siteSkeyFile = join(dir, "site.skey");
  const siteSkey = readOrCreate(siteSkeyFile, () => generateAppendKey(SITE_DOMAIN).signerKey);
  const siteVkey = appendVerifierKey(siteSkey);
  writeFileSync(join(dir, "site.vkey"), `${siteVkey}\n`);
  return { dir, witnessSkey, witnessVkey, adminToken, siteSkeyFile, siteVkey };
}

/** The vars each app needs for the local stack (dev.sh writes them to `.dev.vars`; tests to env files). */
export function devVars(
  keys: DevKeys,
  witnessPort = 8789,
): Record<"witness" | "transparency" | "room", Record<string, string>> {
  return {
    witness: { WITNESS_SKEY: keys.witnessSkey, ADMIN_TOKEN: keys.adminToken },
    transparency: {
      WITNESS_KEYS: keys.witnessVkey,
      WITNESS_QUORUM: "1",
      WITNESS_NOTIFY_URLS: `http://127.0.0.1:${witnessPort}/notify`,
    },
    room: { WAICT_APPEND_KEY: keys.siteVkey },
  };
}

/** Sets `vars` in a dotenv file, replacing their old lines and keeping all others. */
function setDevVars(path: string, vars: Record<string, string>): void {
  const old = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const kept = old.filter((l) => l !== "" && !Object.keys(vars).some((k) => l.startsWith(`${k}=`)));
  const lines = [...kept, ...Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}

export function writeDevVars(keys: DevKeys): void {
  for (const [app, vars] of Object.entries(devVars(keys)))
    setDevVars(join(ROOT, "apps", app, ".dev.vars"), vars);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keys = ensureDevKeys();
  writeDevVars(keys);
  console.error(`dev-keys: local witness ${keys.witnessVkey}`);
  console.error(`dev-keys: site append key ${keys.siteVkey}`);
}
