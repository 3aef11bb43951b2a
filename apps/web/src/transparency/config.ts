/**
 * What the page trusts, fixed at build time (so it is inside the hashed, logged bundle itself):
 * `VITE_WAICT_SERVICE` (the transparency service's tree domain), `VITE_WAICT_WITNESSES` (witness
 * verifier keys, comma-separated), `VITE_WAICT_QUORUM` (default 1). `pnpm dev` sets them from
 * `.dev-keys/`; a production build sets the deployment's (README "Served transparently").
 */
export interface TrustConfig {
  service: string;
  witnesses: string[];
  quorum: number;
}

/** The manifest response path (the room Worker's `MANIFEST_PATH`, named by its header). */
export const MANIFEST_PATH = "/.well-known/waict/manifest";

export function trustConfig(): TrustConfig | undefined {
  const env = import.meta.env as Record<string, string | undefined>;
  const service = env.VITE_WAICT_SERVICE?.trim();
  const witnesses = (env.VITE_WAICT_WITNESSES ?? "")
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  if (!service || witnesses.length === 0) return undefined;
  const quorum = Number(env.VITE_WAICT_QUORUM ?? "1");
  return { service, witnesses, quorum: Number.isSafeInteger(quorum) && quorum > 0 ? quorum : 1 };
}
