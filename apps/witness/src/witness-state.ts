/**
 * A witness's memory of one transparency service: the last batch count it verified and the root
 * that count produced. Kept in Durable Object SQLite; a checkpoint moves only forward, in one
 * statement, so a crash leaves either the old or the new checkpoint and never a mix.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env.ts";

export interface Checkpoint {
  /** Number of batches the root covers. */
  size: number;
  /** Tree root after `size` batches, 32 bytes. */
  root: Uint8Array;
}

/** SHA-256 of the empty string: the WAICT prefix tree's empty root, the state before batch 0. */
const EMPTY_ROOT = new Uint8Array([
  0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae,
  0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

export type AdvanceResult = { ok: true } | { ok: false; reason: string };

export class WitnessState extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL, root BLOB NOT NULL)",
    );
  }

  async checkpoint(): Promise<Checkpoint> {
    const row = this.ctx.storage.sql
      .exec<{ size: number; root: ArrayBuffer }>("SELECT size, root FROM checkpoint WHERE id = 0")
      .toArray()[0];
    return row ? { size: row.size, root: new Uint8Array(row.root) } : { size: 0, root: EMPTY_ROOT.slice() };
  }

  /**
   * Records a newer checkpoint. The caller has verified the batches between; this only refuses to
   * move backwards or sideways, which would let a service fork the witness's view. Refusals are
   * results, not exceptions: they are expected outcomes and cross the RPC boundary as data.
   */
  async advance(next: Checkpoint): Promise<AdvanceResult> {
    if (next.root.byteLength !== 32)
      return { ok: false, reason: `root must be 32 bytes, got ${next.root.byteLength}` };
    const current = await this.checkpoint();
    if (next.size < current.size)
      return { ok: false, reason: `checkpoint ${next.size} is older than ${current.size}` };
    if (next.size === current.size && !equalBytes(next.root, current.root)) {
      return { ok: false, reason: `a different root for checkpoint ${next.size}` };
    }
    this.ctx.storage.sql.exec(
      "INSERT INTO checkpoint (id, size, root) VALUES (0, ?, ?) ON CONFLICT(id) DO UPDATE SET size = excluded.size, root = excluded.root",
      next.size,
      next.root,
    );
    return { ok: true };
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
