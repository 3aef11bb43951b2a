/**
 * Signing and verifying witness cosignatures with Ed25519 (waict-apis.md "Upload cosignature"; C2SP
 * tlog-cosignature `cosignature/v1`): cosigner key generation, signatures, the synchronous
 * @noble/ed25519 verification (Sealroom's one rule, ed25519.ts) of one line, of a signed prefix
 * root's trusted lines and of a quorum. The formats, messages and counting they use are in
 * `cosignature.ts`, which imports no curve code (issue 12).
 */

import { currentUnixSeconds, unixSeconds } from "@sealroom/hash-chain/time";
import {
  COSIGNATURE_V1_HEADER,
  COSIGNATURE_V1_TYPE,
  type CosignatureTimeOptions,
  type CosignerKey,
  cosignatureTime,
  cosignatureV1Message,
  decodeTimestampedSignature,
  encodeTimestampedSignature,
  formatPrefixTreeCheckpoint,
  type PrefixTreeCheckpoint,
  type SignedPrefixRoot,
  type TimestampedSignature,
  tallyWitnesses,
  timeAcceptable,
  timestampedMessage,
  timeWindow,
  WAICT_COSIGNATURE_HEADER,
  WAICT_COSIGNATURE_TYPE,
  waictCosignatureKeyId,
  waictCosignatureMessage,
} from "./cosignature.ts";
import { ed25519, generateEd25519KeyPair, verifyEd25519 } from "./note-ed25519.ts";
import {
  isValidKeyName,
  type NoteSignature,
  noteKeyId,
  type SignerKey,
  type VerifierKey,
} from "./signed-note.ts";

/** A new cosigner key pair (CSPRNG, or deterministic from a 32-byte `seed`). */
export function generateCosignerKey(name: string, seed?: Uint8Array): CosignerKey {
  if (!isValidKeyName(name))
    throw new RangeError(`"name" is not a valid note key name: ${JSON.stringify(name)}`);
  const { secretKey, publicKey } = generateEd25519KeyPair(seed);
  return { name, keyId: waictCosignatureKeyId(name, publicKey), secretKey, publicKey };
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
  const text = formatPrefixTreeCheckpoint(cp); // checks cp (checkCheckpoint)
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
