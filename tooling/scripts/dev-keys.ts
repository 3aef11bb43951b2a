/**
 * Local dev keys (run by dev.sh before `pnpm dev`; `node tooling/scripts/dev-keys.ts`).
 *
 * On first start it generates the local witness's cosigner key (type 0x06, @sealroom/prefix-tree's
 * key functions, as `sealroom keygen` does) and an admin token into the git-ignored `.dev-keys/`;
 * on every start it (re)writes the managed lines of each app's git-ignored `.dev.vars`, keeping
 * any other lines there:
 *   apps/witness/.dev.vars       WITNESS_SKEY, ADMIN_TOKEN
 *   apps/transparency/.dev.vars  WITNESS_KEYS (the vkey), WITNESS_QUORUM=1, WITNESS_NOTIFY_URLS
 * Keys are reused on later starts, so cosignatures stored by the local stack stay valid.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cosignerKeyFromSignerKey,
  formatCosignerSignerKey,
  formatCosignerVerifierKey,
  generateCosignerKey,
  parseSignerKey,
} from "../../packages/prefix-tree/src/index.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const KEYS = join(ROOT, ".dev-keys");
const KEY_NAME = "witness.sealroom.localhost";

function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: "wx" });
  console.error(`dev-keys: wrote ${path}`);
  return value;
}

/** Sets `vars` in a dotenv file, replacing their old lines and keeping all others. */
function setDevVars(path: string, vars: Record<string, string>): void {
  const old = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const kept = old.filter((l) => l !== "" && !Object.keys(vars).some((k) => l.startsWith(`${k}=`)));
  const lines = [...kept, ...Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}

mkdirSync(KEYS, { recursive: true, mode: 0o700 });
const skey = readOrCreate(join(KEYS, "witness.skey"), () =>
  formatCosignerSignerKey(generateCosignerKey(KEY_NAME)),
);
const vkey = formatCosignerVerifierKey(cosignerKeyFromSignerKey(parseSignerKey(skey)));
writeFileSync(join(KEYS, "witness.vkey"), `${vkey}\n`);
const adminToken = readOrCreate(join(KEYS, "admin-token"), () => randomBytes(24).toString("base64url"));

setDevVars(join(ROOT, "apps/witness/.dev.vars"), { WITNESS_SKEY: skey, ADMIN_TOKEN: adminToken });
setDevVars(join(ROOT, "apps/transparency/.dev.vars"), {
  WITNESS_KEYS: vkey,
  WITNESS_QUORUM: "1",
  WITNESS_NOTIFY_URLS: "http://127.0.0.1:8789/notify",
});
console.error(`dev-keys: local witness ${vkey}`);
