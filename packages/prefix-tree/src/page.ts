/**
 * A page of the WAICT Merkle-Patricia tree (merkle-patricia-tree.md): the unit of memory and of
 * rehashing; it is stored as up to 16 rows (README "Page rows"), so an update rewrites only the
 * rows it changed. The draft defines only the hashes (leaf `H(key || value)`, inner
 * `H(left || right || u8 bitpos)`); how a tree is laid out in storage is ours (see README "Pages").
 *
 * A page owns the keys that start with its `prefix` (`stratum` bytes; the root page has none) and
 * holds a Patricia trie over *items*, in flat typed arrays (no per-node objects):
 *
 * - a *bottom* page holds every leaf under its prefix, inline, and the whole subtree above them;
 * - a *split* page holds one item per non-empty bucket (the next key byte): either the bucket's
 *   single leaf, inline, or a reference to the child page of prefix `prefix || byte`, whose hash it
 *   caches. Its inner nodes all have bit positions in [8 * stratum, 8 * stratum + 8).
 *
 * A bottom page splits when it holds more than `maxLeaves` leaves. Because the Patricia trie is
 * canonical, the hash of a page's root is the MPT of exactly the leaves under its prefix, so the
 * page boundaries never show in the root or in proofs.
 *
 * Item refs are `~index` (negative), node refs are `index` (>= 0); `NO_REF` marks an empty page.
 * Rows hold no structure: the trie is canonical, so `assemblePage` rebuilds it from sorted keys.
 */

import { releaseBuffer, takeBuffer } from "./buffer-pool.ts";
import { bitAt, commonPrefixBits, compare32 } from "./bytes.ts";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";
import type { Sha256Into } from "./hash.ts";

/** Bytes of a page buffer for `c` items and max(1, c - 1) inner nodes (see `Page.allocate`). */
function pageBufferBytes(c: number): number {
  const nc = Math.max(1, c - 1);
  return 8 * nc + 96 * c + 34 * nc + c;
}

/**
 * Capacity for a page built or loaded with `m` items: about 1/64 more plus one, so that the next
 * few new keys of the page do not each reallocate (and copy) it (4 spare items at 16M leaves' ~244
 * per page, ~+2.5 B per leaf; README "Pages").
 */
export function withSlack(m: number): number {
  return m + (m >>> 6) + 1;
}

export const NO_REF = 0x7fffffff;
export const ItemKind = { Leaf: 0, Child: 1 } as const;
export type ItemKind = (typeof ItemKind)[keyof typeof ItemKind];

/**
 * Stored row format version (README "Page rows"). Version 1 stored a whole page per row; version 2
 * cuts each page into up to 16 rows by the nibble after its prefix.
 */
export const ROW_VERSION = 2;
/** @deprecated The row format version; kept as an alias of `ROW_VERSION`. */
export const PAGE_VERSION = ROW_VERSION;
/** A page is stored as up to 2^ROW_BITS rows, by the top bits of the key byte after its prefix. */
export const ROW_BITS = 4;
const FLAG_SPLIT = 1;
const ROW_HEADER = 6;
const LEAF_ROW_ITEM = 97;
const CHILD_ROW_ITEM = 34;

/** Inner hashes read from stored rows, consumed by `buildFromSorted` in completion order. */
interface StoredHashes {
  hashes: Uint8Array;
  pos: number;
  /** Nodes at this bit or deeper take the next stored hash; shallower ones are hashed. */
  minBit: number;
}

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);
// Shared by all bottom pages, which never write to it (only split pages have children).
const NO_CHILDREN: (Page | undefined)[] = [];

// Reused hash inputs: inner node `left || right || bitpos` and leaf `key || value`.
const innerBuf = new Uint8Array(65);
const leafBuf = new Uint8Array(64);

export class Page {
  readonly id: string;
  readonly stratum: number;
  split = false;
  itemCount = 0;
  nodeCount = 0;
  root = NO_REF;
  kinds: Uint8Array = EMPTY_U8;
  keys: Uint8Array = EMPTY_U8;
  values: Uint8Array = EMPTY_U8;
  itemHash: Uint8Array = EMPTY_U8;
  nodeBit: Uint8Array = EMPTY_U8;
  left: Int32Array = EMPTY_I32;
  right: Int32Array = EMPTY_I32;
  nodeHash: Uint8Array = EMPTY_U8;
  nodeDirty: Uint8Array = EMPTY_U8;
  /** Loaded child pages of a split page, by item index (lazily filled); unused in bottom pages. */
  children: (Page | undefined)[] = NO_CHILDREN;
  /** Set while the page waits to be written to the store. */
  dirty = false;
  /** Rows (bit r = row r) changed since the page was last written. */
  dirtyRows = 0;
  /** Page cache (prefix-tree.ts): the parent split page and this page's item index in it. */
  parent: Page | undefined = undefined;
  slot = -1;
  /** Page cache: neighbours in the least-recently-used list, and the bytes counted for this page. */
  newer: Page | undefined = undefined;
  older: Page | undefined = undefined;
  cachedBytes = 0;
  /** Page cache: an upper-level (split) page kept out of the LRU list, never evicted. */
  pinned = false;
  /** Set while an update is working on this page or below it (not evictable mid-update). */
  busy = false;

  constructor(id: string, stratum: number, capacity = 4) {
    this.id = id;
    this.stratum = stratum;
    this.allocate(Math.max(1, capacity), false);
  }

  /**
   * One ArrayBuffer per page, viewed as the item and node columns: a page costs one backing store
   * instead of nine, which matters when a tree has tens of thousands of small pages.
   */
  private allocate(need: number, keep: boolean): void {
    // A recycled buffer (buffer-pool.ts) when one of about this size is idle: a fresh ArrayBuffer
    // costs as much as tens of hashes.
    const oldCap = this.kinds.length;
    const old = oldCap > 0 ? (this.left.buffer as ArrayBuffer) : undefined;
    const pooled = takeBuffer(need);
    const c = pooled ? pooled.cap : need;
    const nc = Math.max(1, c - 1);
    const buf = pooled ? pooled.buf : new ArrayBuffer(pageBufferBytes(c));
    let o = 0;
    const i32 = (n: number) => {
      const v = new Int32Array(buf, o, n);
      o += 4 * n;
      return v;
    };
    const u8 = (n: number) => {
      const v = new Uint8Array(buf, o, n);
      o += n;
      return v;
    };
    const left = i32(nc);
    const right = i32(nc);
    const keys = u8(32 * c);
    const values = u8(32 * c);
    const itemHash = u8(32 * c);
    const nodeHash = u8(32 * nc);
    const kinds = u8(c);
    const nodeBit = u8(nc);
    const nodeDirty = u8(nc);
    if (keep) {
      const m = this.itemCount;
      const n = this.nodeCount;
      left.set(this.left.subarray(0, n));
      right.set(this.right.subarray(0, n));
      keys.set(this.keys.subarray(0, 32 * m));
      values.set(this.values.subarray(0, 32 * m));
      itemHash.set(this.itemHash.subarray(0, 32 * m));
      nodeHash.set(this.nodeHash.subarray(0, 32 * n));
      kinds.set(this.kinds.subarray(0, m));
      nodeBit.set(this.nodeBit.subarray(0, n));
      nodeDirty.set(this.nodeDirty.subarray(0, n));
    }
    this.left = left;
    this.right = right;
    this.keys = keys;
    this.values = values;
    this.itemHash = itemHash;
    this.nodeHash = nodeHash;
    this.kinds = kinds;
    this.nodeBit = nodeBit;
    this.nodeDirty = nodeDirty;
    if (old) releaseBuffer(old, oldCap);
  }

  /**
   * Gives the page's buffer back to the pool (an evicted page: nothing refers to it any more) and
   * leaves the page empty, so that a stale reference reads nothing rather than another page's data.
   */
  release(): void {
    const cap = this.kinds.length;
    if (cap === 0) return;
    const buf = this.left.buffer as ArrayBuffer;
    this.kinds =
      this.keys =
      this.values =
      this.itemHash =
      this.nodeBit =
      this.nodeHash =
      this.nodeDirty =
        EMPTY_U8;
    this.left = this.right = EMPTY_I32;
    this.itemCount = this.nodeCount = 0;
    this.root = NO_REF;
    this.children = NO_CHILDREN;
    releaseBuffer(buf, cap);
  }

  /**
   * Approximate bytes this page holds: its buffer plus V8 object overheads (the page object, one
   * ArrayBuffer, nine views, the children array of a split page).
   */
  byteSize(): number {
    return (
      (this.left.buffer as ArrayBuffer).byteLength +
      160 +
      96 +
      9 * 64 +
      (this.split ? 16 + this.children.length * 8 : 0)
    );
  }

  /** Drops the content and allocates arrays for exactly `capacity` items (used by rebuilds). */
  reset(capacity: number): void {
    this.itemCount = 0;
    this.nodeCount = 0;
    this.root = NO_REF;
    this.children = [];
    this.allocate(Math.max(1, capacity), false);
  }

  /** Grows the arrays to hold at least `items` items (and items - 1 nodes). */
  reserve(items: number): void {
    const cap = this.kinds.length;
    if (items <= cap) return;
    // 1/8 growth keeps slack (and bytes per leaf) low; pages are small so the copies are cheap.
    this.allocate(Math.max(items, cap + (cap >>> 3) + 2), true);
  }

  /** Appends an item; returns its index. Its hash must be set by the caller. */
  addItem(kind: ItemKind, key: Uint8Array, koff: number, keyLen: number): number {
    this.reserve(this.itemCount + 1);
    const j = this.itemCount++;
    this.kinds[j] = kind;
    const o = j * 32;
    this.keys.set(key.subarray(koff, koff + keyLen), o);
    if (keyLen < 32) this.keys.fill(0, o + keyLen, o + 32);
    if (this.split) this.children[j] = undefined;
    this.markRow(j);
    return j;
  }

  addNode(bit: number, l: number, r: number): number {
    const n = this.nodeCount++;
    this.nodeBit[n] = bit;
    this.left[n] = l;
    this.right[n] = r;
    this.nodeDirty[n] = 1;
    return n;
  }

  /** Sets a leaf item's value and its hash H(key || value), written in place. */
  setLeafValue(j: number, value: Uint8Array, voff: number, hash: Sha256Into): void {
    const o = j * 32;
    const keys = this.keys;
    const values = this.values;
    // Plain loops: no subarray views per leaf.
    for (let i = 0; i < 32; i++) {
      const x = value[voff + i] as number;
      values[o + i] = x;
      leafBuf[i] = keys[o + i] as number;
      leafBuf[32 + i] = x;
    }
    hash(leafBuf, 0, 64, this.itemHash, o);
    this.markRow(j);
  }

  /** Copies the hash of `ref` into `out[off..off+32]` (a plain loop: no subarray per call). */
  copyHash(ref: number, out: Uint8Array, off: number): void {
    const src = ref < 0 ? this.itemHash : this.nodeHash;
    const o = (ref < 0 ? ~ref : ref) * 32;
    for (let i = 0; i < 32; i++) out[off + i] = src[o + i] as number;
  }

  /** The hash of this page's subtree (undefined when the page is empty). */
  rootHash(): Uint8Array | undefined {
    if (this.root === NO_REF) return undefined;
    const out = new Uint8Array(32);
    this.copyHash(this.root, out, 0);
    return out;
  }

  hashRef(ref: number): Uint8Array {
    const out = new Uint8Array(32);
    this.copyHash(ref, out, 0);
    return out;
  }

  /**
   * Descends by the bits of key[koff..koff+32] from the root; fills `path` with the inner nodes
   * passed (top-down) and returns the item reached (or -1 for an empty page) and the path length
   * in `pathLen[0]`.
   */
  descend(key: Uint8Array, koff: number, path: Int32Array, pathLen: Int32Array): number {
    let ref = this.root;
    let n = 0;
    if (ref === NO_REF) {
      pathLen[0] = 0;
      return -1;
    }
    const bits = this.nodeBit;
    while (ref >= 0) {
      path[n++] = ref;
      ref =
        bitAt(key, koff, bits[ref] as number) === 0
          ? (this.left[ref] as number)
          : (this.right[ref] as number);
    }
    pathLen[0] = n;
    return ~ref;
  }

  /**
   * Links item `j` into the trie after a `descend` for its key reached item `reached` with
   * common-prefix length `d` (< 256). Marks the changed path dirty.
   */
  link(j: number, reached: number, d: number, path: Int32Array, pathLen: number): void {
    if (reached < 0) {
      this.root = ~j;
      return;
    }
    let p = 0;
    while (p < pathLen && (this.nodeBit[path[p] as number] as number) < d) p++;
    const sub = p < pathLen ? (path[p] as number) : ~reached;
    const newBitSet = bitAt(this.keys, j * 32, d) === 1;
    const n = newBitSet ? this.addNode(d, sub, ~j) : this.addNode(d, ~j, sub);
    if (p === 0) this.root = n;
    else {
      const parent = path[p - 1] as number;
      if (this.left[parent] === sub) this.left[parent] = n;
      else this.right[parent] = n;
    }
    for (let i = 0; i < p; i++) this.nodeDirty[path[i] as number] = 1;
  }

  markPath(path: Int32Array, pathLen: number): void {
    for (let i = 0; i < pathLen; i++) this.nodeDirty[path[i] as number] = 1;
  }

  /** Recomputes the hashes of dirty inner nodes (children before parents). */
  rehash(hash: Sha256Into): void {
    if (this.root < 0 || this.root === NO_REF) return;
    this.rehashNode(this.root, hash);
  }

  private rehashNode(n: number, hash: Sha256Into): void {
    if (this.nodeDirty[n] === 0) return;
    this.nodeDirty[n] = 0;
    const l = this.left[n] as number;
    const r = this.right[n] as number;
    if (l >= 0) this.rehashNode(l, hash);
    if (r >= 0) this.rehashNode(r, hash);
    this.copyHash(l, innerBuf, 0);
    this.copyHash(r, innerBuf, 32);
    innerBuf[64] = this.nodeBit[n] as number;
    hash(innerBuf, 0, 65, this.nodeHash, n * 32);
  }

  /**
   * Builds the trie over items 0..itemCount-1, which must be sorted by key with hashes set
   * (Russ Cox's stack construction, merkle-patricia-tree.md "Memory-Efficient Root Computation"):
   * one hash per inner node.
   */
  buildFromSorted(hash: Sha256Into, stored?: StoredHashes): void {
    const m = this.itemCount;
    this.nodeCount = 0;
    if (m === 0) {
      this.root = NO_REF;
      return;
    }
    const stack = scratchStack;
    let sp = 0;
    let last = ~0;
    for (let i = 0; i + 1 < m; i++) {
      const d = commonPrefixBits(this.keys, i * 32, this.keys, (i + 1) * 32);
      let left = last;
      while (sp > 0 && (this.nodeBit[stack[sp - 1] as number] as number) > d) {
        const top = stack[--sp] as number;
        this.right[top] = left;
        this.hashNode(top, hash, stored);
        left = top;
      }
      const n = this.addNode(d, left, 0);
      stack[sp++] = n;
      last = ~(i + 1);
    }
    let left = last;
    while (sp > 0) {
      const top = stack[--sp] as number;
      this.right[top] = left;
      this.hashNode(top, hash, stored);
      left = top;
    }
    this.root = left;
  }

  private hashNode(n: number, hash: Sha256Into, stored: StoredHashes | undefined): void {
    this.nodeDirty[n] = 0;
    if (stored && (this.nodeBit[n] as number) >= stored.minBit) {
      const src = stored.hashes;
      const o = stored.pos;
      const h = this.nodeHash;
      for (let i = 0; i < 32; i++) h[n * 32 + i] = src[o + i] as number;
      stored.pos = o + 32;
      return;
    }
    this.copyHash(this.left[n] as number, innerBuf, 0);
    this.copyHash(this.right[n] as number, innerBuf, 32);
    innerBuf[64] = this.nodeBit[n] as number;
    hash(innerBuf, 0, 65, this.nodeHash, n * 32);
    this.nodeDirty[n] = 0;
  }

  /** Appends item indices of the subtree at `ref` in key order (in-order walk = sorted). */
  inOrder(ref: number, out: number[]): void {
    if (ref === NO_REF) return;
    if (ref < 0) {
      out.push(~ref);
      return;
    }
    this.inOrder(this.left[ref] as number, out);
    this.inOrder(this.right[ref] as number, out);
  }

  /** Marks the stored row holding item `j` (its key's nibble after the prefix) as changed. */
  markRow(j: number): void {
    this.dirtyRows |= 1 << ((this.keys[j * 32 + this.stratum] as number) >>> 4);
  }

  /** Marks every non-empty row (after a rebuild). */
  markAllRows(): void {
    const s = this.stratum;
    for (let j = 0; j < this.itemCount; j++) this.dirtyRows |= 1 << ((this.keys[j * 32 + s] as number) >>> 4);
  }

  /**
   * Serialises row `r` of the page (the items whose key nibble after the prefix is `r`, and the
   * inner nodes among them, layout in README "Page rows"): the items in key order and the inner
   * hashes in post-order, which is the order `buildFromSorted` completes them in. Written into
   * `arena` (no allocation while it has room): returns a view of the row's bytes, valid until the
   * arena is reset.
   */
  encodeRowInto(r: number, arena: RowArena): Uint8Array {
    const s = this.stratum;
    const lo = 8 * s;
    let ref = this.root;
    while (ref >= 0 && ref !== NO_REF && (this.nodeBit[ref] as number) < lo + 4) {
      const bit = (this.nodeBit[ref] as number) - lo;
      ref = ((r >>> (3 - bit)) & 1) === 0 ? (this.left[ref] as number) : (this.right[ref] as number);
    }
    rowItemCount = 0;
    rowNodeCount = 0;
    if (ref !== NO_REF) {
      let any = ref;
      while (any >= 0) any = this.left[any] as number;
      if ((this.keys[~any * 32 + s] as number) >>> 4 === r) this.postOrder(ref);
    }
    const m = rowItemCount;
    const kinds = this.kinds;
    let size = ROW_HEADER + rowNodeCount * 32;
    for (let i = 0; i < m; i++)
      size += kinds[rowItems[i] as number] === ItemKind.Leaf ? LEAF_ROW_ITEM : CHILD_ROW_ITEM;
    const base = arena.alloc(size);
    const out = arena.buf;
    out[base] = ROW_VERSION;
    out[base + 1] = this.split ? FLAG_SPLIT : 0;
    out[base + 2] = s;
    out[base + 3] = r;
    out[base + 4] = m >>> 8;
    out[base + 5] = m & 0xff;
    // 32-byte fields are copied 4 bytes at a time through DataViews (the row's fields are not
    // 4-byte aligned, so typed-array word views cannot write them); little-endian on both sides,
    // so the bytes land unchanged on any platform.
    const dst = arena.view;
    const src = pageView(this.left.buffer as ArrayBuffer);
    const ko0 = this.keys.byteOffset;
    const vo0 = this.values.byteOffset;
    const ho0 = this.itemHash.byteOffset;
    let o = base + ROW_HEADER;
    for (let i = 0; i < m; i++) {
      const j = rowItems[i] as number;
      const jo = j * 32;
      if (kinds[j] === ItemKind.Leaf) {
        out[o] = ItemKind.Leaf;
        const ko = ko0 + jo;
        const vo = vo0 + jo;
        const ho = ho0 + jo;
        for (let t = 0; t < 32; t += 4) {
          dst.setInt32(o + 1 + t, src.getInt32(ko + t, true), true);
          dst.setInt32(o + 33 + t, src.getInt32(vo + t, true), true);
          dst.setInt32(o + 65 + t, src.getInt32(ho + t, true), true);
        }
        o += LEAF_ROW_ITEM;
      } else {
        out[o] = ItemKind.Child;
        out[o + 1] = this.keys[jo + s] as number;
        const ho = ho0 + jo;
        for (let t = 0; t < 32; t += 4) dst.setInt32(o + 2 + t, src.getInt32(ho + t, true), true);
        o += CHILD_ROW_ITEM;
      }
    }
    const no0 = this.nodeHash.byteOffset;
    for (let i = 0; i < rowNodeCount; i++, o += 32) {
      const no = no0 + (rowNodes[i] as number) * 32;
      for (let t = 0; t < 32; t += 4) dst.setInt32(o + t, src.getInt32(no + t, true), true);
    }
    // A view by constructor: `subarray` goes through a slower generic path (species lookup).
    return new Uint8Array(out.buffer, base, size);
  }

  private postOrder(ref: number): void {
    if (ref < 0) {
      if (rowItemCount === rowItems.length) rowItems = grow(rowItems);
      rowItems[rowItemCount++] = ~ref;
      return;
    }
    this.postOrder(this.left[ref] as number);
    this.postOrder(this.right[ref] as number);
    if (rowNodeCount === rowNodes.length) rowNodes = grow(rowNodes);
    rowNodes[rowNodeCount++] = ref;
  }
}

/**
 * Where rows are encoded: one buffer reused across updates, rows placed one after another. When
 * it is full a bigger one replaces it (earlier rows keep their views of the old one), so views
 * stay valid until `reset`, which the tree calls at the start of each update's write.
 */
export class RowArena {
  buf: Uint8Array;
  /** A DataView over `buf` (word copies in `encodeRowInto`). */
  view: DataView;
  private pos = 0;
  constructor(bytes = 64 * 1024) {
    this.buf = new Uint8Array(bytes);
    this.view = new DataView(this.buf.buffer);
  }
  reset(): void {
    this.pos = 0;
  }
  /** Reserves `size` bytes and returns their offset in `buf`. */
  alloc(size: number): number {
    if (this.pos + size > this.buf.length) {
      this.buf = new Uint8Array(Math.max(size, 2 * this.buf.length));
      this.view = new DataView(this.buf.buffer);
      this.pos = 0;
    }
    const o = this.pos;
    this.pos += size;
    return o;
  }
}

// Scratch for encodeRowInto: the row's items in key order and its inner nodes in post-order.
let rowItems = new Int32Array(1024);
let rowNodes = new Int32Array(1024);
let rowItemCount = 0;
let rowNodeCount = 0;
// A DataView over the last page buffer encoded from: a page's rows are encoded one after another.
let viewBuf: ArrayBuffer | undefined;
let viewOf = new DataView(new ArrayBuffer(0));
function pageView(buf: ArrayBuffer): DataView {
  if (buf !== viewBuf) {
    viewBuf = buf;
    viewOf = new DataView(buf);
  }
  return viewOf;
}
function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const scratchStack = new Int32Array(260);

/** Page id = lowercase hex of the page's key prefix ("" for the root page). */
export function pageIdFor(key: Uint8Array, koff: number, stratum: number): string {
  let s = "";
  for (let i = 0; i < stratum; i++) s += ((key[koff + i] as number) | 0x100).toString(16).slice(1);
  return s;
}

export function prefixFromId(id: string): Uint8Array {
  const out = new Uint8Array(id.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(id.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fail(code: PrefixTreeErrorCode, offset: number, msg: string): never {
  throw new DecodeError(code, offset, msg);
}

/** Row id of row `r` of page `pageId`: the hex of the page prefix and one more nibble. */
export function rowId(pageId: string, r: number): string {
  return pageId + HEX[r];
}
const HEX = "0123456789abcdef";

/** One decoded stored row (see `Page.encodeRowInto`). */
export interface PageRow {
  readonly split: boolean;
  readonly stratum: number;
  readonly row: number;
  readonly count: number;
  readonly kinds: Uint8Array;
  /** count * 32 bytes; child items are prefix || byte, zero-padded. */
  readonly keys: Uint8Array;
  readonly values: Uint8Array;
  readonly itemHash: Uint8Array;
  /** (count - 1) * 32 bytes of inner hashes in post-order. */
  readonly nodeHashes: Uint8Array;
}

/** A stored row's header, checked against its id (see `readRowHeader`). */
interface RowHeader {
  split: boolean;
  stratum: number;
  row: number;
  count: number;
}

/**
 * Checks a row's header against its id: length at least the header, version, flags, stratum and
 * nibble matching the id, the id's prefix lowercase hex (unless the caller passes the prefix it
 * built the id from), at least one item.
 */
function readRowHeader(id: string, bytes: Uint8Array, knownPrefix: Uint8Array | undefined): RowHeader {
  const L = bytes.length;
  if (L < ROW_HEADER) fail(PrefixTreeErrorCode.Truncated, L, "row header");
  if (bytes[0] !== ROW_VERSION) fail(PrefixTreeErrorCode.BadVersion, 0, "unknown page row version");
  const flags = bytes[1] as number;
  if (flags > 1) fail(PrefixTreeErrorCode.Malformed, 1, "unknown page flags");
  const s = bytes[2] as number;
  if (s > 31) fail(PrefixTreeErrorCode.Malformed, 2, "stratum out of range");
  if (id.length !== 2 * s + 1) fail(PrefixTreeErrorCode.Malformed, 2, "stratum does not match the row id");
  const r = bytes[3] as number;
  if (r > 15 || HEX[r] !== id[2 * s]) fail(PrefixTreeErrorCode.Malformed, 3, "row does not match the row id");
  if (!knownPrefix && pageIdFor(prefixFromId(id.slice(0, 2 * s)), 0, s) !== id.slice(0, 2 * s))
    fail(PrefixTreeErrorCode.Malformed, 2, "row id is not lowercase hex");
  const m = ((bytes[4] as number) << 8) | (bytes[5] as number);
  if (m === 0) fail(PrefixTreeErrorCode.Malformed, 4, "empty row");
  return { split: flags === FLAG_SPLIT, stratum: s, row: r, count: m };
}

/**
 * Decodes the items of a row whose header `h` passed `readRowHeader` straight into item columns
 * at index `at` (a page's own arrays on load, fresh ones for `decodePageRow`), checking each item
 * as `decodePageRow` documents, and the row's exact length. Returns the offset of the row's inner
 * hashes (`h.count - 1` of them, running to the end of `bytes`).
 */
function decodeRowItems(
  bytes: Uint8Array,
  h: RowHeader,
  prefix: Uint8Array,
  kinds: Uint8Array,
  keys: Uint8Array,
  values: Uint8Array,
  itemHash: Uint8Array,
  at: number,
): number {
  const L = bytes.length;
  const s = h.stratum;
  const r = h.row;
  const m = h.count;
  let o = ROW_HEADER;
  for (let j = 0; j < m; j++) {
    if (o >= L) fail(PrefixTreeErrorCode.Truncated, L, "row items");
    const k = bytes[o] as number;
    const ko = (at + j) * 32;
    if (k === ItemKind.Leaf) {
      if (o + LEAF_ROW_ITEM > L) fail(PrefixTreeErrorCode.Truncated, L, "row leaf");
      for (let i = 0; i < s; i++)
        if (bytes[o + 1 + i] !== prefix[i])
          fail(PrefixTreeErrorCode.Malformed, o + 1, "key outside the page prefix");
      // Plain loops: a subarray view per field costs more than the copy.
      for (let t = 0; t < 32; t++) {
        keys[ko + t] = bytes[o + 1 + t] as number;
        values[ko + t] = bytes[o + 33 + t] as number;
        itemHash[ko + t] = bytes[o + 65 + t] as number;
      }
      o += LEAF_ROW_ITEM;
    } else if (k === ItemKind.Child && h.split) {
      if (o + CHILD_ROW_ITEM > L) fail(PrefixTreeErrorCode.Truncated, L, "row child");
      for (let i = 0; i < s; i++) keys[ko + i] = prefix[i] as number;
      keys[ko + s] = bytes[o + 1] as number;
      for (let t = s + 1; t < 32; t++) keys[ko + t] = 0;
      for (let t = 0; t < 32; t++) {
        values[ko + t] = 0;
        itemHash[ko + t] = bytes[o + 2 + t] as number;
      }
      o += CHILD_ROW_ITEM;
    } else fail(PrefixTreeErrorCode.Malformed, o, "bad item kind");
    kinds[at + j] = k;
    if ((keys[ko + s] as number) >>> 4 !== r) fail(PrefixTreeErrorCode.Malformed, o, "item outside the row");
    if (j > 0) {
      const ordered = h.split
        ? (keys[ko + s] as number) > (keys[ko - 32 + s] as number)
        : compare32(keys, ko - 32, keys, ko) < 0;
      if (!ordered) fail(PrefixTreeErrorCode.Malformed, o, "items not strictly increasing");
    }
  }
  const end = o + (m - 1) * 32;
  if (L < end) fail(PrefixTreeErrorCode.Truncated, L, "row node hashes");
  if (L > end) fail(PrefixTreeErrorCode.Trailing, end, "bytes after row");
  return o;
}

/**
 * Decodes one stored row and checks it on its own: exact length, version and flags, the id's
 * stratum and nibble, item kinds allowed for the page type, keys under the row's prefix and
 * nibble and strictly increasing (one item per next key byte in a split page). Hashes are not
 * recomputed here: the page they assemble into is checked against its parent's hash on load (see
 * README "Security notes"). The tree itself decodes rows straight into the page (`loadPageRows`),
 * with exactly these checks.
 */
export function decodePageRow(id: string, bytes: Uint8Array): PageRow {
  if (typeof id !== "string") throw new TypeError('"id" must be a string');
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  const h = readRowHeader(id, bytes, undefined);
  const prefix = prefixFromId(id.slice(0, 2 * h.stratum));
  const m = h.count;
  const kinds = new Uint8Array(m);
  const keys = new Uint8Array(m * 32);
  const values = new Uint8Array(m * 32);
  const itemHash = new Uint8Array(m * 32);
  const o = decodeRowItems(bytes, h, prefix, kinds, keys, values, itemHash, 0);
  return {
    split: h.split,
    stratum: h.stratum,
    row: h.row,
    count: m,
    kinds,
    keys,
    values,
    itemHash,
    nodeHashes: bytes.slice(o),
  };
}

// Scratch for loading: the rows read for one page, and their inner hashes in row order.
const loadRows: Uint8Array[] = [];
const loadHeaders: RowHeader[] = [];
let loadHashes = new Uint8Array(32 * 1024);

/**
 * Loads page `id` from its stored rows (`rowBytes(r)` gives row r's bytes or undefined): checks
 * every row as `decodePageRow` does, decodes the items straight into the new page's arrays (no
 * per-row arrays), rebuilds the trie from the sorted items, copying each inner hash inside a row
 * from the row and hashing only the at most 15 nodes joining the rows (bits 8s..8s+3). Returns
 * undefined when the page has no rows.
 */
export function loadPageRows(
  id: string,
  rowBytes: (r: number) => Uint8Array | undefined,
  hash: Sha256Into,
): Page | undefined {
  const s = id.length >>> 1;
  const prefix = prefixFromId(id);
  loadRows.length = 0;
  loadHeaders.length = 0;
  let m = 0;
  for (let r = 0; r < 1 << ROW_BITS; r++) {
    const bytes = rowBytes(r);
    if (!bytes) continue;
    const h = readRowHeader(rowId(id, r), bytes, prefix);
    if (h.stratum !== s || (loadHeaders.length > 0 && h.split !== (loadHeaders[0] as RowHeader).split))
      fail(PrefixTreeErrorCode.Malformed, 1, `rows of page ${id} disagree on its type`);
    loadRows.push(bytes);
    loadHeaders.push(h);
    m += h.count;
  }
  if (m === 0) return undefined;
  const page = new Page(id, s, withSlack(m));
  page.split = (loadHeaders[0] as RowHeader).split;
  const need = (m - loadRows.length) * 32;
  if (loadHashes.length < need) loadHashes = new Uint8Array(Math.max(need, 2 * loadHashes.length));
  let stored = 0;
  for (let i = 0; i < loadRows.length; i++) {
    const bytes = loadRows[i] as Uint8Array;
    const h = loadHeaders[i] as RowHeader;
    const at = page.itemCount;
    const o = decodeRowItems(bytes, h, prefix, page.kinds, page.keys, page.values, page.itemHash, at);
    // Rows come in nibble order and keys are checked within each row, so the page is sorted.
    page.itemCount += h.count;
    for (let t = o; t < bytes.length; t++) loadHashes[stored++] = bytes[t] as number;
  }
  loadRows.length = 0;
  loadHeaders.length = 0;
  const st: StoredHashes = { hashes: loadHashes, pos: 0, minBit: 8 * s + 4 };
  page.buildFromSorted(hash, st);
  // Each row's m - 1 inner nodes have bits >= 8s + 4 and the joining nodes have smaller ones, so
  // every stored hash is consumed exactly once.
  if (st.pos !== stored) fail(PrefixTreeErrorCode.Malformed, 0, `page ${id}: inner hash count`);
  if (page.split) page.children = new Array(m).fill(undefined);
  return page;
}
