/**
 * Ed25519 for C2SP signed notes (https://c2sp.org/signed-note "Signature types", type 0x01) and the
 * signing side of every note key: key generation, signer-key text (whose key ID is checked against
 * the derived public key, as Go's `note.NewSigner` does), signing, and the synchronous @noble/ed25519
 * verifier with Sealroom's one rule (ed25519.ts). Apart from `signed-note.ts` so that parsing notes,
 * vkeys and key IDs loads no curve code and no SHA-512 (issue 12): only this module imports
 * @noble/ed25519 and @noble/hashes' SHA-512.
 */

import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { verifyEd25519With } from "./ed25519.ts";
import { DecodeError, PrefixTreeErrorCode } from "./errors.ts";
import {
  checkBytes,
  checkKeyMaterial,
  checkKeyName,
  checkText,
  formatNote,
  formatSignerKey,
  formatVerifierKey,
  type Note,
  type NoteSignature,
  NoteSignatureType,
  noteKeyId,
  parseKeyParts,
  type SignerKey,
  utf8,
  type VerifierKey,
} from "./signed-note.ts";

/**
 * @noble/ed25519 v3 needs a synchronous SHA-512 for its sync API; wiring it on first use (not at
 * import) keeps the module free of side effects. @noble/hashes works in every runtime we target.
 */
export function ed25519(): typeof ed {
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512;
  return ed;
}

/** A fresh 32-byte Ed25519 seed and its public key (from the platform CSPRNG, or from `seed`). */
export function generateEd25519KeyPair(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const e = ed25519();
  const secretKey = seed === undefined ? e.utils.randomSecretKey() : checkBytes(seed, "seed", 32).slice();
  return { secretKey, publicKey: e.getPublicKey(secretKey) };
}

// base64 (RFC 4648 §4), canonical only: @sealroom/hash-chain/base64, the one strict codec of the
// family (it returns undefined for anything non-canonical, so callers attach their own error).

/** Types whose private key is a 32-byte Ed25519 seed (RFC 8032 §5.1.5). */
const ED25519_SEED_TYPES: ReadonlySet<number> = new Set([
  NoteSignatureType.Ed25519,
  NoteSignatureType.CosignatureV1,
  NoteSignatureType.MlDsa44Cosignature, // WAICT's Ed25519 cosignature type (see cosignature.ts)
]);

/**
 * Parses `PRIVATE+KEY+<name>+<hex key ID>+base64(type || secret key)`. For Ed25519-seed types
 * (0x01, 0x04, and WAICT's 0x06 when 32 bytes) the key ID must match the derived public key, as
 * Go's `note.NewSigner` requires.
 */
export function parseSignerKey(skey: string): SignerKey {
  if (typeof skey !== "string") throw new TypeError('"skey" must be a string');
  const prefix = "PRIVATE+KEY+";
  if (!skey.startsWith(prefix))
    throw new DecodeError(PrefixTreeErrorCode.Malformed, 0, "signer key: missing PRIVATE+KEY+");
  const [name, keyId, type, secretKey] = parseKeyParts(
    skey.slice(prefix.length),
    "signer key",
    prefix.length,
  );
  // Go's note.NewSigner derives the public key and refuses a key ID that does not match it.
  const derived =
    ED25519_SEED_TYPES.has(type) && secretKey.length === 32 ? ed25519().getPublicKey(secretKey) : undefined;
  checkKeyMaterial(name, keyId, type, secretKey, "signer key", prefix.length, derived);
  return { name, keyId, type, secretKey };
}

/** Ed25519 note keys (type 0x01): signer and verifier key text for `name`. */
export function generateNoteKey(name: string, seed?: Uint8Array): { signerKey: string; verifierKey: string } {
  checkKeyName(name);
  const { secretKey, publicKey } = generateEd25519KeyPair(seed);
  const keyId = noteKeyId(name, NoteSignatureType.Ed25519, publicKey);
  return {
    signerKey: formatSignerKey({ name, keyId, type: NoteSignatureType.Ed25519, secretKey }),
    verifierKey: formatVerifierKey({ name, keyId, type: NoteSignatureType.Ed25519, publicKey }),
  };
}

// Ed25519 note signatures (type 0x01)

/** Signs `text` with an Ed25519 (type 0x01) signer key; returns the signature line's fields. */
export function signNoteText(text: string, signer: SignerKey | string): NoteSignature {
  checkText(text);
  const k = typeof signer === "string" ? parseSignerKey(signer) : signer;
  if (k.type !== NoteSignatureType.Ed25519) throw new RangeError('"signer" must be an Ed25519 (0x01) key');
  const e = ed25519();
  const publicKey = e.getPublicKey(checkBytes(k.secretKey, "secretKey", 32));
  if (noteKeyId(k.name, k.type, publicKey) !== k.keyId)
    throw new RangeError('"signer" key ID does not match its key');
  return { name: k.name, keyId: k.keyId, signature: e.sign(utf8.encode(text), k.secretKey) };
}

/** Signs a note text with one or more Ed25519 keys and formats the whole note. */
export function signNote(text: string, signers: ReadonlyArray<SignerKey | string>): string {
  return formatNote({ text, signatures: signers.map((s) => signNoteText(text, s)) });
}

/**
 * True iff `signature` is a valid Ed25519 signature of `message` under `publicKey`, by Sealroom's
 * one rule (ed25519.ts: cofactorless, canonical S and R, as Go/BoringSSL/OpenSSL, with the
 * small-order and non-canonical-key refusals of OpenSSL 3.5), computed with @noble/ed25519.
 */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return verifyEd25519With({ Point: ed25519().Point, sha512 }, signature, message, publicKey);
}

/** True iff `sig` is a valid type-0x01 Ed25519 signature over `text` by `key` (name and ID must match). */
export function verifyNoteSignature(text: string, sig: NoteSignature, key: VerifierKey): boolean {
  if (key.type !== NoteSignatureType.Ed25519) return false;
  if (sig.name !== key.name || sig.keyId !== key.keyId) return false;
  return verifyEd25519(sig.signature, utf8.encode(text), key.publicKey);
}

/** A verifier for one signature type: true iff `sig` by `key` is valid over `text`. */
export type SignatureVerifier = (text: string, sig: NoteSignature, key: VerifierKey) => boolean;

/**
 * The keys among `keys` that validly signed `note`, following signed-note "Signatures": lines
 * from unknown (name, key ID) pairs are ignored; if a known key's line fails to verify the whole
 * note is rejected (empty result). `verifiers` maps signature types to checkers (default: 0x01).
 */
export function noteVerifiers(
  note: Note,
  keys: readonly VerifierKey[],
  verifiers: Readonly<Record<number, SignatureVerifier>> = {
    [NoteSignatureType.Ed25519]: verifyNoteSignature,
  },
): VerifierKey[] {
  const ok: VerifierKey[] = [];
  for (const sig of note.signatures) {
    const key = keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (key === undefined) continue;
    const check = verifiers[key.type];
    if (check === undefined || !check(note.text, sig, key)) return [];
    if (!ok.includes(key)) ok.push(key);
  }
  return ok;
}

/** True iff at least one known key signed `note` and no known key's signature fails. */
export function verifyNote(
  note: Note,
  keys: readonly VerifierKey[],
  verifiers?: Readonly<Record<number, SignatureVerifier>>,
): boolean {
  return noteVerifiers(note, keys, verifiers).length > 0;
}
