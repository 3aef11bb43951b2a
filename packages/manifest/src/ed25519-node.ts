/**
 * Ed25519 verification (RFC 8032) through node:crypto for Node callers of `verifyTransparency`
 * (`{ ed25519: nodeEd25519 }`): OpenSSL's strict verifier, called synchronously. WebCrypto's verify in
 * Node runs the same OpenSSL code but as an async job on the thread pool, which costs more than the
 * verification itself for one short cosignature message. Node-only: exported from "./node".
 * `ed25519Precheck` runs first, so the verdict is Sealroom's one rule (see ed25519.ts) whatever
 * OpenSSL version Node links.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { ed25519Precheck } from "@sealroom/prefix-tree/note";

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4): the 32 key bytes follow. */
const SPKI_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

const keys = new WeakMap<Uint8Array, KeyObject>();

function keyObject(publicKey: Uint8Array): KeyObject {
  let k = keys.get(publicKey);
  if (!k) {
    const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32);
    der.set(SPKI_ED25519_PREFIX);
    der.set(publicKey, SPKI_ED25519_PREFIX.length);
    k = createPublicKey({ key: Buffer.from(der.buffer), format: "der", type: "spki" });
    keys.set(publicKey, k);
  }
  return k;
}

/** True iff `signature` is a valid Ed25519 signature of `message` under `publicKey`; never throws. */
export function nodeEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(message instanceof Uint8Array) || !ed25519Precheck(signature, publicKey)) return false;
  try {
    return verify(null, message, keyObject(publicKey), signature);
  } catch {
    return false; // a public key that is not a valid point encoding
  }
}
