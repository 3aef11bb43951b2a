/**
 * Per-domain reads (waict-apis.md "Get Leaf", "Get Entries Tile", "Get Chain Hash", "Get Asset
 * Hosts") and the `/chain-proof` extension for monitors. Only sealed entries are served.
 */
import { CHAIN_HASH_INDEX_LIMIT, decodeChainNode, parseEntriesTilePath } from "@sealroom/hash-chain";
import { decodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { encodeChainHeadWithProof } from "@sealroom/manifest";
import { joinShardProof } from "@sealroom/prefix-tree";
import { Hono } from "hono";
import { bad, ErrorKind, ServiceError } from "../errors.ts";
import {
  type AppEnv,
  decimalParam,
  domainParam,
  indexParam,
  logOf,
  octets,
  rest,
  shardFor,
  unwrap,
} from "./common.ts";

export const read = new Hono<AppEnv>();

/**
 * The sealed head with its proof at the latest size, if that size is cosigned: the owning shard's
 * part joined with the coordinator's top segments for that size (prefix-tree `joinShardProof`).
 * A shard already past that size (a seal in progress) is asked again once the seal published.
 */
read.get("/leaf/:domain", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const shard = shardFor(c.env, domain);
  for (let attempt = 0; attempt < 3; attempt++) {
    const top = await logOf(c.env).leafTop(shard.index);
    const got = top.segments ? await shard.stub.proofs([domain], top.size) : [];
    if (got === null) {
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      continue;
    }
    const p = got[0];
    if (!p || !top.segments) throw new ServiceError(ErrorKind.NotFound, `${domain} is not in the tree`);
    if (!top.note)
      throw new ServiceError(ErrorKind.NotYetCosigned, `tree size ${top.size} is not cosigned yet`);
    const proof = encodeChainHeadWithProof({
      head: decodeChainNode(p.head),
      incProof: joinShardProof(p.part, top.segments),
      signedPrefixRoot: top.note,
    });
    return octets(proof, "no-store");
  }
  throw new ServiceError(ErrorKind.NotYetCosigned, "the tree is being sealed, retry");
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
  const tile = unwrap(await shardFor(c.env, domain).stub.entriesTile(domain, Number(ref.index), ref.width));
  // A full tile never changes; a partial one grows into a longer partial or a full tile, but its
  // bytes at this path (same width) never change either.
  return octets(tile, "public, max-age=31536000, immutable");
});

read.get("/chain-hash/:domain/*", async (c) => {
  const domain = domainParam(c.req.param("domain"));
  const idx = rest(c, `/chain-hash/${c.req.param("domain")}/`);
  const n = indexParam(idx, CHAIN_HASH_INDEX_LIMIT, "N");
  return octets(
    unwrap(await shardFor(c.env, domain).stub.chainHash(domain, Number(n))),
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
  return octets(
    unwrap(await shardFor(c.env, domain).stub.chainProof(domain, Number(from), Number(to))),
    "no-store",
  );
});
