/**
 * Safety number (docs/wire-formats.md "Safety number"): a code people compare out of band. It is a function of the
 * MLS epoch authenticator only (RFC 9420 §8.7), which every member of an epoch derives identically and which
 * changes with any member's key material. Format, our choice: SHA-256 over a domain-separation label and
 * the authenticator, then six 5-byte chunks each reduced mod 100000 (as Signal's safety numbers do) to give
 * 30 digits in groups of 5, about 99.6 bits; the modulo bias per group is below 1e-7.
 */
import { sha256 } from "@noble/hashes/sha2.js";

const LABEL = new TextEncoder().encode("sealroom safety number v1");

/** Six groups of five digits. */
export function safetyNumberGroups(epochAuthenticator: Uint8Array): string[] {
  if (!(epochAuthenticator instanceof Uint8Array) || epochAuthenticator.length === 0) {
    throw new TypeError('"epochAuthenticator" must be a non-empty Uint8Array');
  }
  const input = new Uint8Array(LABEL.length + epochAuthenticator.length);
  input.set(LABEL);
  input.set(epochAuthenticator, LABEL.length);
  const h = sha256(input);
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) {
    let v = 0;
    for (let i = 0; i < 5; i++) v = v * 256 + h[g * 5 + i]!;
    groups.push(String(v % 100000).padStart(5, "0"));
  }
  return groups;
}

/** "12345 67890 …" (30 digits in groups of 5). */
export function safetyNumber(epochAuthenticator: Uint8Array): string {
  return safetyNumberGroups(epochAuthenticator).join(" ");
}
