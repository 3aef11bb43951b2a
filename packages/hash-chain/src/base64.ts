/**
 * Strict base64 codecs (RFC 4648 §4 "base64" with padding, §5 "base64url" without padding).
 *
 * waict-integrity v2 "Conventions" fixes both alphabets: manifest hashes are base64urlnopad, the
 * transparency proof line and signed-note roots are standard padded base64. Decoders here are strict:
 * wrong alphabet, wrong padding and non-zero trailing bits are rejected (RFC 4648 §3.5 allows a decoder
 * to reject them; we must, or two spellings of one hash would both verify). Hand-written because
 * `Uint8Array.fromBase64` is not in every runtime we target and `atob` is not strict.
 */

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function table(alphabet: string): Int16Array {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_T = table(STD);
const URL_T = table(URL);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? "=" : "");
  }
  return out;
}

/** Returns undefined for any non-canonical or malformed input. */
function decode(text: string, t: Int16Array, pad: boolean): Uint8Array | undefined {
  let len = text.length;
  if (pad) {
    if (len % 4 !== 0) return undefined;
    if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
    if (len > 0 && text.charCodeAt(len - 1) === 61) len--;
    if (text.length - len > 0 && len % 4 === 0) return undefined;
  }
  if (len % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  // Four characters (24 bits) at a time; any character outside the alphabet makes `v` negative.
  const full = len & ~3;
  let o = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const c = text.charCodeAt(i + 2);
    const d = text.charCodeAt(i + 3);
    if ((a | b | c | d) > 127) return undefined;
    const v = (t[a]! << 18) | (t[b]! << 12) | (t[c]! << 6) | t[d]!;
    if (v < 0) return undefined;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  let acc = 0;
  let bits = 0;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? t[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero so every byte string has exactly one encoding.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, STD, true);
}
export function decodeBase64(text: string): Uint8Array | undefined {
  return decode(text, STD_T, true);
}
export function encodeBase64UrlNoPad(bytes: Uint8Array): string {
  return encode(bytes, URL, false);
}
export function decodeBase64UrlNoPad(text: string): Uint8Array | undefined {
  return decode(text, URL_T, false);
}
