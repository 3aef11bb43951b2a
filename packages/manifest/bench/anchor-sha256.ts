/** Bundle-size anchor: @noble/hashes SHA-256 alone, bundled like the browser verifier. */
export { sha256 } from "@noble/hashes/sha2.js";
