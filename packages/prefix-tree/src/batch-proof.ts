/**
 * Compact batch update proofs: a Sealroom extension (docs/architecture.md "Seen code: the WAICT pipeline",
 * "Compact witness"; cf. waict-transparency-spec issue #29). The drafts make a witness replay every
 * batch into a full copy of the tree; with this proof a witness keeps only (N, root) and checks a
 * batch with no tree at all.
 *
 * The proof is the part of the old tree that the batch's keys walk through, in pre-order:
 *
 *     BatchProof  = "mptbatch" || u8 version (0x01) || new_root[32] || Node
 *     Node        = 0x00 hash[32]                       pruned subtree (no batch key enters it)
 *                 | 0x01 key[32] value[32]              leaf not in the batch (shows where an absent
 *                                                       key diverges)
 *                 | 0x02 u8 bit || Node(0) || Node(1)   inner node; bits strictly increase downwards
 *                 | 0x03                                empty tree (only as the whole tree)
 *                 | 0x04 key[32] ChainNode[112]         leaf in the batch, with its old head; its
 *                                                       value is H("waict-ch" || head)
 *
 * The verifier (1) parses strictly and recomputes the old root from the proof, which must equal the
 * root it trusts; (2) learns each touched key's old head (a 0x04 leaf) or absence (its descent ends
 * at another leaf), failing if a descent enters a pruned subtree or a 0x04 leaf is not touched;
 * (3) replays the batch with the same code as `applyBatch`; (4) inserts and updates the leaves in the
 * partial tree and recomputes the root, which must equal `new_root`. Every byte is bound by the old
 * root or by `new_root`, so any change to the proof, and any batch that yields another tree, fails.
 */

import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import type { ChainNode } from "@sealroom/hash-chain";
import { decodeChainNode, encodeChainNode, nextChainHash } from "@sealroom/hash-chain";
import { assertBytes, bitAt, commonPrefixBits, equal32 } from "./bytes.ts";
import { PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
import { defaultSha256, intoOf, type Sha256, type Sha256Into } from "./hash.ts";
import { ItemKind, NO_REF, type Page } from "./page.ts";
import type { PrefixTree } from "./prefix-tree.ts";
import { replayBatch } from "./replay.ts";
import { decodeTreeEventBatch, type TreeEventBatch } from "./tree-event.ts";

/** "mptbatch" */
export const BATCH_PROOF_MAGIC: Uint8Array = Uint8Array.of(0x6d, 0x70, 0x74, 0x62, 0x61, 0x74, 0x63, 0x68);
export const BATCH_PROOF_VERSION = 0x01;
export const BatchProofTag = { Pruned: 0, Leaf: 1, Inner: 2, Empty: 3, TouchedLeaf: 4 } as const;
const HEADER = 41;

class Writer {
  buf = new Uint8Array(1024);
  len = 0;
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(x: number): void {
    this.ensure(1);
    this.buf[this.len++] = x;
  }
  bytes(x: Uint8Array): void {
    this.ensure(x.length);
    this.buf.set(x, this.len);
    this.len += x.length;
  }
}

/**
 * Proves the update of `tree` by `batch`; call it before applying the batch. Throws `BatchError`
 * if the batch would be rejected (nothing to prove) and `PrefixTreeError` if a touched leaf has
 * no stored head.
 */
export function proveBatch(tree: PrefixTree, batch: TreeEventBatch | Uint8Array): Uint8Array {
  const b = batch instanceof Uint8Array ? decodeTreeEventBatch(batch) : batch;
  const hash = tree.hash;
  const replay = replayBatch(b, (k) => tree.heads.getHead(k), hash);
  const keys = replay.keys;
  const w = new Writer();
  w.bytes(BATCH_PROOF_MAGIC);
  w.byte(BATCH_PROOF_VERSION);
  w.bytes(new Uint8Array(32));
  const rootPage = tree.rootPage;
  if (rootPage.root === NO_REF) w.byte(BatchProofTag.Empty);
  else emitRef(tree, rootPage, rootPage.root, keys, w);
  const proof = w.buf.slice(0, w.len);
  const newRoot = evaluate(tree.root(), proof, b, hash);
  if (newRoot === null)
    throw new PrefixTreeError(PrefixTreeErrorCode.Malformed, "internal: batch proof does not verify");
  proof.set(newRoot, 9);
  return proof;
}

/**
 * The proof's `Node` bytes (pre-order, as `proveBatch` writes after its header) for `tree` and the
 * batch keys `keys` that a descent brings into it: a leaf whose key is in `keys` is written as
 * 0x04 with its head, every subtree no key enters as 0x00 (its hash). The tree must not be empty
 * (0x03 is the caller's to write). The sharded service's shards use this for their part of a
 * batch proof (shard.ts), with `keys` also holding keys of other shards whose descent ends here.
 * @internal
 */
export function proveBatchNodes(tree: PrefixTree, keys: Uint8Array[]): Uint8Array {
  const rootPage = tree.rootPage;
  if (rootPage.root === NO_REF) throw new RangeError('"tree" must not be empty');
  const w = new Writer();
  emitRef(tree, rootPage, rootPage.root, keys, w);
  return w.buf.slice(0, w.len);
}

function emitRef(tree: PrefixTree, page: Page, ref: number, keys: Uint8Array[], w: Writer): void {
  if (ref >= 0) {
    const bit = page.nodeBit[ref] as number;
    w.byte(BatchProofTag.Inner);
    w.byte(bit);
    const l: Uint8Array[] = [];
    const r: Uint8Array[] = [];
    for (const k of keys) (bitAt(k, 0, bit) === 0 ? l : r).push(k);
    for (const [side, ks] of [
      [page.left[ref] as number, l],
      [page.right[ref] as number, r],
    ] as const) {
      if (ks.length === 0) {
        w.byte(BatchProofTag.Pruned);
        w.bytes(page.hashRef(side));
      } else emitRef(tree, page, side, ks, w);
    }
    return;
  }
  const j = ~ref;
  const o = j * 32;
  if (page.kinds[j] === ItemKind.Child) {
    const c = tree.child(page, j);
    emitRef(tree, c, c.root, keys, w);
    return;
  }
  const key = page.keys.subarray(o, o + 32);
  if (keys.some((k) => equal32(k, 0, key, 0))) {
    const head = tree.heads.getHead(key);
    if (!head)
      throw new PrefixTreeError(PrefixTreeErrorCode.Malformed, `no chain head stored for key ${toHex(key)}`);
    w.byte(BatchProofTag.TouchedLeaf);
    w.bytes(key);
    w.bytes(encodeChainNode(head));
  } else {
    w.byte(BatchProofTag.Leaf);
    w.bytes(key);
    w.bytes(page.values.subarray(o, o + 32));
  }
}

/** A node of the partial tree held by the verifier. */
interface PNode {
  tag: number;
  hash: Uint8Array | undefined;
  bit: number;
  l: PNode | undefined;
  r: PNode | undefined;
  key: Uint8Array | undefined;
  value: Uint8Array | undefined;
  head: ChainNode | undefined;
  /** Set when a batch key reaches this 0x04 leaf. */
  touched?: boolean;
}

class Malformed extends Error {}

function parse(p: Uint8Array, hash: Sha256): PNode | undefined {
  let o = HEADER;
  const take = (n: number): Uint8Array => {
    if (o + n > p.length) throw new Malformed();
    const s = p.subarray(o, o + n);
    o += n;
    return s;
  };
  const node = (minBit: number, ancestors: number[], dirs: number[]): PNode => {
    const tag = take(1)[0] as number;
    const n: PNode = {
      tag,
      hash: undefined,
      bit: 0,
      l: undefined,
      r: undefined,
      key: undefined,
      value: undefined,
      head: undefined,
    };
    switch (tag) {
      case BatchProofTag.Pruned:
        n.hash = take(32);
        return n;
      case BatchProofTag.Inner: {
        const bit = take(1)[0] as number;
        if (bit < minBit) throw new Malformed();
        n.bit = bit;
        ancestors.push(bit);
        dirs.push(0);
        n.l = node(bit + 1, ancestors, dirs);
        dirs[dirs.length - 1] = 1;
        n.r = node(bit + 1, ancestors, dirs);
        ancestors.pop();
        dirs.pop();
        // Two pruned children would prove nothing about any key: not canonical.
        if (n.l.tag === BatchProofTag.Pruned && n.r.tag === BatchProofTag.Pruned) throw new Malformed();
        return n;
      }
      case BatchProofTag.Leaf:
      case BatchProofTag.TouchedLeaf: {
        n.key = take(32);
        for (let i = 0; i < ancestors.length; i++) {
          if (bitAt(n.key, 0, ancestors[i] as number) !== dirs[i]) throw new Malformed();
        }
        if (tag === BatchProofTag.Leaf) n.value = take(32);
        else {
          n.head = decodeChainNode(take(112));
          n.value = nextChainHash(n.head, hash);
        }
        return n;
      }
      default:
        throw new Malformed();
    }
  };
  if (p[o] === BatchProofTag.Empty) {
    o++;
    if (o !== p.length) throw new Malformed();
    return undefined;
  }
  const root = node(0, [], []);
  if (o !== p.length) throw new Malformed();
  return root;
}

/**
 * One hash-input buffer per depth of the partial tree (`left || right || bit`, or `key || value`
 * in the first 64 bytes): a node's children hash straight into their parent's buffer, so
 * recomputing a root allocates nothing per node. Depth <= 257 (bits strictly increase downwards).
 */
const levelBufs: Uint8Array[] = [];
function levelBuf(depth: number): Uint8Array {
  let b = levelBufs[depth];
  if (!b) {
    b = new Uint8Array(65);
    levelBufs[depth] = b;
  }
  return b;
}

/** Writes the hash of the subtree `n` (at `depth`) to `out[off..off+32)`. */
function hashOf(n: PNode, hash: Sha256Into, out: Uint8Array, off: number, depth: number): void {
  if (n.tag === BatchProofTag.Pruned) {
    out.set(n.hash as Uint8Array, off);
    return;
  }
  const buf = levelBuf(depth);
  if (n.tag === BatchProofTag.Inner) {
    hashOf(n.l as PNode, hash, buf, 0, depth + 1);
    hashOf(n.r as PNode, hash, buf, 32, depth + 1);
    buf[64] = n.bit;
    hash(buf, 0, 65, out, off);
    return;
  }
  buf.set(n.key as Uint8Array, 0);
  buf.set(n.value as Uint8Array, 32);
  hash(buf, 0, 64, out, off);
}

/** Descends by `key`'s bits to a leaf; throws `Malformed` on entering a pruned subtree. */
function descend(root: PNode | undefined, key: Uint8Array): PNode | undefined {
  let n = root;
  while (n && n.tag === BatchProofTag.Inner) n = bitAt(key, 0, n.bit) === 0 ? n.l : n.r;
  if (n && n.tag === BatchProofTag.Pruned) throw new Malformed();
  return n;
}

function leafNode(key: Uint8Array, value: Uint8Array): PNode {
  return {
    tag: BatchProofTag.Leaf,
    hash: undefined,
    bit: 0,
    l: undefined,
    r: undefined,
    key,
    value,
    head: undefined,
  };
}

/** Inserts a leaf for an absent key into the partial tree; returns the new root. */
function insert(root: PNode | undefined, key: Uint8Array, value: Uint8Array): PNode {
  const leaf = leafNode(key, value);
  // descend reaches a leaf whenever there is a root (or throws on a pruned subtree).
  const reached = descend(root, key);
  if (!reached) return leaf;
  const d = commonPrefixBits(key, 0, reached.key as Uint8Array, 0);
  let parent: PNode | undefined;
  let n = root as PNode;
  while (n.tag === BatchProofTag.Inner && n.bit < d) {
    parent = n;
    n = (bitAt(key, 0, n.bit) === 0 ? n.l : n.r) as PNode;
  }
  const inner: PNode = {
    tag: BatchProofTag.Inner,
    hash: undefined,
    bit: d,
    l: undefined,
    r: undefined,
    key: undefined,
    value: undefined,
    head: undefined,
  };
  if (bitAt(key, 0, d) === 0) {
    inner.l = leaf;
    inner.r = n;
  } else {
    inner.l = n;
    inner.r = leaf;
  }
  if (!parent) return inner;
  if (parent.l === n) parent.l = inner;
  else parent.r = inner;
  return root as PNode;
}

/** Core of verifyBatch; returns the computed new root or null. */
function evaluate(
  oldRoot: Uint8Array,
  proof: Uint8Array,
  batch: TreeEventBatch,
  hash: Sha256,
): Uint8Array | null {
  // A proof cut anywhere fails below: a missing magic or version byte is undefined, a missing
  // node is Malformed in parse.
  for (let i = 0; i < 8; i++) if (proof[i] !== BATCH_PROOF_MAGIC[i]) return null;
  if (proof[8] !== BATCH_PROOF_VERSION) return null;
  try {
    let root = parse(proof, hash);
    const into = intoOf(hash);
    const old = new Uint8Array(32);
    if (root) hashOf(root, into, old, 0, 0);
    else into(old, 0, 0, old, 0); // H("")
    if (!equal32(old, 0, oldRoot, 0)) return null;
    // Old heads: each touched key must reach its own 0x04 leaf (present) or another leaf (absent).
    const digests = new Map<ChainNode, Uint8Array>();
    const r = replayBatch(
      batch,
      (key) => {
        const n = descend(root, key);
        if (n && equal32(n.key as Uint8Array, 0, key, 0)) {
          if (n.tag !== BatchProofTag.TouchedLeaf) throw new Malformed();
          n.touched = true;
          digests.set(n.head as ChainNode, n.value as Uint8Array);
          return n.head;
        }
        return undefined;
      },
      hash,
      (head) => digests.get(head),
    );
    // Every 0x04 leaf must be a touched key: nothing in the proof may go unchecked.
    const stack: PNode[] = root ? [root] : [];
    while (stack.length > 0) {
      const n = stack.pop() as PNode;
      if (n.tag === BatchProofTag.Inner) stack.push(n.l as PNode, n.r as PNode);
      else if (n.tag === BatchProofTag.TouchedLeaf && !n.touched) return null;
    }
    r.keys.forEach((key, i) => {
      const value = r.values[i] as Uint8Array;
      if (r.existed[i]) {
        const n = descend(root, key) as PNode;
        n.value = value;
      } else root = insert(root, key, value);
    });
    const newRoot = new Uint8Array(32);
    hashOf(root as PNode, into, newRoot, 0, 0);
    return newRoot;
  } catch (e) {
    // decodeChainNode cannot fail on the 112 bytes `take` gives it, and replayBatch reports bad
    // events and heads as BatchError (a PrefixTreeError): anything else is a real error.
    if (e instanceof Malformed || e instanceof PrefixTreeError) return null;
    throw e;
  }
}

/**
 * Checks a compact batch proof against the trusted `oldRoot` and the batch, with no tree. Returns
 * the new root (equal to the one the proof claims) or null if anything does not verify, including
 * a batch that `applyBatch` would reject.
 */
export function verifyBatch(
  oldRoot: Uint8Array,
  proof: Uint8Array,
  batch: TreeEventBatch | Uint8Array,
  hash: Sha256 = defaultSha256,
): Uint8Array | null {
  assertBytes(oldRoot, "oldRoot", 32);
  assertBytes(proof, "proof");
  let b: TreeEventBatch;
  try {
    b = batch instanceof Uint8Array ? decodeTreeEventBatch(batch) : batch;
  } catch (e) {
    if (e instanceof PrefixTreeError) return null;
    throw e;
  }
  const got = evaluate(oldRoot, proof, b, hash);
  if (got === null || !equal32(got, 0, proof, 9)) return null;
  return got;
}
