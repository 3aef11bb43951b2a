/**
 * A page of the WAICT Merkle-Patricia tree (merkle-patricia-tree.md): the unit of storage and of
 * rehashing. The draft defines only the hashes (leaf `H(key || value)`, inner
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
 */
import { bitAt, commonPrefixBits } from "./bytes.ts";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";
import type { Sha256Into } from "./hash.ts";

export const NO_REF = 0x7fffffff;
export const ItemKind = { Leaf: 0, Child: 1 } as const;
export type ItemKind = (typeof ItemKind)[keyof typeof ItemKind];

/** Page encoding version byte. */
export const PAGE_VERSION = 1;
const FLAG_SPLIT = 1;
const REF_ITEM = 0x80000000;
const REF_NONE = 0xffffffff;

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);
// Shared by all bottom pages, which never write to it (only split pages have children).
const NO_CHILDREN: (Page | undefined)[] = [];

// Reused hash inputs: inner node `left || right || bitpos` and leaf `key || value`.
const innerBuf = new Uint8Array(65);
const leafBuf = new Uint8Array(64);

/** Bytes of the encoding of a page with m items and n nodes. */
function encodedSize(stratum: number, m: number, n: number): number {
  return 3 + stratum + 4 + m * 97 + 4 + n * 73 + 4;
}

export class Page {
  readonly id: string;
  readonly stratum: number;
  split = false;
  itemCount = 0;
  nodeCount = 0;
  root = NO_REF;
  kinds: Uint8Array;
  keys: Uint8Array;
  values: Uint8Array;
  itemHash: Uint8Array;
  nodeBit: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  nodeHash: Uint8Array;
  nodeDirty: Uint8Array;
  /** Loaded child pages of a split page, by item index (lazily filled); unused in bottom pages. */
  children: (Page | undefined)[] = NO_CHILDREN;
  /** Set while the page waits to be written to the store. */
  dirty = false;

  constructor(id: string, stratum: number, capacity = 4) {
    this.id = id;
    this.stratum = stratum;
    this.kinds =
      this.keys =
      this.values =
      this.itemHash =
      this.nodeBit =
      this.nodeHash =
      this.nodeDirty =
        EMPTY_U8;
    this.left = this.right = EMPTY_I32;
    this.allocate(Math.max(1, capacity), false);
  }

  /**
   * One ArrayBuffer per page, viewed as the item and node columns: a page costs one backing store
   * instead of nine, which matters when a tree has tens of thousands of small pages.
   */
  private allocate(c: number, keep: boolean): void {
    const nc = Math.max(1, c - 1);
    const buf = new ArrayBuffer(8 * nc + 96 * c + 34 * nc + c);
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
  rehash(hash: Sha256Into): number {
    if (this.root < 0 || this.root === NO_REF) return 0;
    return this.rehashNode(this.root, hash);
  }

  private rehashNode(n: number, hash: Sha256Into): number {
    if (this.nodeDirty[n] === 0) return 0;
    this.nodeDirty[n] = 0;
    const l = this.left[n] as number;
    const r = this.right[n] as number;
    let count = 1;
    if (l >= 0) count += this.rehashNode(l, hash);
    if (r >= 0) count += this.rehashNode(r, hash);
    this.copyHash(l, innerBuf, 0);
    this.copyHash(r, innerBuf, 32);
    innerBuf[64] = this.nodeBit[n] as number;
    hash(innerBuf, 0, 65, this.nodeHash, n * 32);
    return count;
  }

  /**
   * Builds the trie over items 0..itemCount-1, which must be sorted by key with hashes set
   * (Russ Cox's stack construction, merkle-patricia-tree.md "Memory-Efficient Root Computation"):
   * one hash per inner node.
   */
  buildFromSorted(hash: Sha256Into): void {
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
        this.hashNode(top, hash);
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
      this.hashNode(top, hash);
      left = top;
    }
    this.root = left;
  }

  private hashNode(n: number, hash: Sha256Into): void {
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

  /** Serialises the page for a `PageStore` (layout in README "Page encoding"). */
  encode(): Uint8Array {
    const m = this.itemCount;
    const n = this.nodeCount;
    const s = this.stratum;
    const out = new Uint8Array(encodedSize(s, m, n));
    const dv = new DataView(out.buffer);
    let o = 0;
    out[o++] = PAGE_VERSION;
    out[o++] = this.split ? FLAG_SPLIT : 0;
    out[o++] = s;
    out.set(this.keys.subarray(0, s), o); // any item key starts with the prefix
    if (m === 0) out.set(prefixFromId(this.id), o);
    o += s;
    dv.setUint32(o, m);
    o += 4;
    out.set(this.kinds.subarray(0, m), o);
    o += m;
    out.set(this.keys.subarray(0, m * 32), o);
    o += m * 32;
    out.set(this.values.subarray(0, m * 32), o);
    o += m * 32;
    out.set(this.itemHash.subarray(0, m * 32), o);
    o += m * 32;
    dv.setUint32(o, n);
    o += 4;
    out.set(this.nodeBit.subarray(0, n), o);
    o += n;
    const L = this.left;
    const R = this.right;
    for (let i = 0; i < n; i++, o += 8) {
      const l = refToWire(L[i] as number);
      const r = refToWire(R[i] as number);
      out[o] = l >>> 24;
      out[o + 1] = l >>> 16;
      out[o + 2] = l >>> 8;
      out[o + 3] = l;
      out[o + 4] = r >>> 24;
      out[o + 5] = r >>> 16;
      out[o + 6] = r >>> 8;
      out[o + 7] = r;
    }
    out.set(this.nodeHash.subarray(0, n * 32), o);
    o += n * 32;
    dv.setUint32(o, this.root === NO_REF ? REF_NONE : refToWire(this.root));
    return out;
  }
}

const scratchStack = new Int32Array(260);

function refToWire(ref: number): number {
  return ref < 0 ? (REF_ITEM | ~ref) >>> 0 : ref;
}

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

/**
 * Decodes a stored page and checks its structure: exact length, item kinds allowed for the page
 * type, keys under the page prefix, every node and item reachable exactly once from the root,
 * bit positions strictly increasing downwards and within the page's range, and every item on the
 * side of each ancestor that its key bit says. Hashes are not recomputed: the store is the
 * service's own storage (see README "Security notes").
 */
export function decodePage(id: string, bytes: Uint8Array): Page {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  const L = bytes.length;
  if (L < 3) fail(PrefixTreeErrorCode.Truncated, L, "page header");
  if (bytes[0] !== PAGE_VERSION) fail(PrefixTreeErrorCode.BadVersion, 0, "unknown page version");
  const flags = bytes[1] as number;
  if (flags > 1) fail(PrefixTreeErrorCode.Malformed, 1, "unknown page flags");
  const s = bytes[2] as number;
  if (s > 31) fail(PrefixTreeErrorCode.Malformed, 2, "stratum out of range");
  if (id.length !== 2 * s) fail(PrefixTreeErrorCode.Malformed, 2, "stratum does not match the page id");
  if (L < 3 + s + 4) fail(PrefixTreeErrorCode.Truncated, L, "page header");
  const prefix = bytes.subarray(3, 3 + s);
  if (pageIdFor(prefix, 0, s) !== id)
    fail(PrefixTreeErrorCode.Malformed, 3, "prefix does not match the page id");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 3 + s;
  const m = dv.getUint32(o);
  o += 4;
  if (m > (L - o) / 97) fail(PrefixTreeErrorCode.Truncated, L, "items");
  const nodesAt = o + m * 97;
  if (L < nodesAt + 4) fail(PrefixTreeErrorCode.Truncated, L, "node count");
  const n = dv.getUint32(nodesAt);
  if (n !== (m === 0 ? 0 : m - 1))
    fail(PrefixTreeErrorCode.Malformed, nodesAt, "node count must be item count - 1");
  const total = encodedSize(s, m, n);
  if (L < total) fail(PrefixTreeErrorCode.Truncated, L, "page body");
  if (L > total) fail(PrefixTreeErrorCode.Trailing, total, "bytes after page");
  const page = new Page(id, s, Math.max(1, m));
  page.split = flags === FLAG_SPLIT;
  page.itemCount = m;
  page.nodeCount = n;
  page.kinds.set(bytes.subarray(o, o + m));
  for (let j = 0; j < m; j++) {
    const k = bytes[o + j] as number;
    if (k > 1 || (k === ItemKind.Child && !page.split))
      fail(PrefixTreeErrorCode.Malformed, o + j, "bad item kind");
  }
  o += m;
  page.keys.set(bytes.subarray(o, o + m * 32));
  o += m * 32;
  page.values.set(bytes.subarray(o, o + m * 32));
  o += m * 32;
  page.itemHash.set(bytes.subarray(o, o + m * 32));
  o += m * 32 + 4;
  page.nodeBit.set(bytes.subarray(o, o + n));
  o += n;
  const refAt = (at: number, limitItems: number, limitNodes: number): number => {
    const w = dv.getUint32(at);
    if (w >= REF_ITEM) {
      const j = w & 0x7fffffff;
      if (j >= limitItems) fail(PrefixTreeErrorCode.Malformed, at, "item ref out of range");
      return ~j;
    }
    if (w >= limitNodes) fail(PrefixTreeErrorCode.Malformed, at, "node ref out of range");
    return w;
  };
  const refsAt = o;
  for (let i = 0; i < n; i++, o += 8) {
    page.left[i] = refAt(o, m, n);
    page.right[i] = refAt(o + 4, m, n);
  }
  page.nodeHash.set(bytes.subarray(o, o + n * 32));
  o += n * 32;
  const rootWord = dv.getUint32(o);
  if (m === 0) {
    if (rootWord !== REF_NONE) fail(PrefixTreeErrorCode.Malformed, o, "empty page with a root");
    return page;
  }
  page.root = refAt(o, m, n);
  // Item keys: under the prefix; child items are exactly prefix || byte || zeros with zero value.
  for (let j = 0; j < m; j++) {
    const ko = j * 32;
    for (let i = 0; i < s; i++) {
      if (page.keys[ko + i] !== prefix[i])
        fail(PrefixTreeErrorCode.Malformed, 3 + s + 4 + m + ko, "key outside the page prefix");
    }
    if (page.kinds[j] === ItemKind.Child) {
      for (let i = s + 1; i < 32; i++) {
        if (page.keys[ko + i] !== 0)
          fail(PrefixTreeErrorCode.NonCanonical, 3 + s + 4 + m + ko, "child item key not zero-padded");
      }
      for (let i = 0; i < 32; i++) {
        if (page.values[ko + i] !== 0)
          fail(PrefixTreeErrorCode.NonCanonical, 3 + s + 4 + m + 32 * m + ko, "child item value not zero");
      }
    }
  }
  // Structure: a walk from the root must reach every node and item exactly once.
  const seenItems = new Uint8Array(m);
  const seenNodes = new Uint8Array(n);
  const lo = 8 * s;
  const hi = page.split ? 8 * s + 8 : 256;
  const pathBits: number[] = [];
  const pathDirs: number[] = [];
  const walk = (ref: number): void => {
    if (ref < 0) {
      const j = ~ref;
      if (seenItems[j]) fail(PrefixTreeErrorCode.Malformed, refsAt, "item reached twice");
      seenItems[j] = 1;
      for (let i = 0; i < pathBits.length; i++) {
        if (bitAt(page.keys, j * 32, pathBits[i] as number) !== pathDirs[i]) {
          fail(PrefixTreeErrorCode.Malformed, refsAt, "item on the wrong side of a node");
        }
      }
      return;
    }
    if (seenNodes[ref]) fail(PrefixTreeErrorCode.Malformed, refsAt, "node reached twice");
    seenNodes[ref] = 1;
    const b = page.nodeBit[ref] as number;
    const prev = pathBits.length > 0 ? (pathBits[pathBits.length - 1] as number) : lo - 1;
    if (b <= prev || b >= hi) fail(PrefixTreeErrorCode.Malformed, refsAt, "node bit out of order or range");
    pathBits.push(b);
    pathDirs.push(0);
    walk(page.left[ref] as number);
    pathDirs[pathDirs.length - 1] = 1;
    walk(page.right[ref] as number);
    pathBits.pop();
    pathDirs.pop();
  };
  walk(page.root);
  // m items and m - 1 nodes in a binary tree: reaching all items means reaching all nodes.
  for (let j = 0; j < m; j++)
    if (!seenItems[j]) fail(PrefixTreeErrorCode.Malformed, refsAt, "unreachable item");
  if (page.split) page.children = new Array(m).fill(undefined);
  return page;
}
