/**
 * A real transparency world for tests and benches: a real PrefixTree holding `leaves` random sites
 * plus the site under test, real Ed25519 witness keys (prefix-tree's cosignature API), a real
 * `ChainHeadWithProof` and manifest response. Every knob changes exactly one thing so a test can
 * break one link of the chain of trust at a time.
 */
import { assetHostsHash, type ChainNode, resourceHash } from "@sealroom/hash-chain";
import { keyForDomain, PrefixTree, treeValueForHead } from "@sealroom/prefix-tree";
import {
  type CosignerKey,
  formatCosignerVerifierKey,
  formatSignedPrefixRoot,
  generateCosignerKey,
  type NoteSignature,
  signCosignature,
} from "@sealroom/prefix-tree/note";
import { encodeChainHeadWithProof } from "../../src/chain-head-with-proof.ts";
import { encodeManifestResponse } from "../../src/manifest-response.ts";

export const NOW = 1_780_000_000;

export interface WorldOptions {
  /** Random other sites in the tree (default 64). */
  leaves?: number;
  witnesses?: number;
  domain?: string;
  service?: string;
  manifest?: string;
  /** Cosignature times per witness (default NOW - 60 for each). */
  cosignTimes?: number[];
  /** time_created of the head (default NOW - 3600). */
  timeCreated?: number;
  /** Use an all-zero resource hash (the site unenrolled). */
  tombstone?: boolean;
  /** position_in_chain of the head (default 3). */
  position?: number;
  /** A tree built once and reused (benches): the site's leaf is set into it. */
  tree?: PrefixTree;
}

export interface World {
  domain: string;
  service: string;
  witnesses: CosignerKey[];
  vkeys: string[];
  manifestLine: Uint8Array;
  head: ChainNode;
  tree: PrefixTree;
  root: Uint8Array;
  incProof: Uint8Array;
  signatures: NoteSignature[];
  signedRoot: Uint8Array;
  proof: Uint8Array;
  response: Uint8Array;
}

export const DEFAULT_MANIFEST = JSON.stringify({
  hashes: {
    "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
    "/app.js": "ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs",
  },
});

/** Deterministic 32-byte values from a counter (no Math.random, so failures reproduce). */
export function pseudoRandom32(seed: number): Uint8Array {
  const out = new Uint8Array(32);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < 32; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function randomTree(leaves: number): PrefixTree {
  const keys = new Uint8Array(leaves * 32);
  const values = new Uint8Array(leaves * 32);
  for (let i = 0; i < leaves; i++) {
    keys.set(pseudoRandom32(2 * i + 1), i * 32);
    values.set(pseudoRandom32(2 * i + 2), i * 32);
  }
  return PrefixTree.bulkBuild(keys, values);
}

export function witnessKeys(n: number): CosignerKey[] {
  return Array.from({ length: n }, (_, i) =>
    generateCosignerKey(`witness-${i}.example`, pseudoRandom32(1000 + i)),
  );
}

export function makeWorld(o: WorldOptions = {}): World {
  const domain = o.domain ?? "site.example";
  const service = o.service ?? "transparency.example";
  const witnesses = witnessKeys(o.witnesses ?? 3);
  const manifestLine = new TextEncoder().encode(o.manifest ?? DEFAULT_MANIFEST);
  const head: ChainNode = {
    entry: {
      positionInChain: BigInt(o.position ?? 3),
      timeCreated: BigInt(o.timeCreated ?? NOW - 3600),
      resourceHash: o.tombstone ? new Uint8Array(32) : resourceHash(manifestLine),
      assetHostsHash: assetHostsHash(["https://assets.example"]),
    },
    chainHash: pseudoRandom32(77),
  };
  const tree = o.tree ?? randomTree(o.leaves ?? 64);
  const key = keyForDomain(domain);
  tree.set(key, treeValueForHead(head));
  const root = tree.root();
  const incProof = tree.proveInclusion(key)!;
  const checkpoint = { tdomain: service, size: 42n, root };
  const times = o.cosignTimes ?? witnesses.map(() => NOW - 60);
  const signatures = witnesses.map((w, i) => signCosignature(w, checkpoint, times[i] ?? NOW - 60));
  const signedRoot = new TextEncoder().encode(formatSignedPrefixRoot({ checkpoint, signatures }));
  const proof = encodeChainHeadWithProof({ head, incProof, signedPrefixRoot: signedRoot });
  return {
    domain,
    service,
    witnesses,
    vkeys: witnesses.map(formatCosignerVerifierKey),
    manifestLine,
    head,
    tree,
    root,
    incProof,
    signatures,
    signedRoot,
    proof,
    response: encodeManifestResponse(manifestLine, proof),
  };
}

/** Default verifier options for a world: trust its service and all its witnesses, quorum 2. */
export function optionsFor(w: World, extra: Record<string, unknown> = {}) {
  return {
    domain: w.domain,
    trustedServices: [w.service],
    witnessKeys: w.vkeys,
    quorum: 2,
    now: NOW,
    ...extra,
  };
}
