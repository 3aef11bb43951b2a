/**
 * One WAICT prefix tree kept in shards (Sealroom extension; DESIGN "Transparency service at
 * scale"): shard `s` of `2^b` holds the leaves whose key starts with the `b` bits of `s`
 * (MSB first, merkle-patricia-tree.md bit order), in its own `PrefixTree`. This file is the part
 * above the shards: the Patricia levels that join the shard subtrees into the one tree the draft
 * defines, so that roots, inclusion proofs and compact batch proofs are byte-identical to a
 * single `PrefixTree` holding every leaf.
 *
 * Why each shard's root hash (or its emptiness) is all the top needs: in a Patricia tree the
 * leaves under a key prefix form one subtree, and its hash is the MPT root of those leaves alone
 * (inner hashes carry absolute bit positions). Every inner node inside shard `s` splits at a bit
 * >= b (its keys share the first b bits), every node above the shards at a bit < b, where shard
 * indices differ. So the top is the Patricia trie over the indices of the non-empty shards, each a
 * leaf whose hash is the shard's root: a shard holding one leaf contributes that leaf's hash
 * H(key || value) at its slot, which is exactly what the single tree has there (the slot is the
 * leaf's compressed position, not a level of its own). Empty shards are absent, as in the draft.
 *
 * Proofs: a shard's inclusion proof (segments with r >= b, leaf upwards) followed by the top's
 * segments from the shard's slot to the root (r < b) is the single tree's proof. A compact batch
 * proof (batch-proof.ts) is the top's pre-order walk with each shard a batch key reaches replaced
 * by that shard's `proveBatchNodes` for the keys that reach it, including keys of empty shards,
 * whose descent ends in the nearest non-empty shard (`route`).
 */

import { BATCH_PROOF_MAGIC, BATCH_PROOF_VERSION, BatchProofTag, proveBatchNodes } from "./batch-proof.ts";
import { assertBytes, bitAt } from "./bytes.ts";
import { PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
import { defaultSha256, intoOf, type Sha256, type Sha256Into } from "./hash.ts";
import type { PrefixTree } from "./prefix-tree.ts";
import { PROOF_MAGIC, ProofVersion } from "./proof.ts";
import { BATCH_MAX_BYTES, BATCH_MAX_EVENTS } from "./tree-event.ts";

/** Shard counts this package supports: powers of two up to 256 (the prefix is at most one byte). */
export const MAX_SHARDS = 256;

/** The number of prefix bits for `count` shards (0 for 1, 4 for 16, 8 for 256). */
export function shardBits(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS || (count & (count - 1)) !== 0)
    throw new RangeError(`"count" must be a power of two in [1, ${MAX_SHARDS}]`);
  return 31 - Math.clz32(count);
}

/** The shard owning tree key `key` among `count`: the key's first log2(count) bits. */
export function shardOf(key: Uint8Array, count: number): number {
  assertBytes(key, "key", 32);
  const b = shardBits(count);
  return b === 0 ? 0 : (key[0] as number) >>> (8 - b);
}

/** The root hash of a shard's tree, or undefined when it holds no leaf. */
export function shardRoot(tree: PrefixTree): Uint8Array | undefined {
  return tree.rootPage.rootHash();
}

/**
 * A shard's part of the compact batch proof of a batch (call it before applying the batch):
 * `keys` are the batch's touched keys that `ShardTop.route` sends to this shard, its own and
 * those of empty shards. The shard's tree must not be empty.
 */
export function proveShardBatch(tree: PrefixTree, keys: readonly Uint8Array[]): Uint8Array {
  keys.forEach((k, i) => {
    assertBytes(k, `keys[${i}]`, 32);
  });
  if (keys.length === 0) throw new RangeError('"keys" must not be empty');
  return proveBatchNodes(tree, [...keys]);
}

/** Top trie node: a shard (leaf) or an inner node splitting at `bit` < shardBits. */
interface TopNode {
  shard: number;
  bit: number;
  left: TopNode | undefined;
  right: TopNode | undefined;
  hash: Uint8Array;
}

/**
 * The levels above the shards, built from each shard's root (undefined = empty shard). Immutable:
 * build one per tree size.
 */
export class ShardTop {
  readonly count: number;
  readonly bits: number;
  private readonly into: Sha256Into;
  private readonly top: TopNode | undefined;

  constructor(roots: ReadonlyArray<Uint8Array | undefined>, hash: Sha256 = defaultSha256) {
    if (!Array.isArray(roots)) throw new TypeError('"roots" must be an array');
    this.bits = shardBits(roots.length);
    this.count = roots.length;
    this.into = intoOf(hash);
    const present: number[] = [];
    roots.forEach((r, i) => {
      if (r === undefined) return;
      assertBytes(r, `roots[${i}]`, 32);
      present.push(i);
    });
    this.top = present.length === 0 ? undefined : this.build(present, 0, present.length, roots);
  }

  private build(
    idx: number[],
    lo: number,
    hi: number,
    roots: ReadonlyArray<Uint8Array | undefined>,
  ): TopNode {
    const first = idx[lo] as number;
    if (hi - lo === 1)
      return {
        shard: first,
        bit: -1,
        left: undefined,
        right: undefined,
        hash: (roots[first] as Uint8Array).slice(),
      };
    // The first bit (MSB first, within the b-bit index) where the lowest and highest index differ:
    // every index in between shares the bits before it (they are sorted).
    const x = first ^ (idx[hi - 1] as number);
    const bit = this.bits - 1 - (31 - Math.clz32(x));
    const mask = 1 << (this.bits - 1 - bit);
    let m = lo;
    while (((idx[m] as number) & mask) === 0) m++;
    const left = this.build(idx, lo, m, roots);
    const right = this.build(idx, m, hi, roots);
    const buf = new Uint8Array(65);
    buf.set(left.hash, 0);
    buf.set(right.hash, 32);
    buf[64] = bit;
    const hash = new Uint8Array(32);
    this.into(buf, 0, 65, hash, 0);
    return { shard: -1, bit, left, right, hash };
  }

  /** The tree's root: H(left || right || bit) over the shards, a lone shard's root, or H(""). */
  root(): Uint8Array {
    if (this.top) return this.top.hash.slice();
    const out = new Uint8Array(32);
    this.into(out, 0, 0, out, 0);
    return out;
  }

  /**
   * The top's proof segments for shard `shard` (which must be non-empty): `(u8 r || sibling[32])*`
   * from the shard's slot up to the root, r strictly decreasing, all below `bits`.
   */
  segments(shard: number): Uint8Array {
    // Any other number (out of range, fractional, NaN) ends the walk at a different shard or none, and
    // is refused below as an empty shard.
    const path: TopNode[] = [];
    const sides: number[] = [];
    let n = this.top;
    while (n && n.shard < 0) {
      const side = (shard >>> (this.bits - 1 - n.bit)) & 1;
      path.push(n);
      sides.push(side);
      n = side === 0 ? n.left : n.right;
    }
    if (!n || n.shard !== shard) throw new RangeError(`shard ${shard} is empty`);
    const out = new Uint8Array(path.length * 33);
    let o = 0;
    for (let i = path.length - 1; i >= 0; i--, o += 33) {
      const p = path[i] as TopNode;
      out[o] = p.bit;
      out.set(((sides[i] as number) === 0 ? (p.right as TopNode) : (p.left as TopNode)).hash, o + 1);
    }
    return out;
  }

  /** The shard where a search for `key` ends (its own if non-empty), or undefined if all are empty. */
  landing(key: Uint8Array): number | undefined {
    assertBytes(key, "key", 32);
    let n = this.top;
    while (n && n.shard < 0) n = bitAt(key, 0, n.bit) === 0 ? n.left : n.right;
    return n?.shard;
  }

  /** Groups `keys` by `landing` (input order kept within a group). */
  route(keys: readonly Uint8Array[]): Map<number, Uint8Array[]> {
    const out = new Map<number, Uint8Array[]>();
    for (const k of keys) {
      const s = this.landing(k);
      if (s === undefined) continue;
      let g = out.get(s);
      if (!g) {
        g = [];
        out.set(s, g);
      }
      g.push(k);
    }
    return out;
  }

  /**
   * The compact batch proof (batch-proof.ts format) of a batch touching `keys`, this top being
   * the tree before the batch: the top's nodes in pre-order, each shard that `route(keys)` reaches
   * given as `parts.get(shard)` (that shard's `proveShardBatch` for its routed keys), every
   * subtree no key enters pruned, and `newRoot` in the header.
   */
  batchProof(
    keys: readonly Uint8Array[],
    parts: ReadonlyMap<number, Uint8Array>,
    newRoot: Uint8Array,
  ): Uint8Array {
    assertBytes(newRoot, "newRoot", 32);
    if (keys.length === 0) throw new RangeError('"keys" must not be empty');
    const chunks: Uint8Array[] = [];
    const header = new Uint8Array(41);
    header.set(BATCH_PROOF_MAGIC, 0);
    header[8] = BATCH_PROOF_VERSION;
    header.set(newRoot, 9);
    chunks.push(header);
    if (!this.top) chunks.push(Uint8Array.of(BatchProofTag.Empty));
    else this.emit(this.top, [...keys], parts, chunks);
    let len = 0;
    for (const c of chunks) len += c.length;
    const out = new Uint8Array(len);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  private emit(
    n: TopNode,
    keys: Uint8Array[],
    parts: ReadonlyMap<number, Uint8Array>,
    out: Uint8Array[],
  ): void {
    if (n.shard >= 0) {
      const p = parts.get(n.shard);
      if (!p)
        throw new PrefixTreeError(PrefixTreeErrorCode.Malformed, `no batch proof part for shard ${n.shard}`);
      out.push(p);
      return;
    }
    out.push(Uint8Array.of(BatchProofTag.Inner, n.bit));
    const l: Uint8Array[] = [];
    const r: Uint8Array[] = [];
    for (const k of keys) (bitAt(k, 0, n.bit) === 0 ? l : r).push(k);
    for (const [child, ks] of [
      [n.left as TopNode, l],
      [n.right as TopNode, r],
    ] as const) {
      if (ks.length === 0) {
        const pruned = new Uint8Array(33);
        pruned[0] = BatchProofTag.Pruned;
        pruned.set(child.hash, 1);
        out.push(pruned);
      } else this.emit(child, ks, parts, out);
    }
  }
}

/**
 * A shard's inclusion or non-inclusion proof (`"mptproof" || 0x01|0x02 || ...`, proof.ts) joined
 * with `ShardTop.segments` of that shard: the proof against the whole tree's root.
 */
export function joinShardProof(shardProof: Uint8Array, segments: Uint8Array): Uint8Array {
  assertBytes(shardProof, "shardProof");
  assertBytes(segments, "segments");
  const v = shardProof[8];
  const head = v === ProofVersion.Inclusion ? 41 : v === ProofVersion.NonInclusion ? 73 : -1;
  // Shorter than its version's fixed head is refused too: a non-inclusion head cut to 40 bytes would
  // otherwise pass the whole-segments check below ((40 - 73) % 33 is -0).
  if (head < 0 || shardProof.length < head || PROOF_MAGIC.some((b, i) => shardProof[i] !== b))
    throw new RangeError('"shardProof" must be an inclusion or non-inclusion proof');
  if ((shardProof.length - head) % 33 !== 0 || segments.length % 33 !== 0)
    throw new RangeError("proof segments must be whole (u8 r || sibling[32]) pairs");
  const out = new Uint8Array(shardProof.length + segments.length);
  out.set(shardProof, 0);
  out.set(segments, shardProof.length);
  return out;
}

/** One shard's staged events (encoded `TreeEvent`s, in its staging order). */
export interface ShardEvents {
  shard: number;
  events: readonly Uint8Array[];
}

/**
 * Orders the shards' staged events into one batch, deterministically: each shard contributes a
 * prefix of its events (its own order is kept, so per-domain replay order holds), taken one event
 * per shard in turn starting at shard `start` (e.g. N mod count: no shard starves when more is
 * staged than one batch holds) until the draft's limits (`BATCH_MAX_EVENTS` events,
 * `BATCH_MAX_BYTES` bytes); the batch lists them by shard index, then staging order. Returns the
 * events and how many each shard gave.
 */
export function planShardBatch(
  parts: readonly ShardEvents[],
  start = 0,
  limits: { maxEvents?: number; maxBytes?: number } = {},
): { events: Uint8Array[]; taken: Map<number, number> } {
  const maxEvents = limits.maxEvents ?? BATCH_MAX_EVENTS;
  const maxBytes = limits.maxBytes ?? BATCH_MAX_BYTES;
  const sorted = [...parts].sort((a, b) => a.shard - b.shard);
  for (let i = 1; i < sorted.length; i++)
    if ((sorted[i] as ShardEvents).shard === (sorted[i - 1] as ShardEvents).shard)
      throw new RangeError(`shard ${(sorted[i] as ShardEvents).shard} given twice`);
  const first = sorted.findIndex((p) => p.shard >= start);
  const order = first < 0 ? sorted : [...sorted.slice(first), ...sorted.slice(0, first)];
  const taken = new Map<number, number>(order.map((p) => [p.shard, 0]));
  let events = 0;
  let bytes = 0;
  const full = new Set<number>();
  while (full.size < order.length) {
    for (const p of order) {
      if (full.has(p.shard)) continue;
      const t = taken.get(p.shard) as number;
      const e = p.events[t];
      if (e === undefined || events + 1 > maxEvents || bytes + e.length > maxBytes) {
        full.add(p.shard);
        continue;
      }
      taken.set(p.shard, t + 1);
      events++;
      bytes += e.length;
    }
  }
  const out: Uint8Array[] = [];
  for (const p of sorted)
    for (let i = 0; i < (taken.get(p.shard) as number); i++) out.push(p.events[i] as Uint8Array);
  for (const [s, t] of taken) if (t === 0) taken.delete(s);
  return { events: out, taken };
}
