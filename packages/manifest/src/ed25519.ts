/**
 * Ed25519 signature verification (RFC 8032) for cosignatures, through WebCrypto when the runtime has
 * it (Node >= 22, Workers, Chrome 137+, Firefox 129+, Safari 17+), else through @sealroom/prefix-tree's
 * @noble/ed25519 verifier, loaded lazily so it is a separate chunk of the browser bundle.
 *
 * Why: a pure-JS verify costs milliseconds, and a client checks `quorum` of them on every page
 * load; WebCrypto is native.
 *
 * One rule on every backend (docs/wire-formats.md "Ed25519"): cofactorless `[S]B − [k]A` must
 * encode exactly to R, S canonical, as Go, BoringSSL (Chromium's WebCrypto) and OpenSSL (Node's);
 * and, before any backend runs, `ed25519Precheck` refuses small-order A or R and a non-canonical
 * A, which OpenSSL 3.5 refuses and BoringSSL/Go accept. So WebCrypto in any runtime, node:crypto,
 * the noble fallback and any custom verifier give one verdict; test/ed25519.test.ts checks each on
 * the adversarial vectors in @sealroom/prefix-tree's vectors/ed25519.
 */
import { ed25519Precheck } from "@sealroom/prefix-tree/note";

let webCryptoOk: Promise<boolean> | undefined;
/** The probe's answer once it is known, so later calls start their WebCrypto job synchronously. */
let webCryptoKnown: boolean | undefined;
const keys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
/** Imported keys once their import resolved (same reason). */
const readyKeys = new WeakMap<Uint8Array, CryptoKey>();

/** RFC 8032 §7.1 TEST 1 public key: used once to probe for WebCrypto Ed25519 support. */
const PROBE_KEY = Uint8Array.from(
  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a".match(/../g)!,
  (h) => Number.parseInt(h, 16),
);

function subtle(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

function importKey(publicKey: Uint8Array): Promise<CryptoKey> {
  let k = keys.get(publicKey);
  if (!k) {
    k = subtle()!.importKey("raw", publicKey as Uint8Array<ArrayBuffer>, { name: "Ed25519" }, false, [
      "verify",
    ]);
    k.then(
      (key) => readyKeys.set(publicKey, key),
      () => {},
    );
    keys.set(publicKey, k);
  }
  return k;
}

/** Whether WebCrypto Ed25519 is usable here (probed once). */
export function hasWebCryptoEd25519(): Promise<boolean> {
  if (!webCryptoOk) {
    webCryptoOk = (async () => {
      if (!subtle()) return false;
      try {
        await subtle()!.importKey("raw", PROBE_KEY, { name: "Ed25519" }, false, ["verify"]);
        return true;
      } catch {
        return false;
      }
    })();
    webCryptoOk.then((ok) => {
      webCryptoKnown = ok;
    });
  }
  return webCryptoOk;
}

/**
 * A custom verifier, called only for inputs that pass `ed25519Precheck`: true iff `signature` is a valid RFC 8032 Ed25519 signature of `message` under
 * `publicKey`; it must not throw. `nodeEd25519` from "@sealroom/manifest/node" is one (node:crypto,
 * synchronous, no WebCrypto job dispatch).
 */
export type Ed25519Verifier = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
) => boolean | Promise<boolean>;

export type Ed25519Backend = "webcrypto" | "noble" | Ed25519Verifier;

/**
 * True iff `signature` is a valid Ed25519 signature of `message` under `publicKey`. Never throws
 * (the promise never rejects). `backend` forces one implementation (tests, benches); by default
 * WebCrypto when available. Once the WebCrypto probe and the key import have resolved, the
 * WebCrypto job starts before this function returns, so several checks started in a row run
 * concurrently off the calling thread while it does other work (verify-transparency.ts).
 */
export function verifyEd25519(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  backend?: Ed25519Backend,
): Promise<boolean> {
  if (!(message instanceof Uint8Array) || !ed25519Precheck(signature, publicKey))
    return Promise.resolve(false);
  if (typeof backend === "function") {
    try {
      return Promise.resolve(backend(signature, message, publicKey)).then(
        (v) => v === true,
        () => false,
      );
    } catch {
      return Promise.resolve(false);
    }
  }
  if (backend === "webcrypto" || (backend === undefined && webCryptoKnown === true)) {
    const key = readyKeys.get(publicKey);
    if (key !== undefined) return webCryptoVerify(key, signature, message);
  }
  return verifySlow(signature, message, publicKey, backend);
}

function webCryptoVerify(key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    return subtle()!
      .verify(
        { name: "Ed25519" },
        key,
        signature as Uint8Array<ArrayBuffer>,
        message as Uint8Array<ArrayBuffer>,
      )
      .catch(() => false);
  } catch {
    return Promise.resolve(false);
  }
}

/** First calls: probe WebCrypto, import the key, or load the noble fallback. */
async function verifySlow(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  backend: "webcrypto" | "noble" | undefined,
): Promise<boolean> {
  const useWebCrypto = backend === undefined ? await hasWebCryptoEd25519() : backend === "webcrypto";
  if (useWebCrypto) {
    let key: CryptoKey;
    try {
      key = await importKey(publicKey);
    } catch {
      return false; // e.g. a public key that is not a valid point encoding
    }
    return webCryptoVerify(key, signature, message);
  }
  const { verifyEd25519: noble } = await import("./ed25519-noble.ts");
  return noble(signature, message, publicKey);
}
