/** Shared by the prefix-tree benches: deterministic pseudo-random bytes and main-thread CPU time. */

/** `n` bytes from xorshift32 seeded with `seed` (the same bytes for the same arguments). */
export function rand(n: number, seed: number): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(n);
  const w = new Uint32Array(out.buffer, 0, n >>> 2);
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  return out;
}

/** This thread's CPU time in ms (user + system). */
export function cpu(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The keys and values of A/B round `r` (`layout-ab.ts`, `sql-reads-ab.ts`): `count` updates, nine in ten
 * of an existing key (picked from the `n` keys of `keys` by the values' bytes), one in ten of a new key.
 */
export function roundBatch(
  keys: Uint8Array,
  n: number,
  count: number,
  r: number,
): { keys: Uint8Array; values: Uint8Array } {
  const values = rand(count * 32, 1000 + r);
  const out = new Uint8Array(count * 32);
  const dv = new DataView(values.buffer);
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) out.set(rand(32, 7 * r + 99 + i), i * 32);
    else {
      const j = dv.getUint32(i * 32) % n;
      out.set(keys.subarray(j * 32, j * 32 + 32), i * 32);
    }
  }
  return { keys: out, values };
}
