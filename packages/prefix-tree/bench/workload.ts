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
