// README.md "Usage", verbatim, its free names declared after it (test/readme-examples.test.ts).
import { checkIntegrity, verifyTransparency } from "@sealroom/manifest/browser";

const res = await fetch(manifestUrl);
const t = await verifyTransparency(new Uint8Array(await res.arrayBuffer()), {
  domain: location.hostname, // the tree key is derived from this, never from the proof
  trustedServices: ["transparency.example"],
  witnessKeys: WITNESS_VKEYS, // signed-note vkeys (type 0x06), e.g. "witness.example+1a2b3c4d+BmP…"
  quorum: 2,
  // Unix seconds as numbers (docs/architecture.md "Time"); a Date, bigint or ms is a TypeError:
  // now: Math.floor(Date.now() / 1000) (default), maxAge: 7 * 86400 (default), maxFutureSkew: 300 (default)
});
if (!t.ok) throw new Error(`${t.reason}: ${t.detail}: ${t.message}`); // e.g. invalid_transparency_proof
if (t.status === "verified") {
  const r = checkIntegrity(t.manifest, url, "script", bodyBytes, { origin: location.origin });
  if (!r.ok) console.error(r.reason); // missing_from_manifest | no_manifest_match | …
}

declare const manifestUrl: string;
declare const WITNESS_VKEYS: string[];
declare const url: string;
declare const bodyBytes: Uint8Array;
declare const location: { hostname: string; origin: string };
