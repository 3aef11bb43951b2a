/**
 * Sliding replay window per KID. RFC 9605 §9.4 leaves replay handling to the application; Sealroom keeps,
 * per KID, the highest CTR accepted and a bitmap of the `size` CTRs up to it (the SRTP approach of
 * RFC 3711 §3.3.2). A CTR is accepted once; a CTR older than the window is refused because it could be a
 * replay we can no longer tell apart.
 *
 * `check` runs before decryption (cheap reject), `accept` only after the tag verified, so forged frames
 * cannot move the window.
 *
 * The window runs on Number arithmetic (it is on the per-frame path), so it handles CTRs below 2^53 and
 * reports larger ones as "out-of-range"; `FrameCryptor` never sends them (a stream would need 285 000
 * years at 1000 frames/s to get there).
 */
export const MAX_WINDOW_CTR = Number.MAX_SAFE_INTEGER;
const MAX_CTR_BIG = BigInt(MAX_WINDOW_CTR);

export class ReplayWindow {
  readonly size: number;
  #highest = -1;
  /** Ring bitmap: bit (ctr mod size) set <=> ctr accepted, for ctr in (highest - size, highest]. */
  readonly #bits: Uint32Array;

  constructor(size = 256) {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`"size" must be 1..4096`);
    this.size = size;
    this.#bits = new Uint32Array(Math.ceil(size / 32));
  }

  #get(ctr: number): boolean {
    const i = ctr % this.size;
    return (((this.#bits[i >>> 5] as number) >>> (i & 31)) & 1) === 1;
  }

  #set(ctr: number, on: boolean): void {
    const i = ctr % this.size;
    const w = i >>> 5;
    const m = 1 << (i & 31);
    this.#bits[w] = on ? (this.#bits[w] as number) | m : (this.#bits[w] as number) & ~m;
  }

  /** "fresh", "replay" (seen before), "too-old" (below the window) or "out-of-range" (>= 2^53). */
  check(ctr: bigint): "fresh" | "replay" | "too-old" | "out-of-range" {
    if (ctr < 0n || ctr > MAX_CTR_BIG) return "out-of-range";
    const c = Number(ctr);
    if (c > this.#highest) return "fresh";
    if (this.#highest - c >= this.size) return "too-old";
    return this.#get(c) ? "replay" : "fresh";
  }

  /** Records `ctr` as used; call after authentication succeeded and `check` said fresh. */
  accept(ctr: bigint): void {
    if (ctr < 0n || ctr > MAX_CTR_BIG) throw new RangeError(`"ctr" out of the window's range`);
    const c = Number(ctr);
    if (c > this.#highest) {
      if (c - this.#highest >= this.size) this.#bits.fill(0);
      else for (let x = this.#highest + 1; x < c; x++) this.#set(x, false);
      this.#highest = c;
      this.#set(c, true);
      return;
    }
    if (this.#highest - c < this.size) this.#set(c, true);
  }
}
