/**
 * C2SP signed-note (https://c2sp.org/signed-note, C2SP/C2SP main): notes, signature lines, key
 * IDs, verifier keys (vkeys) and the matching signer key text. Everything a verifier needs before
 * any signature check, with SHA-256 only (key IDs, through @sealroom/hash-chain's `sha256Small`)
 * and no curve code: Ed25519 note signatures (type 0x01), key generation and signer-key parsing
 * (which derives the public key) are in `note-ed25519.ts`, so a page that parses notes and
 * verifies signatures with WebCrypto never loads @noble/ed25519 or SHA-512 (issue 12).
 * Timestamped cosignatures (types 0x04 and WAICT's 0x06) are in `cosignature.ts`; they reuse the
 * parsing and key handling here.
 *
 * A note is `text` (ending in "\n"), a blank line, then one or more lines
 * `— <key name> base64(32-bit key ID || signature)\n`. Notes are UTF-8 with no control
 * characters but "\n"; key names are non-empty with no Unicode spaces and no "+"; the text is
 * split from the signatures at the *last* blank line.
 *
 * Strictness (choices where the spec leaves room, see README): base64 must be canonical standard
 * base64 (padding present, zero trailing bits), so one signature has one spelling; at most
 * `maxSignatures` (default 100, the spec requires accepting at least 16) signature lines and
 * `maxNoteBytes` (default 1 MiB) bytes. Parse errors are `DecodeError`s whose offset is a byte
 * offset into the UTF-8 note.
 */

import { decodeBase64 as base64Decode, encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import { sha256Small as sha256 } from "@sealroom/hash-chain/sha256";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";

/** Signature type identifier bytes assigned by C2SP signed-note ("Signature types"). */
export const NoteSignatureType = {
  /** Ed25519 over the note text. */
  Ed25519: 0x01,
  /** ECDSA (transparency-dev/witness). */
  Ecdsa: 0x02,
  /** Timestamped Ed25519 checkpoint cosignature, c2sp.org/tlog-cosignature. */
  CosignatureV1: 0x04,
  /** RFC 6962 TreeHeadSignature, c2sp.org/static-ct-api. */
  Rfc6962TreeHead: 0x05,
  /** Timestamped ML-DSA-44 (sub)tree cosignature, c2sp.org/tlog-cosignature. */
  MlDsa44Cosignature: 0x06,
} as const;

/** One signature line: key name, 32-bit key ID, and the signature bytes after the key ID. */
export interface NoteSignature {
  name: string;
  /** uint32, big-endian on the wire. */
  keyId: number;
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, ending in "\n". */
  text: string;
  signatures: NoteSignature[];
}

export interface ParseNoteOptions {
  /** Maximum number of signature lines (default 100; the spec requires accepting >= 16). */
  maxSignatures?: number;
  /** Maximum note size in bytes (default 1 MiB). */
  maxNoteBytes?: number;
}

/** A public key as configured in a verifier: `<name>+<hex key ID>+base64(type || key)`. */
export interface VerifierKey {
  name: string;
  keyId: number;
  type: number;
  publicKey: Uint8Array;
}

/** A private key in Go's x/mod/sumdb/note text form, `PRIVATE+KEY+<name>+<hex id>+base64(type || key)`. */
export interface SignerKey {
  name: string;
  keyId: number;
  type: number;
  /** For Ed25519 types: the 32-byte RFC 8032 seed. */
  secretKey: Uint8Array;
}

const DEFAULT_MAX_SIGNATURES = 100;
const DEFAULT_MAX_NOTE_BYTES = 1 << 20;
const EM_DASH_PREFIX = "\u2014 ";
export const utf8 = new TextEncoder();
// ignoreBOM: the signed text is exactly the bytes received; a leading EF BB BF stays U+FEFF (as in
// Go's x/mod/sumdb/note, which never strips it), so it is part of what the signature must cover.
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------------
// Key names, key IDs, vkeys

/** @internal Shared with note-ed25519.ts. */
export function checkBytes(v: unknown, name: string, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`"${name}" must be a Uint8Array`);
  if (length !== undefined && v.length !== length) {
    throw new RangeError(`"${name}" must be ${length} bytes, got ${v.length}`);
  }
  return v;
}

const NAME_FORBIDDEN = /[\p{White_Space}+]/u;
// ASCII control characters (below U+0020) other than "\n", which no part of a note may contain.
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
// A lone UTF-16 surrogate has no UTF-8 encoding (String.prototype.isWellFormed is ES2024).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Key names: non-empty, no Unicode spaces, no "+", no control characters. */
export function isValidKeyName(name: string): boolean {
  return typeof name === "string" && name.length > 0 && !NAME_FORBIDDEN.test(name) && !CONTROL.test(name);
}

/** @internal */
export function checkKeyName(name: string): void {
  if (!isValidKeyName(name))
    throw new RangeError(`"name" is not a valid note key name: ${JSON.stringify(name)}`);
}

function checkKeyId(keyId: number): void {
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) {
    throw new RangeError(`"keyId" must be a uint32, got ${keyId}`);
  }
}

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], as a uint32. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  checkKeyName(name);
  if (!Number.isInteger(type) || type < 0 || type > 255)
    throw new RangeError(`"type" must be a byte, got ${type}`);
  checkBytes(publicKey, "publicKey");
  const n = utf8.encode(name);
  const buf = new Uint8Array(n.length + 2 + publicKey.length);
  buf.set(n, 0);
  buf[n.length] = 0x0a;
  buf[n.length + 1] = type;
  buf.set(publicKey, n.length + 2);
  const h = sha256(buf);
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

const hex8 = (id: number): string => id.toString(16).padStart(8, "0");

/** Types whose key ID is the recommended hash (so a vkey's ID can be checked on parse). */
const HASHED_ID_TYPES: ReadonlySet<number> = new Set([
  NoteSignatureType.Ed25519,
  NoteSignatureType.CosignatureV1,
  NoteSignatureType.MlDsa44Cosignature,
]);

export function formatVerifierKey(k: VerifierKey): string {
  checkKeyName(k.name);
  checkKeyId(k.keyId);
  checkBytes(k.publicKey, "publicKey");
  return `${k.name}+${hex8(k.keyId)}+${base64Encode(Uint8Array.of(k.type, ...k.publicKey))}`;
}

/** @internal Shared with note-ed25519.ts (signer keys). */
export function parseKeyParts(
  text: string,
  what: string,
  offset: number,
): [string, number, number, Uint8Array] {
  // Key names never contain "+" but standard base64 does: split at the first two "+" only.
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0)
    throw new DecodeError(PrefixTreeErrorCode.Malformed, offset, `${what}: expected name+id+key`);
  const name = text.slice(0, first);
  const id = text.slice(first + 1, second);
  const key = text.slice(second + 1);
  if (!isValidKeyName(name))
    throw new DecodeError(PrefixTreeErrorCode.Malformed, offset, `${what}: bad key name`);
  if (!/^[0-9a-f]{8}$/.test(id)) {
    throw new DecodeError(
      PrefixTreeErrorCode.NonCanonical,
      offset + name.length + 1,
      `${what}: key ID must be 8 lowercase hex digits`,
    );
  }
  const raw = base64Decode(key);
  if (raw === undefined || raw.length < 2) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      offset + name.length + 10,
      `${what}: bad base64 key`,
    );
  }
  return [name, Number.parseInt(id, 16), raw[0]!, raw.slice(1)];
}

/**
 * Parses `<name>+<hex key ID>+base64(type || public key)`. For the types whose key ID is the
 * recommended hash (0x01, 0x04, 0x06) the ID must recompute; for Ed25519-based types the key must
 * be 32 bytes. Other types are accepted as opaque.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  if (typeof vkey !== "string") throw new TypeError('"vkey" must be a string');
  const [name, keyId, type, publicKey] = parseKeyParts(vkey, "vkey", 0);
  checkKeyMaterial(
    name,
    keyId,
    type,
    publicKey,
    "vkey",
    0,
    HASHED_ID_TYPES.has(type) ? publicKey : undefined,
  );
  return { name, keyId, type, publicKey };
}

/**
 * @internal Key material checks shared by vkeys and signer keys: Ed25519 types carry 32 bytes, and
 * the key ID must equal `noteKeyId` of `idKey` (the public key) when the caller has one.
 */
export function checkKeyMaterial(
  name: string,
  keyId: number,
  type: number,
  key: Uint8Array,
  what: string,
  at: number,
  idKey: Uint8Array | undefined,
): void {
  if ((type === NoteSignatureType.Ed25519 || type === NoteSignatureType.CosignatureV1) && key.length !== 32) {
    throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, `${what}: Ed25519 key must be 32 bytes`);
  }
  if (idKey !== undefined && noteKeyId(name, type, idKey) !== keyId) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      at + name.length + 1,
      `${what}: key ID does not match the key`,
    );
  }
}

/** `PRIVATE+KEY+<name>+<hex key ID>+base64(type || secret key)` (Go x/mod/sumdb/note form). */
export function formatSignerKey(k: SignerKey): string {
  checkKeyName(k.name);
  checkKeyId(k.keyId);
  checkBytes(k.secretKey, "secretKey");
  return `PRIVATE+KEY+${k.name}+${hex8(k.keyId)}+${base64Encode(Uint8Array.of(k.type, ...k.secretKey))}`;
}

// ---------------------------------------------------------------------------------------------
// Signature lines and notes

export function formatSignatureLine(s: NoteSignature): string {
  checkKeyName(s.name);
  checkKeyId(s.keyId);
  checkBytes(s.signature, "signature");
  if (s.signature.length === 0) throw new RangeError('"signature" must not be empty');
  const raw = new Uint8Array(4 + s.signature.length);
  raw[0] = s.keyId >>> 24;
  raw[1] = (s.keyId >>> 16) & 0xff;
  raw[2] = (s.keyId >>> 8) & 0xff;
  raw[3] = s.keyId & 0xff;
  raw.set(s.signature, 4);
  return `${EM_DASH_PREFIX}${s.name} ${base64Encode(raw)}\n`;
}

const NON_ASCII = /[^\u0000-\u007f]/;
/**
 * Byte length of a string's UTF-8 encoding, for offsets: the string's length when it is ASCII (every
 * valid note line in practice), so parsing a valid note encodes nothing (issue 12: the client
 * verifier parses one note per page load).
 */
const byteLen = (s: string): number => (NON_ASCII.test(s) ? utf8.encode(s).length : s.length);

function parseLine(line: string, at: number): NoteSignature {
  if (!line.startsWith(EM_DASH_PREFIX)) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      at,
      "signature line must start with an em dash and a space",
    );
  }
  const body = line.slice(EM_DASH_PREFIX.length);
  const sp = body.indexOf(" ");
  const bodyAt = at + byteLen(EM_DASH_PREFIX);
  if (sp <= 0)
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      bodyAt,
      "signature line needs a key name and a signature",
    );
  const name = body.slice(0, sp);
  if (!isValidKeyName(name)) throw new DecodeError(PrefixTreeErrorCode.Malformed, bodyAt, "bad key name");
  const b64 = body.slice(sp + 1);
  const sigAt = bodyAt + byteLen(name) + 1;
  const raw = base64Decode(b64);
  if (raw === undefined)
    throw new DecodeError(PrefixTreeErrorCode.NonCanonical, sigAt, "signature is not canonical base64");
  if (raw.length < 5)
    throw new DecodeError(PrefixTreeErrorCode.Truncated, sigAt, "signature shorter than key ID + 1 byte");
  const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
  return { name, keyId, signature: raw.slice(4) };
}

function toText(input: Uint8Array | string, max: number): string {
  if (typeof input === "string") {
    // Strings from JS may hold lone surrogates, which have no UTF-8 encoding.
    if (LONE_SURROGATE.test(input))
      throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, "note is not valid Unicode");
    if (input.length > max) throw new DecodeError(PrefixTreeErrorCode.Oversized, max, "note too large");
    if (byteLen(input) > max) throw new DecodeError(PrefixTreeErrorCode.Oversized, max, "note too large");
    return input;
  }
  checkBytes(input, "note");
  if (input.length > max) throw new DecodeError(PrefixTreeErrorCode.Oversized, max, "note too large");
  try {
    return utf8Strict.decode(input);
  } catch {
    throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, "note is not valid UTF-8");
  }
}

function checkNoControl(s: string): void {
  const m = CONTROL.exec(s);
  if (m !== null) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      byteLen(s.slice(0, m.index)),
      "control character in note",
    );
  }
}

/**
 * Parses one or more signature lines, each ending in "\n" (the body of WAICT
 * `/upload-cosignature` and of C2SP tlog-witness responses).
 */
export function parseSignatureLines(
  input: Uint8Array | string,
  options: ParseNoteOptions = {},
): NoteSignature[] {
  const s = toText(input, options.maxNoteBytes ?? DEFAULT_MAX_NOTE_BYTES);
  checkNoControl(s);
  return parseSigBlock(s, 0, options.maxSignatures ?? DEFAULT_MAX_SIGNATURES);
}

function parseSigBlock(block: string, at: number, max: number): NoteSignature[] {
  if (block.length === 0) throw new DecodeError(PrefixTreeErrorCode.Truncated, at, "no signature lines");
  if (!block.endsWith("\n"))
    throw new DecodeError(
      PrefixTreeErrorCode.Truncated,
      at + byteLen(block),
      "signature line must end in a newline",
    );
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > max)
    throw new DecodeError(PrefixTreeErrorCode.Oversized, at, `more than ${max} signatures`);
  const out: NoteSignature[] = [];
  let o = at;
  for (const line of lines) {
    out.push(parseLine(line, o));
    o += byteLen(line) + 1;
  }
  return out;
}

/** Parses a signed note into its text and signature lines (no verification). */
export function parseNote(input: Uint8Array | string, options: ParseNoteOptions = {}): Note {
  const s = toText(input, options.maxNoteBytes ?? DEFAULT_MAX_NOTE_BYTES);
  checkNoControl(s);
  const split = s.lastIndexOf("\n\n");
  if (split < 0)
    throw new DecodeError(PrefixTreeErrorCode.Malformed, byteLen(s), "no blank line before signatures");
  const text = s.slice(0, split + 1);
  const signatures = parseSigBlock(
    s.slice(split + 2),
    byteLen(text) + 1,
    options.maxSignatures ?? DEFAULT_MAX_SIGNATURES,
  );
  return { text, signatures };
}

/** @internal Shared with note-ed25519.ts (signing). */
export function checkText(text: string): void {
  if (typeof text !== "string") throw new TypeError('"text" must be a string');
  if (!text.endsWith("\n")) throw new RangeError('"text" must end with a newline');
  if (LONE_SURROGATE.test(text) || CONTROL.test(text)) {
    throw new RangeError('"text" must be valid Unicode without control characters other than newline');
  }
}

/** Writes a note: text, a blank line, the signature lines. */
export function formatNote(note: Note): string {
  checkText(note.text);
  if (!Array.isArray(note.signatures) || note.signatures.length === 0) {
    throw new RangeError('"signatures" must hold at least one signature');
  }
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join("")}`;
}
