/**
 * The service end to end inside workerd: enrolment, signed appends, waiting for a witness quorum,
 * every read endpoint, cosignature upload rules. Appends are answered only after the test (acting
 * as the witness, with a real Ed25519 key) uploads a cosignature, and the `ChainHeadWithProof`
 * verifies with @sealroom/manifest's client verifier.
 */
import {
  type ChainCheckpoint,
  checkpointOf,
  decodeAssetHosts,
  decodeChainConsistencyProof,
  decodeEntriesTile,
  nextChainHash,
  verifyChainConsistency,
} from "@sealroom/hash-chain";
import { decodeBase64, encodeBase64UrlNoPad } from "@sealroom/hash-chain/base64";
import {
  decodeChainHeadWithProof,
  encodeManifestResponse,
  POSITION_HEADER,
  verifyTransparency,
} from "@sealroom/manifest";
import { decodeBatchProofBundle, emptyRoot, verifyBatch } from "@sealroom/prefix-tree";
import { formatSignatureLine, generateCosignerKey, signCosignature } from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import {
  appendRequest,
  b64,
  batchEvents,
  call,
  checkpoint,
  cosignLatest,
  entryBody,
  makeSite,
  manifestLine,
  TDOMAIN,
  WITNESS_VKEYS,
  WITNESSES,
  whileCosigning,
} from "./helpers.ts";

async function verified(domain: string, version: number, proof: Uint8Array) {
  return verifyTransparency(encodeManifestResponse(manifestLine(version), proof), {
    domain,
    trustedServices: [TDOMAIN],
    witnessKeys: WITNESS_VKEYS,
    quorum: 1,
  });
}

describe("enrolment and appends", () => {
  it("enrols, appends with signatures and answers each with a cosigned ChainHeadWithProof", async () => {
    const site = await makeSite(0);
    const r0 = await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    expect(r0.status).toBe(200);
    expect(r0.headers.get(POSITION_HEADER)).toBe("0");
    const p0 = new Uint8Array(await r0.arrayBuffer());
    const v0 = await verified(site.domain, 0, p0);
    expect(v0.ok && v0.status).toBe("verified");

    for (const version of [1, 2]) {
      const req = appendRequest(site, BigInt(version), entryBody(version));
      const r = await whileCosigning(call(`/append/${site.domain}`, req));
      expect(r.status).toBe(200);
      const proof = new Uint8Array(await r.arrayBuffer());
      expect(decodeChainHeadWithProof(proof).head.entry.positionInChain).toBe(BigInt(version));
      const v = await verified(site.domain, version, proof);
      expect(v.ok).toBe(true);
      // The proof is for this version's manifest line, not the previous one.
      expect((await verified(site.domain, version - 1, proof)).ok).toBe(false);
    }

    // A replay of an old signed append is a 409 naming the current position, and appends nothing.
    const before = await checkpoint();
    const replay = await call(`/append/${site.domain}`, appendRequest(site, 1n, entryBody(5)));
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: "position_conflict", position: "3" });
    // Retrying the very append already stored at position 2 does not append again: it answers.
    const retry = await whileCosigning(call(`/append/${site.domain}`, appendRequest(site, 2n, entryBody(2))));
    expect(retry.status).toBe(200);
    expect(
      decodeChainHeadWithProof(new Uint8Array(await retry.arrayBuffer())).head.entry.positionInChain,
    ).toBe(2n);
    expect((await checkpoint()).size).toBe(before.size);
    const leaf = await call(`/leaf/${site.domain}`);
    expect(leaf.status).toBe(200);
    expect(
      decodeChainHeadWithProof(new Uint8Array(await leaf.arrayBuffer())).head.entry.positionInChain,
    ).toBe(2n);
  });

  it("refuses bad signatures, other keys, positions ahead and unenrolled domains", async () => {
    const site = await makeSite(1);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const other = await makeSite(2, 0, 99); // a key of another domain (not enrolled yet)
    const body = entryBody(1);
    const wrongKey = await call(
      `/append/${site.domain}`,
      appendRequest({ ...site, signerKey: other.signerKey }, 1n, body),
    );
    expect(wrongKey.status).toBe(403);
    const tampered = appendRequest(site, 1n, body);
    (tampered as { body: Uint8Array }).body = entryBody(7);
    expect((await call(`/append/${site.domain}`, tampered)).status).toBe(403);
    const ahead = await call(`/append/${site.domain}`, appendRequest(site, 5n, body));
    expect(ahead.status).toBe(409);
    expect(await ahead.json()).toMatchObject({ position: "1" });
    expect((await call(`/append/${other.domain}`, appendRequest(other, 0n, body))).status).toBe(400);
  });

  it("answers 503 + Retry-After when no witness cosigns in time; the append stays and a retry completes it", async () => {
    const site = await makeSite(3);
    const r = await call(`/enroll/${site.domain}`, { method: "POST" });
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBeTruthy();
    expect(await r.json()).toMatchObject({ error: "not_yet_cosigned", position: "0" });
    const req = () => appendRequest(site, 1n, entryBody(1));
    const a = await call(`/append/${site.domain}`, req());
    expect(a.status).toBe(503);
    const sizeBefore = (await checkpoint()).size;
    const again = await whileCosigning(call(`/append/${site.domain}`, req()));
    expect(again.status).toBe(200);
    const proof = decodeChainHeadWithProof(new Uint8Array(await again.arrayBuffer()));
    expect(proof.head.entry.positionInChain).toBe(1n);
    // No batch after the first one held site3's retry: it was not staged twice.
    const cp = await checkpoint();
    let count = 0;
    for (let n = 0; n < cp.size; n++)
      count += (await batchEvents(n)).filter((e) => e.domain === site.domain).length;
    expect(count).toBe(2);
    expect(cp.size).toBeGreaterThanOrEqual(sizeBefore);
  });

  it("Prefer: respond-async answers 202 once the append is staged; /stats counts the rows", async () => {
    const site = await makeSite(16);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const req = appendRequest(site, 1n, entryBody(1));
    (req.headers as Record<string, string>).prefer = "respond-async";
    const r = await call(`/append/${site.domain}`, req);
    expect(r.status).toBe(202);
    expect(await r.json()).toEqual({ position: "1", staged: true });
    const stats = (await (await call("/stats")).json()) as {
      rows: { entries: number };
      databaseSize: number;
    };
    expect(stats.rows.entries).toBeGreaterThanOrEqual(2);
    expect(stats.databaseSize).toBeGreaterThan(0);
  });

  it("re-enrolment appends and rotates the append key", async () => {
    const site = await makeSite(4, 0, 40);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const rotated = await makeSite(4, 1, 41);
    const r = await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    expect(decodeChainHeadWithProof(new Uint8Array(await r.arrayBuffer())).head.entry.positionInChain).toBe(
      1n,
    );
    expect((await call(`/append/${site.domain}`, appendRequest(site, 2n, entryBody(2)))).status).toBe(403);
    const ok = await whileCosigning(call(`/append/${site.domain}`, appendRequest(rotated, 2n, entryBody(2))));
    expect(ok.status).toBe(200);
  });

  it("refuses enrolment when the site's document is missing, malformed or lacks an append key", async () => {
    expect((await call("/enroll/site39.test", { method: "POST" })).status).toBe(424);
    const site = await makeSite(5);
    const { serveWellKnown } = await import("./helpers.ts");
    await serveWellKnown(site, 0, 200, '{"resource_hash": "nope"}');
    expect((await call(`/enroll/${site.domain}`, { method: "POST" })).status).toBe(424);
    await serveWellKnown(site, 0, 200, new TextDecoder().decode(entryBody(0)));
    const r = await call(`/enroll/${site.domain}`, { method: "POST" });
    expect(r.status).toBe(424);
    expect(((await r.json()) as { message: string }).message).toMatch(/append_key/);
    await serveWellKnown(site, 0, 302);
    expect((await call(`/enroll/${site.domain}`, { method: "POST" })).status).toBe(424);
    // Not in DEV_ORIGINS: only https://<domain> is ever fetched (and fails here: no network).
    expect((await call("/enroll/unmapped.example", { method: "POST" })).status).toBe(424);
  });
});

describe("reads", () => {
  it("serves tiles, chain hashes, asset hosts, chain proofs, batches and batch proofs that verify", async () => {
    const site = await makeSite(6);
    const r = await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    await whileCosigning(call(`/append/${site.domain}`, appendRequest(site, 1n, entryBody(1))));
    const head = decodeChainHeadWithProof(new Uint8Array(await r.arrayBuffer())).head;

    const tile = await call(`/entries-tile/${site.domain}/000.p/2`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get("cache-control")).toContain("immutable");
    const entries = decodeEntriesTile(new Uint8Array(await tile.arrayBuffer()), 0n, 2);
    expect(entries[0]).toEqual(head.entry);
    expect((await call(`/entries-tile/${site.domain}/000.p/3`)).status).toBe(404);
    expect((await call(`/entries-tile/${site.domain}/000`)).status).toBe(404);

    const ch = await call(`/chain-hash/${site.domain}/000`);
    expect(new Uint8Array(await ch.arrayBuffer())).toEqual(nextChainHash(head));
    expect((await call(`/chain-hash/${site.domain}/0`)).status).toBe(200);

    const hosts = await call(`/asset-hosts/sha256-${encodeBase64UrlNoPad(head.entry.assetHostsHash)}`);
    expect(decodeAssetHosts(new Uint8Array(await hosts.arrayBuffer()))).toEqual(["https://assets.example/"]);

    const proof = await call(`/chain-proof/${site.domain}?from=1&to=2`);
    const older: ChainCheckpoint = checkpointOf(head);
    const leaf = decodeChainHeadWithProof(
      new Uint8Array(await (await call(`/leaf/${site.domain}`)).arrayBuffer()),
    );
    const p = decodeChainConsistencyProof(new Uint8Array(await proof.arrayBuffer()));
    expect(verifyChainConsistency(older, checkpointOf(leaf.head), p)).toBe(true);
    expect((await call(`/chain-proof/${site.domain}?from=0&to=9`)).status).toBe(404);

    // Every sealed batch replays from the previous root to the next one through its compact proof.
    const cp = await checkpoint();
    let root = emptyRoot();
    for (let n = 0; n < cp.size; n++) {
      const res = await call(`/batch-proof/${n}`);
      expect(res.headers.get("cache-control")).toContain("immutable");
      const bundle = decodeBatchProofBundle(new Uint8Array(await res.arrayBuffer()));
      const batch = new Uint8Array(await (await call(`/tree-event-batch/${n}`)).arrayBuffer());
      expect(bundle.batch).toEqual(batch);
      const next = verifyBatch(root, bundle.proof, batch);
      expect(next).not.toBeNull();
      root = next!;
    }
    expect(b64(root)).toBe((await checkpoint()).root);
    expect((await call(`/tree-event-batch/${cp.size}`)).status).toBe(404);
    expect((await call("/tree-event-batch/x001/000")).status).toBe(404);
    expect((await call("/tree-event-batch/x000/001")).status).toBe(400);

    const pl = (await (await call("/preload-list")).json()) as { domains: string[]; size: number };
    expect(pl.domains).toContain(site.domain);
  });
});

describe("cosignatures", () => {
  it("stores only valid cosignatures of configured witnesses for the right root; uploads are idempotent", async () => {
    const site = await makeSite(7);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const cp = await checkpoint();
    const root = decodeBase64(cp.root)!;
    const t = Math.floor(Date.now() / 1000);
    const good = formatSignatureLine(
      signCosignature(WITNESSES[1]!, { tdomain: TDOMAIN, size: BigInt(cp.size), root }, t),
    );
    const post = (n: number, body: string) => call(`/upload-cosignature/${n}`, { method: "POST", body });

    const stranger = generateCosignerKey("witness-a.test", new Uint8Array(32).fill(0x33));
    const unknown = formatSignatureLine(
      signCosignature(stranger, { tdomain: TDOMAIN, size: BigInt(cp.size), root }, t),
    );
    expect((await post(cp.size, unknown)).status).toBe(403);
    const wrongRoot = formatSignatureLine(
      signCosignature(
        WITNESSES[1]!,
        { tdomain: TDOMAIN, size: BigInt(cp.size), root: new Uint8Array(32) },
        t,
      ),
    );
    expect((await post(cp.size, wrongRoot)).status).toBe(422);
    const forged = `${good.slice(0, 40)}${good[40] === "A" ? "B" : "A"}${good.slice(41)}`;
    expect([400, 422]).toContain((await post(cp.size, forged)).status);
    // One bad line refuses the whole body: the good line in it is not stored either.
    expect((await post(cp.size, good + wrongRoot)).status).toBe(422);
    expect((await checkpoint()).cosignatures.filter((l) => l.startsWith("— witness-b.test"))).toEqual([]);
    expect((await post(cp.size + 1, good)).status).toBe(404);
    expect((await post(cp.size, "garbage\n")).status).toBe(400);

    expect(await (await post(cp.size, good)).json()).toEqual({ stored: 1 });
    expect((await post(cp.size, good)).status).toBe(200);
    const lines = (await checkpoint()).cosignatures;
    expect(lines).toContain(good);
    expect(lines.filter((l) => l === good)).toHaveLength(1);
  });

  it("a root with no stored cosignature is not served by /leaf", async () => {
    const site = await makeSite(8);
    const r = await call(`/enroll/${site.domain}`, { method: "POST" }); // nobody cosigns: 503
    expect(r.status).toBe(503);
    const leaf = await call(`/leaf/${site.domain}`);
    expect(leaf.status).toBe(503);
    expect((await cosignLatest()).status).toBe(200);
    expect((await call(`/leaf/${site.domain}`)).status).toBe(200);
  });
});
