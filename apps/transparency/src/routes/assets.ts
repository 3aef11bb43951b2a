/**
 * The asset host (waict-apis.md "Asset Host API"), in R2, keyed `sha256-<base64url>`:
 * `GET /fetch/sha256-<digest>` (immutable) and `PUT /upload/sha256-<digest>`, signed by an
 * enrolled domain's append key over (domain, digest) (README "Asset uploads").
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import {
  DOMAIN_HEADER,
  decodeSignatureHeader,
  parseAppendKey,
  SIGNATURE_HEADER,
  verifyUpload,
} from "@sealroom/manifest";
import { Hono } from "hono";
import { bad, ErrorKind, ServiceError } from "../errors.ts";
import { type AppEnv, boundedBody, domainParam, IMMUTABLE, shardFor } from "./common.ts";

export const assets = new Hono<AppEnv>();

/** Largest asset accepted (bytes). */
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

function digestParam(d: string): Uint8Array {
  const h = d.startsWith("sha256-") && d.length === 50 ? decodeBase64UrlNoPad(d.slice(7)) : undefined;
  if (h?.length !== 32) throw bad("digest must be sha256-<base64url of 32 bytes>");
  return h;
}

assets.get("/fetch/:digest", async (c) => {
  const d = c.req.param("digest");
  digestParam(d);
  const obj = await c.env.ASSET_STORE.get(d);
  if (!obj) throw new ServiceError(ErrorKind.NotFound, "no such asset");
  return new Response(obj.body, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(obj.size),
      "cache-control": IMMUTABLE,
      etag: `"${d}"`,
    },
  });
});

assets.put("/upload/:digest", async (c) => {
  const d = c.req.param("digest");
  const digest = digestParam(d);
  const domain = domainParam(c.req.header(DOMAIN_HEADER));
  const sig = decodeSignatureHeader(c.req.header(SIGNATURE_HEADER));
  if (!sig) throw bad(`${SIGNATURE_HEADER} must be base64 of a 64-byte Ed25519 signature`);
  const keyText = await shardFor(c.env, domain).stub.appendKey(domain);
  if (keyText === null) throw new ServiceError(ErrorKind.NotEnrolled, `${domain} is not enrolled`);
  if (!(await verifyUpload(parseAppendKey(keyText), sig, { domain, digest })))
    throw new ServiceError(ErrorKind.BadSignature, "upload signature does not verify");
  const body = await boundedBody(c, MAX_ASSET_BYTES);
  const got = sha256(body);
  if (!got.every((b, i) => b === digest[i])) throw bad("body does not hash to the digest in the path");
  await c.env.ASSET_STORE.put(d, body, { httpMetadata: { contentType: "application/octet-stream" } });
  return c.json({ stored: d, size: body.length }, 201);
});
