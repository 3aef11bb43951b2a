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
 *
 * This module holds the formats, messages, parsing and quorum counting (SHA-256 only, no curve
 * code); signing and the synchronous @noble/ed25519 verification of cosignatures are in
 * `cosignature-ed25519.ts`, so a verifier with its own Ed25519 (WebCrypto) loads neither
 * @noble/ed25519 nor SHA-512 (issue 12).
 */

import { U64_MAX } from "@sealroom/hash-chain";
import { decodeBase64 as base64Decode, encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import {
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_FUTURE_SKEW,
  durationSeconds,
  unixSeconds,
} from "@sealroom/hash-chain/time";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";
import {
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  type Note,
  type NoteSignature,
  NoteSignatureType,
  noteKeyId,
  type ParseNoteOptions,
  parseNote,
  type VerifierKey,
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
/** @internal */
export interface TimeWindow {
  now: bigint;
  /** undefined: no age limit. */
  maxAge: bigint | undefined;
  maxFutureSkew: bigint;
}

/** @internal Shared with cosignature-ed25519.ts. */
export function timeWindow(o: CosignatureTimeOptions): TimeWindow | undefined {
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

/** @internal Shared with cosignature-ed25519.ts. */
export function checkCheckpoint(cp: PrefixTreeCheckpoint): void {
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
  let at = origin.length + 1; // TDOMAIN admits ASCII only: one byte per character
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
/** @internal Shared with cosignature-ed25519.ts. */
export function timestampedMessage(header: string, time: bigint, text: string): Uint8Array {
  return utf8.encode(`${header}\ntime ${time}\n${text}`);
}

/** The exact bytes a WAICT witness signs for `cp` at `time`. */
export function waictCosignatureMessage(cp: PrefixTreeCheckpoint, time: bigint): Uint8Array {
  checkTime(time, "time");
  return timestampedMessage(WAICT_COSIGNATURE_HEADER, time, formatPrefixTreeCheckpoint(cp));
}

/**
 * `waictCosignatureMessage` for a note text already formatted by `formatPrefixTreeCheckpoint` (or
 * parsed by `parseSignedPrefixRoot`, whose parser accepts only that canonical form): a verifier
 * checking several cosignatures on one root formats the text once instead of once per line.
 */
export function waictCosignatureMessageForText(checkpointText: string, time: bigint): Uint8Array {
  checkTime(time, "time");
  if (typeof checkpointText !== "string" || !checkpointText.endsWith("\n")) {
    throw new RangeError('"checkpointText" must be a note text ending in a newline');
  }
  return timestampedMessage(WAICT_COSIGNATURE_HEADER, time, checkpointText);
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

/** The timestamp carried by a timestamped cosignature line, or undefined if it is not one. */
export function cosignatureTime(sig: NoteSignature): bigint | undefined {
  try {
    return decodeTimestampedSignature(sig.signature).timestamp;
  } catch {
    return undefined;
  }
}

/** @internal Shared with cosignature-ed25519.ts. */
export function isFuture(t: bigint, w: TimeWindow | undefined): boolean {
  return w !== undefined && t > w.now + w.maxFutureSkew;
}

/** @internal Shared with cosignature-ed25519.ts. */
export function timeAcceptable(t: bigint, w: TimeWindow | undefined): boolean {
  if (w === undefined) return true;
  if (isFuture(t, w)) return false;
  return w.maxAge === undefined || w.now - t <= w.maxAge;
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
