/**
 * Strict big-endian reader and writer for the room protocol (TLS presentation language, RFC 8446 §3).
 * The reader checks every length against the remaining input before slicing, so a hostile frame can never
 * make us allocate more than it carries, and `end()` rejects trailing bytes.
 */
import { DecodeError, DecodeErrorCode } from "./errors.ts";

export class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }
  u16(v: number): this {
    return this.raw(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0);
    return this.raw(b);
  }
  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`"u64" out of range: ${v}`);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v);
    return this.raw(b);
  }
  raw(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }
  /** opaque<0..2^8-1> */
  bytes8(b: Uint8Array): this {
    if (b.length > 0xff) throw new RangeError(`"bytes8" too long: ${b.length}`);
    return this.u8(b.length).raw(b);
  }
  /** opaque<0..2^32-1>, capped by the caller's limit */
  bytes32(b: Uint8Array): this {
    return this.u32(b.length).raw(b);
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export class Reader {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.buf.length - this.pos < n) {
      throw new DecodeError(DecodeErrorCode.Truncated, this.pos, `need ${n} bytes`);
    }
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  bytes8(min = 0): Uint8Array {
    const at = this.pos;
    const n = this.u8();
    if (n < min) throw new DecodeError(DecodeErrorCode.NonCanonical, at, `length ${n} below ${min}`);
    return this.raw(n);
  }
  bytes32(max: number, min = 0): Uint8Array {
    const at = this.pos;
    const n = this.u32();
    if (n > max) throw new DecodeError(DecodeErrorCode.Oversized, at, `length ${n} exceeds ${max}`);
    if (n < min) throw new DecodeError(DecodeErrorCode.NonCanonical, at, `length ${n} below ${min}`);
    return this.raw(n);
  }
  /** A presence flag must be exactly 0 or 1 (one encoding per value). */
  flag(): boolean {
    const at = this.pos;
    const v = this.u8();
    if (v > 1) throw new DecodeError(DecodeErrorCode.NonCanonical, at, `flag byte ${v}`);
    return v === 1;
  }
  end(): void {
    if (this.pos !== this.buf.length) {
      throw new DecodeError(
        DecodeErrorCode.Trailing,
        this.pos,
        `${this.buf.length - this.pos} trailing bytes`,
      );
    }
  }
}
