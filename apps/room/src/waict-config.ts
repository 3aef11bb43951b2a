/**
 * The room Worker's WAICT configuration (README "Served transparently"): which domain it is enrolled
 * as, where its transparency service is, its append key (public) and asset hosts. Absent
 * `WAICT_DOMAIN` means transparency is off: no header and 404 for the WAICT routes.
 */
import type { Env } from "./env.ts";
import { RoomError } from "./errors.ts";

/** Where the web build puts its manifest line (apps/web `scripts/build.ts` writes it). */
export const MANIFEST_ASSET = "/waict-manifest.json";
/** Path of the manifest response the `Integrity-Policy-WAICT-v1` header names. */
export const MANIFEST_PATH = "/.well-known/waict/manifest";
export const ENROLL_PATH = "/.well-known/waict-enroll";
/** Test-only route (only with `SEALROOM_TEST_HOOKS=1`): flips one byte in one served asset. */
export const TAMPER_PATH = "/.well-known/sealroom-test/tamper";

export interface WaictConfig {
  domain: string;
  service: string;
  epochMs: number;
  appendKey?: string;
  assetHosts: string[];
  maxAge: number;
  mode: "enforce" | "report";
}

export function waictConfig(env: Env): WaictConfig | undefined {
  if (!env.WAICT_DOMAIN) return undefined;
  if (!env.WAICT_SERVICE_URL)
    throw new RoomError("transparency-misconfigured", "WAICT_DOMAIN is set but WAICT_SERVICE_URL is not");
  const service = env.WAICT_SERVICE_URL.replace(/\/+$/, "");
  const epochMs = Number(env.WAICT_EPOCH_MS || "1000");
  const maxAge = Number(env.WAICT_MAX_AGE || "3600");
  if (!Number.isSafeInteger(epochMs) || epochMs <= 0 || !Number.isSafeInteger(maxAge) || maxAge < 0)
    throw new RoomError("transparency-misconfigured", "WAICT_EPOCH_MS / WAICT_MAX_AGE must be integers");
  const hosts = (env.WAICT_ASSET_HOSTS || service)
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return {
    domain: env.WAICT_DOMAIN,
    service,
    epochMs,
    ...(env.WAICT_APPEND_KEY ? { appendKey: env.WAICT_APPEND_KEY } : {}),
    assetHosts: hosts,
    maxAge,
    mode: env.WAICT_MODE === "report" ? "report" : "enforce",
  };
}
