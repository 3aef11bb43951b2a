/**
 * An honest transparency log for tests (Node or workerd): a real in-memory `PrefixTree`, each
 * sealed batch with its encoding, its compact proof bundle and the root it produces.
 */
import {
  applyBatch,
  encodeBatchProofBundle,
  encodeTreeEventBatch,
  PrefixTree,
  proveBatch,
  type Sha256,
  type TreeEvent,
} from "@sealroom/prefix-tree";

export const TREE_DOMAIN = "transparency.example";

export const event = (
  domain: string,
  t: number,
  hosts: string[] | null = ["https://cdn.example"],
  r = 1,
): TreeEvent => ({
  domain,
  assetHosts: hosts,
  newResourceHash: new Uint8Array(32).fill(r),
  timestamp: BigInt(t),
});

export interface Sealed {
  batch: Uint8Array;
  bundle: Uint8Array;
  root: Uint8Array;
}

/** An honest transparency log: batch N, its proof against the tree after [0, N) and root N+1. */
export class HonestLog {
  readonly tree: PrefixTree;
  readonly sealed: Sealed[] = [];

  /** `hash` only changes speed (every SHA-256 gives the same roots): benches pass fastSha256. */
  constructor(hash?: Sha256) {
    this.tree = new PrefixTree(hash ? { hash } : {});
  }

  seal(events: TreeEvent[]): Sealed {
    const batch = { events };
    const proof = proveBatch(this.tree, batch);
    const root = applyBatch(this.tree, batch);
    const bytes = encodeTreeEventBatch(batch);
    const s = { batch: bytes, bundle: encodeBatchProofBundle({ batch: bytes, proof }), root };
    this.sealed.push(s);
    return s;
  }

  get size(): number {
    return this.sealed.length;
  }

  rootAt(n: number): Uint8Array {
    return n === 0 ? new PrefixTree().root() : this.sealed[n - 1]!.root;
  }
}
