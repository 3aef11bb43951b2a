/**
 * Recycled page buffers (issue 12, "make updates fast at scale"). A page keeps all its columns in
 * one `ArrayBuffer` (page.ts); it gets a new one whenever it grows past its capacity, is rebuilt,
 * or is loaded from the store. In V8 a fresh `ArrayBuffer` of a page's size (4-40 KB) costs
 * 10-55 µs (zeroed memory, page faults, external-memory accounting), about as much as 40 node
 * hashes, and with a 16M-leaf tree every tenth update (a new key) grows a page that bulk build
 * left with little slack (`withSlack`); behind a page cache every load needs one. So buffers that pages give up
 * (growth, rebuild, eviction) go into this pool, and the next page needing about that size takes
 * one, zeroed, instead of allocating.
 *
 * Buffers are filed by capacity class: eight classes per power of two (each class 1/8 of its
 * octave's base above the previous), a buffer under the largest class not above its capacity; a
 * request for `need` items looks in the smallest class not below `need` and the two above it, so
 * any buffer found holds at least `need` items and at most about 1/4 more. The
 * pool holds at most `POOL_LIMIT_BYTES`; beyond that a released buffer is left to the GC. The
 * pool is per process (JavaScript is single-threaded; a buffer belongs to one page at a time).
 */

/** Upper bound on the bytes of idle buffers kept for reuse (outside any tree's cache budget). */
export const POOL_LIMIT_BYTES = 16 * 1024 * 1024;

const lists = new Map<number, ArrayBuffer[]>();
const caps = new Map<ArrayBuffer, number>();
let pooledBytes = 0;
/** Requests and requests served from the pool since start (bench and tests). */
export const poolCounters = { takes: 0, hits: 0 };

/** Smallest class >= c (c >= 1). */
export function ceilClass(c: number): number {
  const step = c < 16 ? 1 : 2 ** (31 - Math.clz32(c) - 3);
  return Math.ceil(c / step) * step;
}

/** Largest class <= c (c >= 1). */
export function floorClass(c: number): number {
  const step = c < 16 ? 1 : 2 ** (31 - Math.clz32(c) - 3);
  return Math.floor(c / step) * step;
}

/**
 * A zeroed pooled buffer holding at least `need` items, with its capacity, or undefined when the
 * pool has none of that class.
 */
export function takeBuffer(need: number): { buf: ArrayBuffer; cap: number } | undefined {
  poolCounters.takes++;
  // The smallest class that fits, else one of the next two (at most ~1/4 more than needed): pages
  // only grow, so released buffers run a little smaller than the requests that follow them.
  let k = ceilClass(need);
  let buf = lists.get(k)?.pop();
  for (let up = 0; !buf && up < 2; up++) {
    k = ceilClass(k + 1);
    buf = lists.get(k)?.pop();
  }
  if (!buf) return undefined;
  poolCounters.hits++;
  const cap = caps.get(buf) as number;
  caps.delete(buf);
  pooledBytes -= buf.byteLength;
  new Uint8Array(buf).fill(0);
  return { buf, cap };
}

/** Gives back a buffer of `cap` items that no page uses any more. */
export function releaseBuffer(buf: ArrayBuffer, cap: number): void {
  if (cap < 1 || pooledBytes + buf.byteLength > POOL_LIMIT_BYTES || caps.has(buf)) return;
  const k = floorClass(cap);
  let list = lists.get(k);
  if (!list) {
    list = [];
    lists.set(k, list);
  }
  list.push(buf);
  caps.set(buf, cap);
  pooledBytes += buf.byteLength;
}

/** Bytes of idle buffers in the pool (for stats and tests). */
export function pooledBufferBytes(): number {
  return pooledBytes;
}

/** Empties the pool (tests). */
export function clearBufferPool(): void {
  lists.clear();
  caps.clear();
  pooledBytes = 0;
}
