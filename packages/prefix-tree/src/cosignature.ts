/**
 * Witness cosignatures on the prefix tree root: WAICT's variant of C2SP tlog-cosignature
 * (waict-apis.md "Upload cosignature"; docs/wire-formats.md "Signed notes and cosignatures"), plus C2SP's own Ed25519
 * `cosignature/v1` (type 0x04) so the same code is exercised on the C2SP examples.
 *
 * A WAICT cosignature is a signed-note signature line over the note text
 *
 *     <tdomain>/prefix-tree
 *     <N>
 *     <base64 root>
 *
 * (the root after replaying batches [0, N)), whose Ed25519 signature covers the message
 *
 *     waict-cosignature/v1
 *     time <t>
 *     <tdomain>/prefix-tree
 *     <N>
 *     <base64 root>
 *
 * with key ID SHA-256(name || "\n" || 0x06 || 32-byte public key)[:4] and signature bytes
 * `u64 timestamp || 64-byte Ed25519 signature` (TimestampedSignature), so the base64 payload of
 * the line is keyid || u64 time || sig. The draft says 0x06 is still to be requested from C2SP;
 * C2SP has since assigned 0x06 to ML-DSA-44 subtree cosignatures. A WAICT 0x06 key is therefore
 * only meaningful together with the `waict-cosignature/v1` header: the type byte is one named
 * constant so that it can follow the draft when a final codepoint is assigned.
 */

import { U64_MAX } from "@sealroom/hash-chain";
import { decodeBase64 as base64Decode, encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import {
  currentUnixSeconds,
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  durationSeconds,
  unixSeconds,
} from "@sealroom/hash-chain/time";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";
import {
  ed25519,
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  generateEd25519KeyPair,
  isValidKeyName,
  type Note,
  type NoteSignature,
  NoteSignatureType,
  noteKeyId,
  type ParseNoteOptions,
  parseNote,
  type SignerKey,
  type VerifierKey,
  verifyEd25519,
} from "./signed-note.ts";

/**
 * Signature type byte of WAICT cosignatures, per waict-apis.md ("TODO: request this codepoint
 * from C2SP"). Collides with C2SP signed-note's later 0x06 = ML-DSA-44 cosignatures.
 */
export const WAICT_COSIGNATURE_TYPE = 0x06;
/** First line of the WAICT signed message (domain separation from C2SP `cosignature/v1`). */
export const WAICT_COSIGNATURE_HEADER = "waict-cosignature/v1";
/** C2SP tlog-cosignature Ed25519 type and header. */
export const COSIGNATURE_V1_TYPE = NoteSignatureType.CosignatureV1;
export const COSIGNATURE_V1_HEADER = "cosignature/v1";
/** What follows the transparency service's domain on the first line of the note text. */
export const PREFIX_TREE_ORIGIN_SUFFIX = "/prefix-tree";
/** tlog-cosignature: the timestamp "MUST NOT exceed 2^63 - 1". */
export const MAX_COSIGNATURE_TIME = (1n << 63n) - 1n;
/** Freshness defaults, in seconds (7 days; 300 s of clock skew): @sealroom/hash-chain/time's. */
export { DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE_SKEW };
/** Size of `TimestampedSignature` with an Ed25519 signature. */
export const TIMESTAMPED_SIGNATURE_SIZE = 8 + 64;

const utf8 = new TextEncoder();

/** What a WAICT cosignature states: the tree of service `tdomain` after N batches has `root`. */
export interface PrefixTreeCheckpoint {
  /** Domain of the transparency service (lowercase, optionally with `:port`). */
  tdomain: string;
  /** Number of batches replayed (u64). */
  size: bigint;
  /** 32-byte prefix tree root. */
  root: Uint8Array;
}

export interface TimestampedSignature {
  timestamp: bigint;
  signature: Uint8Array;
}

/** A cosigner's Ed25519 key pair with its WAICT key ID. */
export interface CosignerKey {
  name: string;
  keyId: number;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * Freshness of cosignatures, in the time convention of every Sealroom package (Unix seconds as a
 * safe-integer `number`, hash-chain's `unixSeconds`): a `bigint`, a `Date` or milliseconds throw a
 * `TypeError` naming the option.
 */
export interface CosignatureTimeOptions {
  /** Current time (Unix seconds). When given, stale and future cosignatures do not verify. */
  now?: number;
  /** Maximum age in seconds when `now` is given (default `DEFAULT_MAX_AGE`, 7 days; `Infinity`: no limit). */
  maxAge?: number;
  /** Tolerated clock skew into the future when `now` is given (default `DEFAULT_MAX_FUTURE_SKEW`, 300 s). */
  maxFutureSkew?: number;
}

/** The checked window as bigints (wire timestamps are u64), or undefined when `now` is absent. */
interface TimeWindow {
  now: bigint;
  /** undefined: no age limit. */
  maxAge: bigint | undefined;
  maxFutureSkew: bigint;
}

function timeWindow(o: CosignatureTimeOptions): TimeWindow | undefined {
  if (typeof o !== "object" || o === null) throw new TypeError('"options" must be an object');
  const maxAge = durationSeconds(o.maxAge ?? DEFAULT_MAX_AGE, "maxAge", true);
  const skew = durationSeconds(o.maxFutureSkew ?? DEFAULT_MAX_FUTURE_SKEW, "maxFutureSkew");
  if ("maxFuture" in o) throw new TypeError('"maxFuture" was renamed "maxFutureSkew"');
  if (o.now === undefined) return undefined;
  return {
    now: BigInt(unixSeconds(o.now, "now")),
    maxAge: Number.isFinite(maxAge) ? BigInt(maxAge) : undefined,
    maxFutureSkew: BigInt(skew),
  };
}

// tdomain: a lowercase DNS name, optionally with a port for local deployments (README "Choices").
const TDOMAIN = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[1-9][0-9]{0,4})?$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

/** A wire timestamp (u64 below 2^63), as the codecs carry it. */
function checkTime(t: bigint, name: string): void {
  if (typeof t !== "bigint") throw new TypeError(`"${name}" must be a bigint`);
  if (t < 0n || t > MAX_COSIGNATURE_TIME) throw new RangeError(`"${name}" must be in [0, 2^63 - 1]`);
}

function checkCheckpoint(cp: PrefixTreeCheckpoint): void {
  if (typeof cp !== "object" || cp === null)
    throw new TypeError('"checkpoint" must be a PrefixTreeCheckpoint');
  if (typeof cp.tdomain !== "string" || !TDOMAIN.test(cp.tdomain)) {
    throw new RangeError(`"checkpoint.tdomain" is not a lowercase domain: ${JSON.stringify(cp.tdomain)}`);
  }
  if (typeof cp.size !== "bigint" || cp.size < 0n || cp.size > U64_MAX) {
    throw new RangeError('"checkpoint.size" must be a u64 bigint');
  }
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== 32) {
    throw new RangeError('"checkpoint.root" must be 32 bytes');
  }
}

/** The note text: `<tdomain>/prefix-tree\n<N>\n<base64 root>\n`. */
export function formatPrefixTreeCheckpoint(cp: PrefixTreeCheckpoint): string {
  checkCheckpoint(cp);
  return `${cp.tdomain}${PREFIX_TREE_ORIGIN_SUFFIX}\n${cp.size}\n${base64Encode(cp.root)}\n`;
}

/** Parses exactly the three-line note text; anything else is a `DecodeError`. */
export function parsePrefixTreeCheckpoint(text: string): PrefixTreeCheckpoint {
  if (typeof text !== "string") throw new TypeError('"text" must be a string');
  if (!text.endsWith("\n"))
    throw new DecodeError(
      PrefixTreeErrorCode.Truncated,
      utf8.encode(text).length,
      "text must end in a newline",
    );
  const lines = text.slice(0, -1).split("\n");
  if (lines.length !== 3) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      0,
      `prefix tree note text has ${lines.length} lines, not 3`,
    );
  }
  const [origin, n, root] = lines as [string, string, string];
  if (!origin.endsWith(PREFIX_TREE_ORIGIN_SUFFIX)) {
    throw new DecodeError(
      PrefixTreeErrorCode.Malformed,
      0,
      `origin line must end in ${PREFIX_TREE_ORIGIN_SUFFIX}`,
    );
  }
  const tdomain = origin.slice(0, -PREFIX_TREE_ORIGIN_SUFFIX.length);
  if (!TDOMAIN.test(tdomain))
    throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, "bad transparency service domain");
  let at = utf8.encode(origin).length + 1;
  if (!DECIMAL.test(n) || BigInt(n) > U64_MAX) {
    throw new DecodeError(
      PrefixTreeErrorCode.NonCanonical,
      at,
      "size must be a u64 in decimal without leading zeros",
    );
  }
  at += n.length + 1;
  const r = base64Decode(root);
  if (r === undefined || r.length !== 32) {
    throw new DecodeError(PrefixTreeErrorCode.Malformed, at, "root must be canonical base64 of 32 bytes");
  }
  return { tdomain, size: BigInt(n), root: r };
}

/** `<header>\ntime <t>\n<note text>` as bytes: the message a timestamped cosignature signs. */
function timestampedMessage(header: string, time: bigint, text: string): Uint8Array {
  return utf8.encode(`${header}\ntime ${time}\n${text}`);
}

/** The exact bytes a WAICT witness signs for `cp` at `time`. */
export function waictCosignatureMessage(cp: PrefixTreeCheckpoint, time: bigint): Uint8Array {
  checkTime(time, "time");
  return timestampedMessage(WAICT_COSIGNATURE_HEADER, time, formatPrefixTreeCheckpoint(cp));
}

/** C2SP tlog-cosignature "Ed25519 signed message" for a checkpoint note text. */
export function cosignatureV1Message(checkpointText: string, time: bigint): Uint8Array {
  checkTime(time, "time");
  if (typeof checkpointText !== "string" || !checkpointText.endsWith("\n")) {
    throw new RangeError('"checkpointText" must be a note text ending in a newline');
  }
  return timestampedMessage(COSIGNATURE_V1_HEADER, time, checkpointText);
}

/** WAICT key ID: SHA-256(name || "\n" || 0x06 || public key)[:4]. */
export function waictCosignatureKeyId(name: string, publicKey: Uint8Array): number {
  return noteKeyId(name, WAICT_COSIGNATURE_TYPE, publicKey);
}

export function encodeTimestampedSignature(t: TimestampedSignature): Uint8Array {
  checkTime(t.timestamp, "timestamp");
  if (!(t.signature instanceof Uint8Array) || t.signature.length !== 64) {
    throw new RangeError('"signature" must be 64 bytes');
  }
  const out = new Uint8Array(TIMESTAMPED_SIGNATURE_SIZE);
  new DataView(out.buffer).setBigUint64(0, t.timestamp);
  out.set(t.signature, 8);
  return out;
}

/** Decodes `u64 timestamp || signature[64]`; rejects other lengths and timestamps >= 2^63. */
export function decodeTimestampedSignature(b: Uint8Array): TimestampedSignature {
  if (!(b instanceof Uint8Array)) throw new TypeError('"bytes" must be a Uint8Array');
  if (b.length < TIMESTAMPED_SIGNATURE_SIZE) {
    throw new DecodeError(PrefixTreeErrorCode.Truncated, b.length, "TimestampedSignature needs 72 bytes");
  }
  if (b.length > TIMESTAMPED_SIGNATURE_SIZE) {
    throw new DecodeError(
      PrefixTreeErrorCode.Trailing,
      TIMESTAMPED_SIGNATURE_SIZE,
      "bytes after TimestampedSignature",
    );
  }
  const timestamp = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
  if (timestamp > MAX_COSIGNATURE_TIME)
    throw new DecodeError(PrefixTreeErrorCode.Oversized, 0, "timestamp >= 2^63");
  return { timestamp, signature: b.slice(8) };
}

/** A new cosigner key pair (CSPRNG, or deterministic from a 32-byte `seed`). */
export function generateCosignerKey(name: string, seed?: Uint8Array): CosignerKey {
  if (!isValidKeyName(name))
    throw new RangeError(`"name" is not a valid note key name: ${JSON.stringify(name)}`);
  const { secretKey, publicKey } = generateEd25519KeyPair(seed);
  return { name, keyId: waictCosignatureKeyId(name, publicKey), secretKey, publicKey };
}

/** The cosigner's public half as a `VerifierKey` (type 0x06). */
export function cosignerVerifierKey(k: CosignerKey): VerifierKey {
  return { name: k.name, keyId: k.keyId, type: WAICT_COSIGNATURE_TYPE, publicKey: k.publicKey.slice() };
}

/** vkey text `<name>+<hex id>+base64(0x06 || public key)`, what clients and services configure. */
export function formatCosignerVerifierKey(k: CosignerKey): string {
  return formatVerifierKey(cosignerVerifierKey(k));
}

/** Signer key text `PRIVATE+KEY+<name>+<hex id>+base64(0x06 || seed)`, what a witness stores. */
export function formatCosignerSignerKey(k: CosignerKey): string {
  return formatSignerKey({
    name: k.name,
    keyId: k.keyId,
    type: WAICT_COSIGNATURE_TYPE,
    secretKey: k.secretKey,
  });
}

/** Rebuilds a `CosignerKey` from its signer key text (checks type, length and key ID). */
export function cosignerKeyFromSignerKey(s: SignerKey): CosignerKey {
  if (s.type !== WAICT_COSIGNATURE_TYPE) throw new RangeError(`"signer" must be type 0x06, got ${s.type}`);
  const k = generateCosignerKey(s.name, s.secretKey);
  if (k.keyId !== s.keyId) throw new RangeError('"signer" key ID does not match its key');
  return k;
}

function signTimestamped(key: CosignerKey, keyId: number, message: Uint8Array, time: bigint): NoteSignature {
  const sig = ed25519().sign(message, key.secretKey);
  return {
    name: key.name,
    keyId,
    signature: encodeTimestampedSignature({ timestamp: time, signature: sig }),
  };
}

/**
 * A WAICT cosignature on `cp` at `time` (Unix seconds as a `number`, default the system clock), as
 * signature line fields.
 */
export function signCosignature(
  key: CosignerKey,
  cp: PrefixTreeCheckpoint,
  time: number = currentUnixSeconds(),
): NoteSignature {
  if (!(key.secretKey instanceof Uint8Array) || key.secretKey.length !== 32) {
    throw new RangeError('"key.secretKey" must be a 32-byte Ed25519 seed');
  }
  const t = BigInt(unixSeconds(time, "time"));
  return signTimestamped(key, key.keyId, waictCosignatureMessage(cp, t), t);
}

/** The timestamp carried by a timestamped cosignature line, or undefined if it is not one. */
export function cosignatureTime(sig: NoteSignature): bigint | undefined {
  try {
    return decodeTimestampedSignature(sig.signature).timestamp;
  } catch {
    return undefined;
  }
}

function isFuture(t: bigint, w: TimeWindow | undefined): boolean {
  return w !== undefined && t > w.now + w.maxFutureSkew;
}

function timeAcceptable(t: bigint, w: TimeWindow | undefined): boolean {
  if (w === undefined) return true;
  if (isFuture(t, w)) return false;
  return w.maxAge === undefined || w.now - t <= w.maxAge;
}

function verifyTimestamped(
  key: VerifierKey,
  type: number,
  sig: NoteSignature,
  message: (time: bigint) => Uint8Array,
  options: CosignatureTimeOptions,
): boolean {
  const window = timeWindow(options);
  if (key.type !== type || key.publicKey.length !== 32) return false;
  if (sig.name !== key.name || sig.keyId !== key.keyId) return false;
  let ts: TimestampedSignature;
  try {
    ts = decodeTimestampedSignature(sig.signature);
  } catch {
    return false;
  }
  if (!timeAcceptable(ts.timestamp, window)) return false;
  return verifyEd25519(ts.signature, message(ts.timestamp), key.publicKey);
}

/**
 * True iff `sig` is a valid WAICT cosignature by `key` on `cp`: type 0x06 key, matching name and
 * key ID, a 72-byte TimestampedSignature whose time is in the signed message, a valid Ed25519
 * signature and, if `options.now` is given, a timestamp within the freshness window.
 */
export function verifyCosignature(
  key: VerifierKey,
  cp: PrefixTreeCheckpoint,
  sig: NoteSignature,
  options: CosignatureTimeOptions = {},
): boolean {
  checkCheckpoint(cp);
  const text = formatPrefixTreeCheckpoint(cp);
  return verifyTimestamped(
    key,
    WAICT_COSIGNATURE_TYPE,
    sig,
    (t) => timestampedMessage(WAICT_COSIGNATURE_HEADER, t, text),
    options,
  );
}

/** C2SP tlog-cosignature v1 (type 0x04) over a checkpoint note text, at `time` (Unix seconds). */
export function signCosignatureV1(
  key: CosignerKey,
  checkpointText: string,
  time: number = currentUnixSeconds(),
): NoteSignature {
  const keyId = noteKeyId(key.name, COSIGNATURE_V1_TYPE, key.publicKey);
  const t = BigInt(unixSeconds(time, "time"));
  return signTimestamped(key, keyId, cosignatureV1Message(checkpointText, t), t);
}

export function verifyCosignatureV1(
  key: VerifierKey,
  checkpointText: string,
  sig: NoteSignature,
  options: CosignatureTimeOptions = {},
): boolean {
  return verifyTimestamped(
    key,
    COSIGNATURE_V1_TYPE,
    sig,
    (t) => timestampedMessage(COSIGNATURE_V1_HEADER, t, checkpointText),
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// The signed prefix root carried to clients (`signed_prefix_root` of ChainHeadWithProof)

export interface SignedPrefixRoot {
  checkpoint: PrefixTreeCheckpoint;
  signatures: NoteSignature[];
}

/** The note: checkpoint text, blank line, one cosignature line per witness. */
export function formatSignedPrefixRoot(s: SignedPrefixRoot): string {
  const note: Note = { text: formatPrefixTreeCheckpoint(s.checkpoint), signatures: s.signatures };
  return formatNote(note);
}

/** Parses a signed prefix root note (no verification): strict note syntax and note text. */
export function parseSignedPrefixRoot(
  input: Uint8Array | string,
  options: ParseNoteOptions = {},
): SignedPrefixRoot {
  const note = parseNote(input, options);
  return { checkpoint: parsePrefixTreeCheckpoint(note.text), signatures: note.signatures };
}

/**
 * The trusted keys whose WAICT cosignature on `s` verifies. As signed-note requires, lines from
 * unknown (name, key ID) pairs are ignored, and a known key's line whose signature is invalid
 * rejects the whole note (empty result). A valid but stale or future cosignature is not invalid:
 * it simply does not count.
 */
export function cosignersOf(
  s: SignedPrefixRoot,
  keys: readonly VerifierKey[],
  options: CosignatureTimeOptions = {},
): VerifierKey[] {
  const window = timeWindow(options);
  const out: VerifierKey[] = [];
  for (const { key, time } of verifiedLines(s, keys))
    if (timeAcceptable(time, window) && !out.includes(key)) out.push(key);
  return out;
}

/** Every trusted line with its key and time; none if a trusted line fails (signed-note rule). */
function verifiedLines(
  s: SignedPrefixRoot,
  keys: readonly VerifierKey[],
): { key: VerifierKey; time: bigint }[] {
  const out: { key: VerifierKey; time: bigint }[] = [];
  for (const sig of s.signatures) {
    const key = keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (key === undefined) continue;
    if (!verifyCosignature(key, s.checkpoint, sig)) return [];
    out.push({ key, time: cosignatureTime(sig)! });
  }
  return out;
}

/** A cosignature whose signature already verified: the witness (key name) and its timestamp. */
export interface VerifiedCosignature {
  name: string;
  time: bigint;
}

/** What `tallyWitnesses` counted: one entry per witness, and the lines left out by freshness. */
export interface WitnessTally {
  /** Distinct witness names with a fresh cosignature, each with its first fresh time (line order). */
  witnesses: VerifiedCosignature[];
  /** Verified lines older than `maxAge` (only counted when `now` is given). */
  stale: number;
  /** Verified lines more than `maxFutureSkew` ahead of `now`. */
  future: number;
}

/**
 * The one place where Sealroom counts witnesses toward a quorum (prefix-tree's
 * `verifySignedPrefixRoot` and @sealroom/manifest's client verifier both use it). Freshness: with
 * `now`, a time `t` counts iff `t <= now + maxFutureSkew` and `now - t <= maxAge`. Quorum counts
 * **witnesses, not keys**: a witness is its key name, so two trusted keys with the same name (one
 * operator, or a witness rotating keys) count once.
 */
export function tallyWitnesses(
  verified: Iterable<VerifiedCosignature>,
  options: CosignatureTimeOptions = {},
): WitnessTally {
  const window = timeWindow(options);
  const witnesses: VerifiedCosignature[] = [];
  const names = new Set<string>();
  let stale = 0;
  let future = 0;
  for (const { name, time } of verified) {
    if (isFuture(time, window)) {
      future++;
      continue;
    }
    if (!timeAcceptable(time, window)) {
      stale++;
      continue;
    }
    if (names.has(name)) continue;
    names.add(name);
    witnesses.push({ name, time });
  }
  return { witnesses, stale, future };
}

/**
 * True iff at least `quorum` (default 1) distinct witnesses (key names) among the trusted keys
 * cosigned `s` within the window (`tallyWitnesses`).
 */
export function verifySignedPrefixRoot(
  s: SignedPrefixRoot,
  keys: readonly VerifierKey[],
  options: CosignatureTimeOptions & { quorum?: number } = {},
): boolean {
  const quorum = options.quorum ?? 1;
  if (!Number.isInteger(quorum) || quorum < 1) throw new RangeError('"quorum" must be a positive integer');
  timeWindow(options);
  const verified = verifiedLines(s, keys).map(({ key, time }) => ({ name: key.name, time }));
  return tallyWitnesses(verified, options).witnesses.length >= quorum;
}
