/**
 * Browser entry for a context that verifies at once, such as a page's verifier worker: the same
 * exports as "./browser", but `verifyTransparency` imports the cosignature check (signed-note
 * parsing, the WAICT message, WebCrypto Ed25519) statically, so it is in the caller's chunk rather
 * than the lazy chunk "./browser" loads on first use. A page that verifies on its main thread keeps
 * "./browser" (<= 12 KB up front, the rest after first paint); a worker that calls
 * `verifyTransparency` as soon as it starts needs both parts at once, and one chunk is one request
 * and compresses better than two (issue 16: about 1.4 KB min+gzip less). The @noble/ed25519
 * fallback (no WebCrypto Ed25519) stays a lazy chunk in both. Re-exports only.
 */
export * from "./browser.ts";
export { verifyTransparency } from "./verify-transparency-eager.ts";
