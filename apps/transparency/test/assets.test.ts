/** The R2 asset host: signed, hash-checked uploads by an enrolled domain; immutable fetches. */

import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64, encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import { DOMAIN_HEADER, SIGNATURE_HEADER, signUpload } from "@sealroom/manifest";
import { describe, expect, it } from "vitest";
import { call, makeSite, whileCosigning } from "./helpers.ts";

describe("asset host", () => {
  it("stores a signed upload under its digest and serves it immutably with its length", async () => {
    const site = await makeSite(13);
    expect((await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }))).status).toBe(200);
    const body = new TextEncoder().encode("console.log('hello')\n");
    const digest = sha256(body);
    const name = `sha256-${encodeBase64UrlNoPad(digest)}`;
    expect((await call(`/fetch/${name}`)).status).toBe(404);
    const sig = encodeBase64(signUpload(site.signerKey, { domain: site.domain, digest }));
    const headers = { [DOMAIN_HEADER]: site.domain, [SIGNATURE_HEADER]: sig };

    const wrongBody = await call(`/upload/${name}`, { method: "PUT", body: new Uint8Array([1]), headers });
    expect(wrongBody.status).toBe(400);
    const otherDigest = `sha256-${encodeBase64UrlNoPad(sha256(new Uint8Array([1])))}`;
    expect(
      (await call(`/upload/${otherDigest}`, { method: "PUT", body: new Uint8Array([1]), headers })).status,
    ).toBe(403);
    const unenrolled = { ...headers, [DOMAIN_HEADER]: "site38.test" };
    expect((await call(`/upload/${name}`, { method: "PUT", body, headers: unenrolled })).status).toBe(400);
    expect((await call(`/fetch/${name}`)).status).toBe(404);

    const ok = await call(`/upload/${name}`, { method: "PUT", body, headers });
    expect(ok.status).toBe(201);
    const got = await call(`/fetch/${name}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-length")).toBe(String(body.length));
    expect(got.headers.get("cache-control")).toContain("immutable");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(body);
  });

  it("refuses bodies over the size cap with 413", async () => {
    const site = await makeSite(14);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const digest = new Uint8Array(32);
    const sig = encodeBase64(signUpload(site.signerKey, { domain: site.domain, digest }));
    const r = await call(`/upload/sha256-${encodeBase64UrlNoPad(digest)}`, {
      method: "PUT",
      body: new Uint8Array(25 * 1024 * 1024 + 1),
      headers: { [DOMAIN_HEADER]: site.domain, [SIGNATURE_HEADER]: sig },
    });
    expect(r.status).toBe(413);
  });
});
