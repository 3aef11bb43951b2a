/**
 * A real transparency service in memory for preload-list tests: one real PrefixTree (with random
 * other sites), real SiteChains for sites and for the service's own preload chains, real Ed25519
 * witness keys cosigning every sealed root. `seal()` is one batch: it bumps the tree size, signs
 * the root and keeps every chain's head and inclusion proof at that root, so a test can serve a
 * site an old proof after the tree moved on.
 */
import { type ChainNode, resourceHash, SiteChain } from "@sealroom/hash-chain";
import { keyForDomain, type PrefixTree, treeValueForHead } from "@sealroom/prefix-tree";
import {
  type CosignerKey,
  formatCosignerVerifierKey,
  formatSignedPrefixRoot,
  signCosignature,
} from "@sealroom/prefix-tree/note";
import { type ChainHeadWithProof, encodeChainHeadWithProof } from "../../src/chain-head-with-proof.ts";
import { derivePreloadEntries } from "../../src/derive-preload-list.ts";
import { encodeManifestResponse } from "../../src/manifest-response.ts";
import {
  encodePreloadList,
  makePreloadList,
  type PreloadEntry,
  type PreloadListKind,
  preloadChainDomain,
} from "../../src/preload-list.ts";
import { encodePreloadListResponse } from "../../src/preload-list-response.ts";
import { NOW, randomTree, witnessKeys } from "./world.ts";

export { NOW };
export const DAY = 24 * 60 * 60;
const HOSTS = ["https://assets.example"];

export interface Sealed {
  size: bigint;
  root: Uint8Array;
  signedRoot: Uint8Array;
  proofs: Map<string, ChainHeadWithProof>;
}

export class PreloadWorld {
  readonly service: string;
  readonly witnesses: CosignerKey[];
  readonly vkeys: string[];
  readonly tree: PrefixTree;
  readonly chains = new Map<string, SiteChain>();
  size = 0n;
  latest?: Sealed;

  constructor(o: { service?: string; leaves?: number; witnesses?: number } = {}) {
    this.service = o.service ?? "transparency.example";
    this.witnesses = witnessKeys(o.witnesses ?? 3);
    this.vkeys = this.witnesses.map(formatCosignerVerifierKey);
    this.tree = randomTree(o.leaves ?? 32);
  }

  /** Appends a manifest line (or a tombstone when `line` is null) to a site's chain at `time`. */
  append(domain: string, line: string | null, time: number): ChainNode {
    const c = this.chains.get(domain) ?? new SiteChain();
    this.chains.set(domain, c);
    const head = c.append({
      timeCreated: BigInt(time),
      resourceHash: line === null ? new Uint8Array(32) : resourceHash(new TextEncoder().encode(line)),
      ...(c.size === 0n ? { assetHosts: HOSTS } : {}),
    });
    this.tree.set(keyForDomain(domain), treeValueForHead(head));
    return head;
  }

  /** Seals a batch: tree size + 1, root cosigned by every witness at `cosignTime`. */
  seal(cosignTime: number): Sealed {
    this.size += 1n;
    const root = this.tree.root();
    const checkpoint = { tdomain: this.service, size: this.size, root };
    const signatures = this.witnesses.map((w) => signCosignature(w, checkpoint, cosignTime));
    const signedRoot = new TextEncoder().encode(formatSignedPrefixRoot({ checkpoint, signatures }));
    const proofs = new Map<string, ChainHeadWithProof>();
    for (const [domain, c] of this.chains)
      proofs.set(domain, {
        head: c.head!,
        incProof: this.tree.proveInclusion(keyForDomain(domain))!,
        signedPrefixRoot: signedRoot,
      });
    this.latest = { size: this.size, root, signedRoot, proofs };
    return this.latest;
  }

  /** The manifest response a site serves: `line` with its proof at `sealed` (default: latest). */
  siteResponse(domain: string, line: string, sealed: Sealed = this.latest!): Uint8Array {
    const p = sealed.proofs.get(domain);
    if (!p) throw new Error(`${domain} not sealed`);
    return encodeManifestResponse(line, encodeChainHeadWithProof(p));
  }

  /**
   * Derives a list from the sites' heads at the latest seal (all sites, or `only`), logs it in
   * the preload chain of `kind` at `time`. Returns the list bytes; `seal()` then publishes it.
   */
  publishList(
    kind: PreloadListKind,
    o: {
      time: number;
      expires: number;
      only?: string[];
      version?: bigint;
      treeSize?: bigint;
      chainDomain?: string;
      /** Extra entries (synthetic sites, for benches). */
      extra?: PreloadEntry[];
    },
  ): Uint8Array {
    const chainDomain = o.chainDomain ?? preloadChainDomain(this.service, kind);
    const sealed = this.latest!;
    const sites = [...sealed.proofs]
      .filter(([d]) => !d.includes("preload.") && (!o.only || o.only.includes(d)))
      .map(([domain, p]) => ({ domain, head: p.head.entry }));
    const chain = this.chains.get(chainDomain);
    const bytes = encodePreloadList(
      makePreloadList({
        kind,
        version: o.version ?? chain?.size ?? 0n,
        treeSize: o.treeSize ?? sealed.size,
        root: sealed.root,
        expires: BigInt(o.expires),
        entries: [...derivePreloadEntries(sites, { now: o.time }), ...(o.extra ?? [])],
      }),
    );
    const c = chain ?? new SiteChain();
    this.chains.set(chainDomain, c);
    const head = c.append({
      timeCreated: BigInt(o.time),
      resourceHash: resourceHash(bytes),
      ...(c.size === 0n ? { assetHosts: [`https://${this.service}/preload-list`] } : {}),
    });
    this.tree.set(keyForDomain(chainDomain), treeValueForHead(head));
    return bytes;
  }

  /** The `/preload-list` response for `kind` at `sealed` (default latest), consistency from `from`. */
  listResponse(
    kind: PreloadListKind,
    listBytes: Uint8Array,
    o: { from?: bigint; sealed?: Sealed } = {},
  ): Uint8Array {
    const sealed = o.sealed ?? this.latest!;
    const chainDomain = preloadChainDomain(this.service, kind);
    const headProof = sealed.proofs.get(chainDomain)!;
    const chain = this.chains.get(chainDomain)!;
    const size = headProof.head.entry.positionInChain + 1n;
    return encodePreloadListResponse({
      listBytes,
      headProof,
      consistency: chain.proveConsistency(o.from ?? size, size),
    });
  }

  trust(extra: Record<string, unknown> = {}) {
    return { trustedServices: [this.service], witnessKeys: this.vkeys, quorum: 2, now: NOW, ...extra };
  }
}
