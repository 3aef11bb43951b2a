/** Test helpers: hex, vector loading with exact u64s, synthetic encoded frames. */
import { readFileSync } from "node:fs";

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/** Parses JSON keeping integers exact: every integer literal becomes a bigint. */
export function parseJsonBig(text: string): unknown {
  return JSON.parse(text, function (
    this: unknown,
    _key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (typeof value === "number" && context?.source !== undefined && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  } as never);
}

export interface HeaderVector {
  kid: bigint;
  ctr: bigint;
  encoded: string;
}
export interface AesCtrHmacVector {
  cipher_suite: bigint;
  key: string;
  enc_key: string;
  auth_key: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}
export interface SFrameVector {
  cipher_suite: bigint;
  kid: bigint;
  ctr: bigint;
  base_key: string;
  sframe_key_label: string;
  sframe_salt_label: string;
  sframe_secret: string;
  sframe_key: string;
  sframe_salt: string;
  metadata: string;
  nonce: string;
  aad: string;
  pt: string;
  ct: string;
}

export function loadVectors(): {
  header: HeaderVector[];
  aes_ctr_hmac: AesCtrHmacVector[];
  sframe: SFrameVector[];
} {
  const text = readFileSync(new URL("../vectors/rfc9605-test-vectors.json", import.meta.url), "utf8");
  return parseJsonBig(text) as never;
}

/** An object shaped like RTCEncodedVideoFrame / RTCEncodedAudioFrame. */
export class SyntheticFrame {
  data: ArrayBuffer;
  readonly type: string | undefined;
  readonly #mime: string | undefined;
  constructor(bytes: Uint8Array, mimeType?: string, type?: string) {
    this.data = bytes.slice().buffer;
    this.#mime = mimeType;
    this.type = type;
  }
  getMetadata(): { mimeType?: string; synchronizationSource: number } {
    return this.#mime === undefined
      ? { synchronizationSource: 1234 }
      : { mimeType: this.#mime, synchronizationSource: 1234 };
  }
}

/** A VP8-looking frame: keyframe has byte0 bit0 = 0 plus start code 9d 01 2a and dimensions. */
export function vp8Frame(key: boolean, size: number, seed = 1): Uint8Array {
  const f = new Uint8Array(size);
  for (let i = 0; i < size; i++) f[i] = (i * 31 + seed * 7) & 0xff;
  if (size > 0) f[0] = key ? 0x10 : 0x11;
  if (key && size >= 10) f.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], 3);
  return f;
}

export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}
