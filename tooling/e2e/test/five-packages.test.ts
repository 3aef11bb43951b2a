/**
 * All five packages in one flow, as a newcomer would use them together: build the web client's
 * manifest (manifest), append it to the site's chain (hash-chain), apply the tree event batch and
 * prove it to a compact witness (prefix-tree), cosign, verify the page's proof (manifest), then run
 * the call the verified code performs: room protocol (committer) and a media frame (mls-frames).
 */
import { decodeClientMessage, encodeClientMessage, safetyNumber, TsMlsEngine } from "@sealroom/committer";
import {
  assetHostsHash,
  decodeChainNode,
  encodeChainNode,
  resourceHash,
  SiteChain,
} from "@sealroom/hash-chain";
import {
  buildManifestFromFiles,
  checkIntegrity,
  encodeChainHeadWithProof,
  encodeManifestResponse,
  serializeManifest,
  verifyTransparency,
} from "@sealroom/manifest";
import {
  createSFrameKey,
  DEFAULT_CIPHER_SUITE,
  encodeMlsKid,
  openSFrame,
  readSFrameHeader,
  sealSFrame,
  senderIndexBits,
} from "@sealroom/mls-frames";
import {
  applyBatch,
  keyForDomain,
  PrefixTree,
  proveBatch,
  treeValueForHead,
  verifyBatch,
} from "@sealroom/prefix-tree";
import {
  cosignerVerifierKey,
  formatCosignerVerifierKey,
  formatSignedPrefixRoot,
  generateCosignerKey,
  signCosignature,
  verifySignedPrefixRoot,
} from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";

const enc = new TextEncoder();
const NOW = 1_790_000_000;
const DOMAIN = "call.sealroom.example";
const SERVICE = "transparency.sealroom.example";
const HOSTS = [`https://${DOMAIN}`];

describe("the five packages together", () => {
  it("manifest → chain → tree batch → cosignatures → verified page → a sealed call", async () => {
    // 1. manifest: the web client's build output.
    const appJs = enc.encode("import('./call.js');\n");
    const built = buildManifestFromFiles([
      {
        path: "index.html",
        bytes: enc.encode('<!doctype html><script type="module" src="/app.js"></script>'),
      },
      { path: "app.js", bytes: appJs },
    ]);
    const line = enc.encode(serializeManifest(built.manifest));

    // 2. hash-chain: the site's chain gets the manifest's resource hash.
    const chain = new SiteChain();
    const head = chain.append({
      timeCreated: BigInt(NOW - 600),
      resourceHash: resourceHash(line),
      assetHosts: HOSTS,
    });
    expect(head.entry.assetHostsHash).toEqual(assetHostsHash(HOSTS));
    expect(decodeChainNode(encodeChainNode(head))).toEqual(head);

    // 3. prefix-tree: the service replays the batch; a compact witness checks it with no tree.
    const tree = new PrefixTree();
    const batch = {
      events: [
        {
          domain: DOMAIN,
          assetHosts: HOSTS,
          newResourceHash: resourceHash(line),
          timestamp: BigInt(NOW - 600),
        },
      ],
    };
    const oldRoot = tree.root();
    const proof = proveBatch(tree, batch);
    const root = applyBatch(tree, batch);
    expect(verifyBatch(oldRoot, proof, batch)).toEqual(root);
    // The tree's replayed head is the chain's head, byte for byte.
    expect(tree.getHead(keyForDomain(DOMAIN))).toEqual(head);
    expect(tree.get(keyForDomain(DOMAIN))).toEqual(treeValueForHead(head));

    // 4. cosign: two witnesses (and a second key of the first, which must not count twice).
    const checkpoint = { tdomain: SERVICE, size: 1n, root };
    const w1 = generateCosignerKey("witness-1.example", new Uint8Array(32).fill(1));
    const w1b = generateCosignerKey("witness-1.example", new Uint8Array(32).fill(3));
    const w2 = generateCosignerKey("witness-2.example", new Uint8Array(32).fill(2));
    const signatures = [w1, w1b, w2].map((w) => signCosignature(w, checkpoint, NOW - 30));
    const note = { checkpoint, signatures };
    const keys = [w1, w1b, w2].map(cosignerVerifierKey);
    expect(verifySignedPrefixRoot(note, keys, { quorum: 2 })).toBe(true);
    expect(verifySignedPrefixRoot(note, keys, { quorum: 3 })).toBe(false);

    // 5. manifest: the page verifies its own proof and then each fetched asset.
    const response = encodeManifestResponse(
      line,
      encodeChainHeadWithProof({
        head,
        incProof: tree.proveInclusion(keyForDomain(DOMAIN)) as Uint8Array,
        signedPrefixRoot: enc.encode(formatSignedPrefixRoot(note)),
      }),
    );
    const options = {
      domain: DOMAIN,
      trustedServices: [SERVICE],
      witnessKeys: [w1, w1b, w2].map(formatCosignerVerifierKey),
      quorum: 2,
      now: NOW,
    };
    const t = await verifyTransparency(response, options);
    expect(t.ok && t.status).toBe("verified");
    if (!t.ok) return;
    expect(t.cosigners.map((c) => c.name)).toEqual(["witness-1.example", "witness-2.example"]);
    expect((await verifyTransparency(response, { ...options, quorum: 3 })).ok).toBe(false);
    const origin = `https://${DOMAIN}`;
    expect(checkIntegrity(t.manifest, `${origin}/app.js`, "script", appJs, { origin }).ok).toBe(true);
    expect(checkIntegrity(t.manifest, `${origin}/app.js`, "script", enc.encode("evil"), { origin }).ok).toBe(
      false,
    );

    // 6. the call the verified code runs: a real MLS key package through the room protocol, a group
    // and its safety number (committer), and a media frame sealed with SFrame (mls-frames) under a
    // KID for the member's leaf and epoch. (The MLS-exporter step from the group to the SFrame base
    // key is mls-frames' own test; its API is being reshaped on another branch.)
    const mls = await TsMlsEngine.create();
    const { keyPackage, secret } = await mls.generateKeyPackage("alice");
    const relayed = decodeClientMessage(encodeClientMessage({ type: "key-package", keyPackage }));
    expect(relayed).toEqual({ type: "key-package", keyPackage });
    expect(await mls.validateKeyPackage(keyPackage, "alice")).toBe(true);
    const group = await mls.createGroup(enc.encode("sealroom:room-1:0"), keyPackage, secret);
    expect(safetyNumber(group.keySchedule.epochAuthenticator)).toMatch(/^\d{5}( \d{5}){5}$/);
    const kid = encodeMlsKid(0n, 0, mls.epoch(group), senderIndexBits([0]));
    const key = await createSFrameKey(DEFAULT_CIPHER_SUITE, kid, new Uint8Array(16).fill(9));
    const frame = enc.encode("one VP8 delta frame");
    const sealed = await sealSFrame(key, 7n, new Uint8Array(0), frame);
    const header = readSFrameHeader(sealed, 0);
    expect(header.kid).toBe(kid);
    const ct = sealed.subarray(header.length);
    expect(await openSFrame(key, 7n, sealed.subarray(0, header.length), new Uint8Array(0), ct)).toEqual(
      frame,
    );
    ct[0] = (ct[0] as number) ^ 1;
    expect(await openSFrame(key, 7n, sealed.subarray(0, header.length), new Uint8Array(0), ct)).toBeNull();
  });
});
