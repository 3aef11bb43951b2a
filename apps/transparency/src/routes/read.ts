/**
 * Per-domain reads (waict-apis.md "Get Leaf", "Get Entries Tile", "Get Chain Hash", "Get Asset
 * Hosts") and the `/chain-proof` extension for monitors. Only sealed entries are served.
 */
import { CHAIN_HASH_INDEX_LIMIT, parseEntriesTilePath } from "@sealroom/hash-chain";
import { decodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { Hono } from "hono";
import { bad } from "../errors.ts";
import { type AppEnv, decimalParam, domainParam, indexParam, logOf, octets, rest, unwrap } from "./common.ts";

export const read = new Hono<AppEnv>();

read.get("/leaf/:domain", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const r = unwrap(await logOf(c.env).leaf(domain));
  return octets(r.proof, "no-store");
});

read.get("/entries-tile/*", async (c) => {
  const path = `/entries-tile/${rest(c, "/entries-tile/")}`;
  let ref: ReturnType<typeof parseEntriesTilePath>;
  try {
    ref = parseEntriesTilePath(path);
  } catch (e) {
    throw bad(`entries-tile path: ${(e as Error).message}`);
  }
  const domain = domainParam(ref.domain);
  const tile = unwrap(await logOf(c.env).entriesTile(domain, Number(ref.index), ref.width));
  // A full tile never changes; a partial one grows into a longer partial or a full tile, but its
  // bytes at this path (same width) never change either.
  return octets(tile, "public, max-age=31536000, immutable");
});

read.get("/chain-hash/:domain/*", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const idx = rest(c, `/chain-hash/${c.req.param("domain")}/`);
  const n = indexParam(idx, CHAIN_HASH_INDEX_LIMIT, "N");
  return octets(
    unwrap(await logOf(c.env).chainHash(domain, Number(n))),
    "public, max-age=31536000, immutable",
  );
});

read.get("/asset-hosts/:digest", async (c) => {
  const d = c.req.param("digest");
  const h = d.startsWith("sha256-") ? decodeBase64UrlNoPad(d.slice(7)) : undefined;
  if (h?.length !== 32) throw bad("digest must be sha256-<base64url of 32 bytes>");
  return octets(unwrap(await logOf(c.env).assetHosts(h)), "public, max-age=31536000, immutable");
});

read.get("/chain-proof/:domain", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const from = decimalParam(c.req.query("from"), 1n << 32n, "from");
  const to = decimalParam(c.req.query("to"), 1n << 32n, "to");
  if (to - from > 100_000n) throw bad("at most 100000 entries per proof");
  return octets(unwrap(await logOf(c.env).chainProof(domain, Number(from), Number(to))), "no-store");
});
