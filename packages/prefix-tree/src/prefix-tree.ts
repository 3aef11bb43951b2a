/**
 * `PrefixTree`: the WAICT Merkle-Patricia tree (merkle-patricia-tree.md) over 32-byte keys and
 * values, kept in pages (page.ts) behind an optional `PageStore` (page-store.ts).
 *
 * Updates come in batches (`setMany`): the batch is partitioned top-down by page and key byte,
 * each touched leaf is rehashed once, and each touched inner node is rehashed once per batch
 * (dirty marking, then one walk per touched page), so a batch costs about one hash per leaf plus
 * one per distinct touched inner node, never a rebuild. `bulkBuild` loads many leaves at once with
 * one hash per leaf and per inner node. Each update ends with one `putPages` of the pages changed.
 */
import type { ChainNode } from "@sealroom/hash-chain";
import { assertBytes, bitAt, commonPrefixBits, compare32, equal32 } from "./bytes.ts";
import { PrefixTreeError, PrefixTreeErrorCode } from "./errors.ts";
import { assertSha256, defaultSha256, intoOf, type Sha256, type Sha256Into } from "./hash.ts";
import { type ChainHeadStore, MemoryChainHeadStore } from "./head-store.ts";
import { ItemKind, loadPageRows, Page, pageIdFor, ROW_BITS, RowArena, rowId, withSlack } from "./page.ts";
import type { PageStore, PageWrite } from "./page-store.ts";
import { assembleProof, ProofVersion, proofHeader } from "./proof.ts";

export interface PrefixTreeOptions {
  /**
   * Synchronous SHA-256 (default @noble/hashes). A function carrying an allocation-free `.into`
   * form (e.g. `fastSha256`) is hashed through it on every hot path.
   */
  hash?: Sha256;
  /** Persistent pages; without one the tree lives in memory only. */
  store?: PageStore;
  /** Chain heads, needed by `applyBatch` (default: in memory). */
  heads?: ChainHeadStore;
  /** A bottom page splits above this many leaves (default 512). */
  maxLeavesPerPage?: number;
  /**
   * Byte budget of the page cache (needs `store`; default: unbounded). Pages load on demand; after
   * each update or read, the least recently used pages are evicted (with their loaded children)
   * until the loaded pages' bytes (`Page.byteSize`, about their arrays plus object overheads) fit.
   * The root page always stays, and split pages (the upper levels) are pinned while their bytes
   * fit in half the budget.
   */
  cacheBytes?: number;
}

/** Leaves given as 32-byte arrays or as one flat array of n * 32 bytes. */
export type Leaves32 = Uint8Array | readonly Uint8Array[];

export interface TreeStats {
  /** Leaves in the loaded pages (all leaves unless pages were evicted). */
  leaves: number;
  /** Loaded pages (the page cache). */
  pages: number;
  /** Bytes held by the loaded pages (arrays plus estimated object overheads). */
  bytes: number;
  /** Loaded pages pinned in the cache (upper-level split pages, never evicted; see `cacheBytes`). */
  pinned: number;
  /** Pages read from the store, and pages evicted from the cache, since creation. */
  pageLoads: number;
  evictions: number;
  /**
   * The most bytes the loaded pages held at any check of the budget since creation (after each
   * child page of an update, and after each update or read): with `cacheBytes`, about the budget
   * plus the pages an update is working on (see README "Bounded memory").
   */
  peakBytes: number;
  /** Pages changed by updates since creation (each written as one or more rows). */
  pagesWritten: number;
  /** Rows handed to the store (or that would have been, without one) since creation. */
  rowsWritten: number;
  updates: number;
}

const DEFAULT_MAX_LEAVES = 512;
/** Pages read ahead in one `getPages` call: 6 x 16 row ids fit DO SQLite's 100 bound parameters. */
const PREFETCH_PAGES = 6;

// Bucket counts of the split page being processed, one array per stratum: processSplit recurses
// into child pages (stratum + 1) before it is done with its own counts.
const countsByStratum: Int32Array[] = [];
function countsFor(s: number): Int32Array {
  let c = countsByStratum[s];
  if (!c) {
    c = new Int32Array(257);
    countsByStratum[s] = c;
  }
  return c;
}

// The 16 row ids of the page being loaded (for a store with `getPages`).
const rowIds: string[] = new Array(1 << ROW_BITS).fill("");

// Scratch for descents (a path has at most 256 nodes per page).
const path = new Int32Array(260);
const pathLen = new Int32Array(1);
// Scratch for proofs: the (bit, sibling hash) pairs of a walk, top-down (at most 256 across pages,
// since bits strictly increase along a path).
const walkBits = new Uint8Array(257);
const walkSibs = new Uint8Array(257 * 32);
const walkLen = new Int32Array(1);

function flatten(v: Leaves32, name: string): Uint8Array {
  if (v instanceof Uint8Array) {
    if (v.length % 32 !== 0) throw new RangeError(`"${name}" must be a multiple of 32 bytes`);
    return v;
  }
  if (!Array.isArray(v)) throw new TypeError(`"${name}" must be a Uint8Array or an array of them`);
  const out = new Uint8Array(v.length * 32);
  v.forEach((x, i) => {
    assertBytes(x, `${name}[${i}]`, 32);
    out.set(x, i * 32);
  });
  return out;
}

export class PrefixTree {
  readonly hash: Sha256;
  /** @internal The allocation-free form of `hash` (its `.into`, or an adapter). */
  readonly hashInto: Sha256Into;
  readonly heads: ChainHeadStore;
  private readonly store: PageStore | undefined;
  private readonly maxLeaves: number;
  private root_: Page;
  /**
   * Set after a failed update until the root page is reloaded (the store failed again), or for good
   * in a tree without a store.
   */
  private stale = false;
  private dirtyPages: Page[] = [];
  /** Rows of this update encoded so far (pages evicted mid-update, then `flush`), for `putPages`. */
  private pending: PageWrite[] = [];
  private readonly rows = new RowArena();
  /** Rows of pages read ahead by `prefetch` (store with `getPages`), by page id, until loaded. */
  private readonly prefetched = new Map<string, (Uint8Array | undefined)[]>();
  private pagesWritten = 0;
  private rowsWritten = 0;
  private readonly cacheBudget: number;
  /** Most and least recently used cached pages (the root page is not in the list). */
  private newest: Page | undefined;
  private oldest: Page | undefined;
  private cachedBytes = 0;
  private peakBytes = 0;
  /** Bytes of pinned (split) pages, and how many may be pinned: half the budget. */
  private pinnedBytes = 0;
  private readonly pinBudget: number;
  private pageLoads = 0;
  private evictions = 0;
  private updates = 0;

  constructor(options: PrefixTreeOptions = {}) {
    this.hash = options.hash ?? defaultSha256;
    assertSha256(this.hash);
    this.hashInto = intoOf(this.hash);
    this.store = options.store;
    this.heads = options.heads ?? new MemoryChainHeadStore();
    const t = options.maxLeavesPerPage ?? DEFAULT_MAX_LEAVES;
    if (!Number.isInteger(t) || t < 2 || t > 1 << 20)
      throw new RangeError('"maxLeavesPerPage" must be an integer in [2, 2^20]');
    this.maxLeaves = t;
    const budget = options.cacheBytes;
    if (budget !== undefined) {
      if (typeof budget !== "number" || !(budget >= 0))
        throw new RangeError('"cacheBytes" must be a non-negative number');
      if (!this.store) throw new TypeError('"cacheBytes" needs a "store" to reload evicted pages from');
    }
    this.cacheBudget = budget ?? Number.POSITIVE_INFINITY;
    this.pinBudget = budget === undefined ? 0 : budget / 2;
    this.root_ = this.openRoot();
  }

  /**
   * @internal The root page (read by batch-proof.ts and shard.ts). After a failed update whose
   * reload failed too, the first access reloads it (and throws while the store still fails); after
   * a failed update of a tree without a store, every access throws `FailedUpdate`.
   */
  get rootPage(): Page {
    if (this.stale) {
      if (!this.store) {
        throw new PrefixTreeError(
          PrefixTreeErrorCode.FailedUpdate,
          "an update of this tree failed part-way and it has no store to reload from: build it again",
        );
      }
      this.root_ = this.openRoot();
      this.stale = false;
    }
    return this.root_;
  }

  /** Loads the root page (or an empty one) and starts an empty cache around it. */
  private openRoot(): Page {
    this.newest = this.oldest = undefined;
    this.pinnedBytes = 0;
    const root = this.loadPage("") ?? new Page("", 0);
    root.cachedBytes = root.byteSize();
    this.cachedBytes = root.cachedBytes;
    return root;
  }

  /** Builds a tree from many leaves at once (unsorted; keys must be distinct). */
  static bulkBuild(keys: Leaves32, values: Leaves32, options: PrefixTreeOptions = {}): PrefixTree {
    const k = flatten(keys, "keys");
    const v = flatten(values, "values");
    if (k.length !== v.length) throw new RangeError('"keys" and "values" must have the same length');
    const tree = new PrefixTree(options);
    if (tree.rootPage.itemCount !== 0)
      throw new PrefixTreeError(PrefixTreeErrorCode.Malformed, "bulkBuild needs an empty store");
    const n = k.length / 32;
    const { keys: sk, values: sv } = sortLeaves(k, v, n);
    for (let i = 0; i + 1 < n; i++) {
      if (equal32(sk, i * 32, sk, (i + 1) * 32))
        throw new PrefixTreeError(PrefixTreeErrorCode.DuplicateKey, "duplicate key in bulkBuild");
    }
    const hashes = new Uint8Array(n * 32);
    const buf = new Uint8Array(64);
    const hashInto = tree.hashInto;
    for (let i = 0; i < n; i++) {
      const o = i * 32;
      for (let b = 0; b < 32; b++) {
        buf[b] = sk[o + b] as number;
        buf[32 + b] = sv[o + b] as number;
      }
      hashInto(buf, 0, 64, hashes, o);
    }
    tree.fillPage(tree.rootPage, sk, sv, hashes, 0, n);
    tree.updates += n;
    tree.flush();
    tree.trim();
    return tree;
  }

  /** The root hash: H("") for the empty tree. */
  root(): Uint8Array {
    return this.rootPage.rootHash() ?? this.hash(new Uint8Array(0));
  }

  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, "key", 32);
    let page = this.rootPage;
    for (;;) {
      const j = page.descend(key, 0, path, pathLen);
      if (j < 0) return undefined;
      const o = j * 32;
      if (page.kinds[j] === ItemKind.Child) {
        if (page.keys[o + page.stratum] !== key[page.stratum]) return undefined;
        page = this.child(page, j);
        continue;
      }
      const v = equal32(page.keys, o, key, 0) ? page.values.slice(o, o + 32) : undefined;
      this.trim();
      return v;
    }
  }

  /** Sets one leaf (a batch of one). */
  set(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, "key", 32);
    assertBytes(value, "value", 32);
    this.setMany(key, value);
  }

  /**
   * Sets many leaves in one batch (a later duplicate key wins), rehashing each touched node once,
   * then writes the changed pages with one `putPages`.
   */
  setMany(keys: Leaves32, values: Leaves32): void {
    const k = flatten(keys, "keys");
    const v = flatten(values, "values");
    if (k.length !== v.length) throw new RangeError('"keys" and "values" must have the same length');
    const n = k.length / 32;
    if (n === 0) return;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    this.batch = { keys: k, values: v, idx, tmp: new Int32Array(n) };
    try {
      this.processPage(this.rootPage, 0, n);
      this.flush();
    } catch (e) {
      this.rollback();
      throw e;
    } finally {
      this.batch = undefined;
      this.prefetched.clear(); // all consumed unless the update failed
    }
    this.updates += n;
    this.trim();
  }

  /**
   * After a failed update (the store's `putPages` threw, a page could not be loaded, or `hash`
   * threw): the loaded pages may hold part of the update, so all of them are dropped, with the
   * pending rows of pages evicted mid-update (`setMany` clears the rows read ahead). The store
   * still holds the state before the update (`putPages` is all-or-nothing), so the root page is
   * reloaded from it and the rest loads again on demand. A tree without a store has nothing to restore from: it refuses
   * every later use (`rootPage` throws `FailedUpdate`) rather than answer from half an update.
   */
  private rollback(): void {
    this.dirtyPages = [];
    this.pending = [];
    this.rows.reset();
    this.stale = true;
    this.root_ = new Page("", 0);
    if (!this.store) return;
    // If the store fails this read too, the tree reloads on its next use (`rootPage`); the
    // update's own error is the one thrown.
    try {
      this.root_ = this.openRoot();
      this.stale = false;
    } catch {}
  }

  /** PR #31 / merkle-patricia-tree.md inclusion proof for `key`, or undefined if absent. */
  proveInclusion(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, "key", 32);
    const leaf = this.walk(key, true);
    if (leaf === undefined || !equal32(leaf.page.keys, leaf.j * 32, key, 0)) {
      this.trim();
      return undefined;
    }
    const o = leaf.j * 32;
    const proof = assembleProof(
      proofHeader(ProofVersion.Inclusion, leaf.page.values.subarray(o, o + 32)),
      walkBits,
      walkSibs,
      walkLen[0] as number,
    );
    this.trim();
    return proof;
  }

  /** Non-inclusion proof in rsc's framing (see proof.ts), or undefined if `key` is present. */
  proveNonInclusion(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, "key", 32);
    const leaf = this.walk(key, false);
    let proof: Uint8Array | undefined;
    if (leaf === undefined) proof = proofHeader(ProofVersion.Empty);
    else {
      const o = leaf.j * 32;
      if (!equal32(leaf.page.keys, o, key, 0)) {
        const head = proofHeader(
          ProofVersion.NonInclusion,
          leaf.page.keys.subarray(o, o + 32),
          leaf.page.values.subarray(o, o + 32),
        );
        proof = assembleProof(head, walkBits, walkSibs, walkLen[0] as number);
      }
    }
    this.trim();
    return proof;
  }

  /** The chain head stored for `key`, if any (see head-store.ts). */
  getHead(key: Uint8Array): ChainNode | undefined {
    return this.heads.getHead(key);
  }

  /** Counts over the loaded pages (walks them: not for hot paths). */
  stats(): TreeStats {
    let leaves = 0;
    let pages = 0;
    let bytes = 0;
    let pinned = 0;
    const visit = (p: Page) => {
      pages++;
      if (p.pinned) pinned++;
      bytes += p.byteSize();
      for (let j = 0; j < p.itemCount; j++) {
        if (p.kinds[j] === ItemKind.Leaf) leaves++;
        else {
          const c = p.children[j];
          if (c) visit(c);
        }
      }
    };
    visit(this.rootPage);
    return {
      leaves,
      pages,
      bytes,
      pinned,
      pageLoads: this.pageLoads,
      evictions: this.evictions,
      peakBytes: Math.max(this.peakBytes, this.cachedBytes),
      pagesWritten: this.pagesWritten,
      rowsWritten: this.rowsWritten,
      updates: this.updates,
    };
  }

  // --- internals -------------------------------------------------------------------------------

  private batch: { keys: Uint8Array; values: Uint8Array; idx: Int32Array; tmp: Int32Array } | undefined;

  /**
   * Descends by the bits of `key` across pages, collecting (bit, sibling hash) pairs top-down into
   * `walkBits`/`walkSibs` (count in `walkLen[0]`; copied straight from the pages, no per-node
   * arrays). With `stayInBucket`, stops (undefined) when `key`'s bucket holds another child page.
   */
  private walk(key: Uint8Array, stayInBucket: boolean): { page: Page; j: number } | undefined {
    let page = this.rootPage;
    let k = 0;
    walkLen[0] = 0;
    for (;;) {
      const j = page.descend(key, 0, path, pathLen);
      if (j < 0) return undefined;
      for (let i = 0; i < (pathLen[0] as number); i++, k++) {
        const n = path[i] as number;
        const b = page.nodeBit[n] as number;
        walkBits[k] = b;
        page.copyHash(
          bitAt(key, 0, b) === 0 ? (page.right[n] as number) : (page.left[n] as number),
          walkSibs,
          k * 32,
        );
      }
      walkLen[0] = k;
      if (page.kinds[j] === ItemKind.Child) {
        if (stayInBucket && page.keys[j * 32 + page.stratum] !== key[page.stratum]) return undefined;
        page = this.child(page, j);
        continue;
      }
      return { page, j };
    }
  }

  /** Child page of item `j` of split page `page`, loaded from the store when needed. */
  child(page: Page, j: number): Page {
    const c = page.children[j];
    if (c) {
      if (!c.pinned && c !== this.newest) this.touch(c);
      return c;
    }
    const id = pageIdFor(page.keys, j * 32, page.stratum + 1);
    const loaded = this.loadPage(id);
    if (!loaded)
      throw new PrefixTreeError(PrefixTreeErrorCode.PageMissing, `page ${id} is missing from the store`);
    const h = loaded.rootHash();
    // A stale or foreign page would silently change the root: its hash must match the parent's.
    if (!h || !equal32(h, 0, page.itemHash, j * 32)) {
      throw new PrefixTreeError(PrefixTreeErrorCode.Malformed, `page ${id} does not match its parent's hash`);
    }
    page.children[j] = loaded;
    this.pageLoads++;
    this.track(loaded, page, j);
    return loaded;
  }

  // --- page cache: a least-recently-used list over the loaded pages below the root ------------

  /** Starts caching `p`, the child at item `slot` of `parent`, as the most recently used page. */
  private track(p: Page, parent: Page, slot: number): void {
    p.parent = parent;
    p.slot = slot;
    p.cachedBytes = p.byteSize();
    this.cachedBytes += p.cachedBytes;
    // The upper levels are on every update's path: split pages stay loaded (pinned, outside the
    // LRU list) while they fit in half the budget, so a batch loads only bottom pages. Only the
    // children of the root or of a pinned page are pinned: the pinned pages are the top of the tree,
    // and a page that is dropped (evicted, or under an evicted page) is never pinned.
    if (
      p.split &&
      (parent === this.root_ || parent.pinned) &&
      this.pinnedBytes + p.cachedBytes <= this.pinBudget
    ) {
      p.pinned = true;
      this.pinnedBytes += p.cachedBytes;
      return;
    }
    p.older = this.newest;
    p.newer = undefined;
    if (this.newest) this.newest.newer = p;
    this.newest = p;
    if (!this.oldest) this.oldest = p;
  }

  private unlink(p: Page): void {
    if (p.newer) p.newer.older = p.older;
    else this.newest = p.older;
    if (p.older) p.older.newer = p.newer;
    else this.oldest = p.newer;
    p.newer = p.older = undefined;
  }

  private touch(p: Page): void {
    this.unlink(p);
    p.older = this.newest;
    if (this.newest) this.newest.newer = p;
    this.newest = p;
    if (!this.oldest) this.oldest = p;
  }

  /** Evicts least recently used pages until the cache fits its budget (between updates). */
  private trim(): void {
    if (this.cachedBytes > this.peakBytes) this.peakBytes = this.cachedBytes;
    while (this.cachedBytes > this.cacheBudget && this.oldest) {
      const p = this.oldest;
      (p.parent as Page).children[p.slot] = undefined;
      this.drop(p);
    }
  }

  /**
   * The same inside an update, called after each child page is done: pages the update is still
   * working on (`busy`: the current page and its ancestors) stay; a page it changed is evicted
   * after its changed rows are encoded into this update's pending writes (a processed page's
   * when it was done, `processPage`; a page a burst filled by `drop` -> `encodeRows`), which go to
   * the store with the rest in the update's one `putPages`. A page is visited once per update, so
   * an evicted page is not needed again before that write; if it fails, `rollback` reloads from
   * the store, which never saw those rows.
   */
  private trimMidUpdate(): void {
    let p = this.oldest;
    while (this.cachedBytes > this.cacheBudget && p) {
      if (p.busy) {
        p = p.newer;
        continue;
      }
      // Ancestors of a busy page are busy, so a page that is not has no busy descendant. Its
      // loaded descendants go with it (they may be next in the list), so start again from the end.
      (p.parent as Page).children[p.slot] = undefined;
      this.drop(p);
      p = this.oldest;
    }
  }

  /** After a page is done in an update: counts its bytes now (it may have grown). */
  private settle(p: Page): void {
    const b = p.byteSize();
    this.cachedBytes += b - p.cachedBytes;
    if (p.pinned) this.pinnedBytes += b - p.cachedBytes;
    p.cachedBytes = b;
  }

  /** Forgets `p` and its loaded descendants; rows they changed in this update go to `pending`. */
  private drop(p: Page): void {
    if (p.split) {
      for (const c of p.children) if (c) this.drop(c);
    }
    if (p.dirty) {
      if (p.dirtyRows !== 0) this.encodeRows(p);
      p.dirty = false;
    }
    // Never pinned: pinned pages hang only under the root or under pinned pages (`track`), none of
    // which is ever dropped.
    this.unlink(p);
    this.cachedBytes -= p.cachedBytes;
    p.parent = undefined;
    p.release();
    this.evictions++;
  }

  /** Reads and assembles the rows of page `id` (undefined when it has none, or no store). */
  private loadPage(id: string): Page | undefined {
    const store = this.store;
    if (!store) return undefined;
    const pre = this.prefetched.get(id);
    if (pre) {
      this.prefetched.delete(id);
      return loadPageRows(id, (r) => pre[r], this.hashInto);
    }
    if (store.getPages) {
      for (let r = 0; r < 1 << ROW_BITS; r++) rowIds[r] = rowId(id, r);
      const rows = store.getPages(rowIds);
      return loadPageRows(id, (r) => rows[r], this.hashInto);
    }
    return loadPageRows(id, (r) => store.getPage(rowId(id, r)), this.hashInto);
  }

  private markDirty(p: Page): void {
    if (!p.dirty) {
      p.dirty = true;
      this.dirtyPages.push(p);
    }
  }

  /** Encodes the rows of `p` changed by this update into `pending` (one arena, reused). */
  private encodeRows(p: Page): void {
    let m = p.dirtyRows;
    p.dirtyRows = 0;
    this.pagesWritten++;
    this.rowsWritten += popcount16(m);
    if (!this.store) return;
    for (let r = 0; m !== 0; r++, m >>>= 1)
      if (m & 1) this.pending.push({ id: rowId(p.id, r), bytes: p.encodeRowInto(r, this.rows) });
  }

  /**
   * Hands the rows changed by this update (those of pages evicted mid-update were encoded then) to
   * the store, in one `putPages`.
   */
  private flush(): void {
    // Pages an update processed were encoded when done (`processPage`) and are not listed; only
    // pages a bulk build or a burst filled wait here (a burst page itself is encoded already).
    const pages = this.dirtyPages;
    this.dirtyPages = [];
    for (const p of pages) if (p.dirty && p.dirtyRows !== 0) this.encodeRows(p);
    // Rows are encoded into one reused buffer: the store copies what it keeps (PageStore docs).
    if (this.store) this.store.putPages(this.pending);
    this.pending = [];
    this.rows.reset();
    // Their bytes are counted already: a page a build or burst filled is tracked once filled
    // (`fillPage`), a burst page when done (`processSplit` settles each child), and the root here.
    for (const p of pages) p.dirty = false;
    this.settle(this.root_);
  }

  private processPage(page: Page, a: number, b: number): void {
    page.busy = true;
    if (page.split) this.processSplit(page, a, b);
    else this.processBottom(page, a, b);
    // The page is done for this update (a page is visited once per update, children before their
    // parent): its changed rows are final, so encode them now, while its arrays are still in the
    // CPU cache, rather than at `flush`, when a large batch has long pushed them out. So it is not
    // listed in `dirtyPages` either (`flush` would touch every changed page again, cold).
    this.encodeRows(page);
    page.busy = false;
  }

  private processBottom(page: Page, a: number, b: number): void {
    const { keys, values, idx } = this.batch as NonNullable<PrefixTree["batch"]>;
    const hash = this.hashInto;
    for (let i = a; i < b; i++) {
      const ko = (idx[i] as number) * 32;
      const j = page.descend(keys, ko, path, pathLen);
      const d = j < 0 ? -1 : commonPrefixBits(page.keys, j * 32, keys, ko);
      if (d === 256) {
        page.setLeafValue(j, values, ko, hash);
        page.markPath(path, pathLen[0] as number);
      } else {
        const nj = page.addItem(ItemKind.Leaf, keys, ko, 32);
        page.setLeafValue(nj, values, ko, hash);
        page.link(nj, j, d, path, pathLen[0] as number);
      }
    }
    if (page.itemCount > this.maxLeaves) this.burst(page);
    else page.rehash(hash);
  }

  private processSplit(page: Page, a: number, b: number): void {
    const batch = this.batch as NonNullable<PrefixTree["batch"]>;
    const { keys, values, idx, tmp } = batch;
    const s = page.stratum;
    // Stable counting sort of idx[a..b) by key byte s: runs are the buckets of this page.
    const counts = countsFor(s);
    counts.fill(0);
    for (let i = a; i < b; i++) {
      const c = (keys[(idx[i] as number) * 32 + s] as number) + 1;
      counts[c] = (counts[c] as number) + 1;
    }
    for (let i = 0; i < 256; i++) counts[i + 1] = (counts[i + 1] as number) + (counts[i] as number);
    for (let i = a; i < b; i++) {
      const x = idx[i] as number;
      const c = keys[x * 32 + s] as number;
      tmp[a + (counts[c] as number)] = x;
      counts[c] = (counts[c] as number) + 1;
    }
    idx.set(tmp.subarray(a, b), a);
    const hash = this.hashInto;
    let r = a;
    while (r < b) {
      const first = (idx[r] as number) * 32;
      const byte = keys[first + s] as number;
      let e = r + 1;
      let same = true;
      while (e < b && keys[(idx[e] as number) * 32 + s] === byte) {
        if (same && !equal32(keys, (idx[e] as number) * 32, keys, first)) same = false;
        e++;
      }
      const lastKo = (idx[e - 1] as number) * 32;
      const j = page.descend(keys, first, path, pathLen);
      const found = j >= 0 && page.keys[j * 32 + s] === byte;
      if (found && page.kinds[j] === ItemKind.Child) {
        if (!page.children[j]) this.prefetch(page, j, e, b);
        const c = this.child(page, j);
        this.processPage(c, r, e);
        this.refreshChild(page, j, c, keys, first);
        this.settle(c);
      } else if (found && same && equal32(page.keys, j * 32, keys, first)) {
        page.setLeafValue(j, values, lastKo, hash);
        page.markPath(path, pathLen[0] as number);
      } else if (found) {
        // A second key arrives in a bucket holding one inline leaf: the bucket becomes a page.
        const c = new Page(pageIdFor(keys, first, s + 1), s + 1, 4);
        const cj = c.addItem(ItemKind.Leaf, page.keys, j * 32, 32);
        c.values.set(page.values.subarray(j * 32, j * 32 + 32), cj * 32);
        c.itemHash.set(page.itemHash.subarray(j * 32, j * 32 + 32), cj * 32);
        c.root = ~cj;
        this.processPage(c, r, e);
        page.kinds[j] = ItemKind.Child;
        page.keys.fill(0, j * 32 + s + 1, j * 32 + 32);
        page.values.fill(0, j * 32, j * 32 + 32);
        page.children[j] = c;
        this.track(c, page, j);
        this.refreshChild(page, j, c, keys, first);
      } else if (same) {
        const nj = page.addItem(ItemKind.Leaf, keys, first, 32);
        page.setLeafValue(nj, values, lastKo, hash);
        page.link(
          nj,
          j,
          j < 0 ? -1 : commonPrefixBits(page.keys, j * 32, page.keys, nj * 32),
          path,
          pathLen[0] as number,
        );
      } else {
        const c = new Page(pageIdFor(keys, first, s + 1), s + 1, e - r);
        this.processPage(c, r, e);
        const nj = page.addItem(ItemKind.Child, keys, first, s + 1);
        page.children[nj] = c;
        this.track(c, page, nj);
        page.itemHash.set(c.rootHash() as Uint8Array, nj * 32);
        const j2 = page.descend(keys, first, path, pathLen);
        page.link(
          nj,
          j2,
          j2 < 0 ? -1 : commonPrefixBits(page.keys, j2 * 32, page.keys, nj * 32),
          path,
          pathLen[0] as number,
        );
      }
      r = e;
      if (this.cachedBytes > this.peakBytes) this.peakBytes = this.cachedBytes;
      if (this.cachedBytes > this.cacheBudget) this.trimMidUpdate();
    }
    page.rehash(hash);
  }

  /**
   * Before loading child page `j` of `page` from a store with `getPages`: reads, in the same call,
   * the rows of the next up to PREFETCH_PAGES - 1 child pages this update will load from `page`
   * (the following buckets, idx[e..b), whose items are unloaded child pages). With 16 rows per page
   * that is 96 ids, one query for `SqlPageStore`. Rows wait in `prefetched` until their page loads
   * (later in this loop; cleared by `rollback` if the update fails first).
   */
  private prefetch(page: Page, j: number, e: number, b: number): void {
    const store = this.store;
    const s = page.stratum;
    const id = pageIdFor(page.keys, j * 32, s + 1);
    if (!store?.getPages || this.prefetched.has(id)) return;
    const { keys, idx } = this.batch as NonNullable<PrefixTree["batch"]>;
    const ids = [id];
    for (let r = e; r < b && ids.length < PREFETCH_PAGES; ) {
      const first = (idx[r] as number) * 32;
      const byte = keys[first + s] as number;
      let e2 = r + 1;
      while (e2 < b && keys[(idx[e2] as number) * 32 + s] === byte) e2++;
      const j2 = page.descend(keys, first, path, pathLen);
      if (
        j2 >= 0 &&
        page.kinds[j2] === ItemKind.Child &&
        page.keys[j2 * 32 + s] === byte &&
        !page.children[j2]
      )
        ids.push(pageIdFor(page.keys, j2 * 32, s + 1));
      r = e2;
    }
    if (ids.length === 1) return;
    const perPage = 1 << ROW_BITS;
    const all: string[] = [];
    for (const p of ids) for (let r = 0; r < perPage; r++) all.push(rowId(p, r));
    const rows = store.getPages(all);
    ids.forEach((p, i) => {
      this.prefetched.set(p, rows.slice(i * perPage, (i + 1) * perPage));
    });
  }

  /** After a child page changed: copy its root hash into the parent's item and mark the path. */
  private refreshChild(page: Page, j: number, c: Page, keys: Uint8Array, ko: number): void {
    c.copyHash(c.root, page.itemHash, j * 32);
    page.markRow(j);
    page.descend(keys, ko, path, pathLen);
    page.markPath(path, pathLen[0] as number);
  }

  /** Splits an over-full bottom page in place (its leaves, in key order, are rebuilt). */
  private burst(page: Page): void {
    const order: number[] = [];
    page.inOrder(page.root, order);
    const m = order.length;
    const k = new Uint8Array(m * 32);
    const v = new Uint8Array(m * 32);
    const h = new Uint8Array(m * 32);
    for (let i = 0; i < m; i++) {
      const o = (order[i] as number) * 32;
      k.set(page.keys.subarray(o, o + 32), i * 32);
      v.set(page.values.subarray(o, o + 32), i * 32);
      h.set(page.itemHash.subarray(o, o + 32), i * 32);
    }
    this.fillPage(page, k, v, h, 0, m);
  }

  /**
   * (Re)fills `page` with sorted leaves [lo, hi) of k/v/h (h = leaf hashes): a bottom page if
   * they fit, else a split page with one item per bucket and child pages built recursively.
   */
  private fillPage(page: Page, k: Uint8Array, v: Uint8Array, h: Uint8Array, lo: number, hi: number): void {
    const s = page.stratum;
    if (hi - lo <= this.maxLeaves) {
      page.reset(withSlack(hi - lo));
      page.split = false;
      page.kinds.fill(ItemKind.Leaf);
      page.keys.set(k.subarray(lo * 32, hi * 32));
      page.values.set(v.subarray(lo * 32, hi * 32));
      page.itemHash.set(h.subarray(lo * 32, hi * 32));
      page.itemCount = hi - lo;
      page.markAllRows();
    } else {
      let buckets = 0;
      for (let i = lo; i < hi; i++) if (i === lo || k[i * 32 + s] !== k[(i - 1) * 32 + s]) buckets++;
      page.reset(buckets);
      page.split = true;
      let r = lo;
      while (r < hi) {
        const byte = k[r * 32 + s];
        let e = r + 1;
        while (e < hi && k[e * 32 + s] === byte) e++;
        if (e - r === 1) {
          const j = page.addItem(ItemKind.Leaf, k, r * 32, 32);
          page.values.set(v.subarray(r * 32, r * 32 + 32), j * 32);
          page.itemHash.set(h.subarray(r * 32, r * 32 + 32), j * 32);
        } else {
          const c = new Page(pageIdFor(k, r * 32, s + 1), s + 1, 1);
          this.fillPage(c, k, v, h, r, e);
          const j = page.addItem(ItemKind.Child, k, r * 32, s + 1);
          page.children[j] = c;
          this.track(c, page, j);
          page.itemHash.set(c.rootHash() as Uint8Array, j * 32);
        }
        r = e;
      }
    }
    page.buildFromSorted(this.hashInto);
    this.markDirty(page);
  }
}

function popcount16(m: number): number {
  let c = 0;
  for (; m !== 0; m &= m - 1) c++;
  return c;
}

/**
 * Sorts n leaves by key: a counting sort on the first 16..24 key bits (about one bucket per leaf,
 * so most buckets hold 0-2 keys), then an insertion sort per bucket, or the comparison sort for a
 * large bucket (keys clustered under one prefix).
 */
export function sortLeaves(
  keys: Uint8Array,
  values: Uint8Array,
  n: number,
): { keys: Uint8Array; values: Uint8Array } {
  const bits = Math.min(24, Math.max(16, Math.ceil(Math.log2(Math.max(n, 2)))));
  const shift = 24 - bits;
  const nb = 1 << bits;
  const bucketOf = (i: number) =>
    (((keys[i * 32] as number) << 16) |
      ((keys[i * 32 + 1] as number) << 8) |
      (keys[i * 32 + 2] as number)) >>>
    shift;
  // end[b] = one past the last slot of bucket b; filled backwards (stable), it ends as the start.
  const end = new Uint32Array(nb + 1);
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    end[b] = (end[b] as number) + 1;
  }
  for (let b = 1; b < nb; b++) end[b] = (end[b] as number) + (end[b - 1] as number);
  end[nb] = n;
  const perm = new Uint32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const b = bucketOf(i);
    const p = (end[b] as number) - 1;
    end[b] = p;
    perm[p] = i;
  }
  const cmp = (x: number, y: number) => compare32(keys, x * 32, keys, y * 32);
  for (let b = 0; b < nb; b++) {
    const s = end[b] as number;
    const e = end[b + 1] as number;
    if (e - s < 2) continue;
    if (e - s > 16) {
      perm.subarray(s, e).sort(cmp);
      continue;
    }
    for (let i = s + 1; i < e; i++) {
      const x = perm[i] as number;
      let j = i - 1;
      while (j >= s && compare32(keys, (perm[j] as number) * 32, keys, x * 32) > 0) {
        perm[j + 1] = perm[j] as number;
        j--;
      }
      perm[j + 1] = x;
    }
  }
  const sk = new Uint8Array(n * 32);
  const sv = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) {
    const x = (perm[i] as number) * 32;
    const o = i * 32;
    for (let t = 0; t < 32; t++) {
      sk[o + t] = keys[x + t] as number;
      sv[o + t] = values[x + t] as number;
    }
  }
  return { keys: sk, values: sv };
}
