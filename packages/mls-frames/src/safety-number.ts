/**
 * Safety number (DESIGN "Sealed calls"): a human-comparable rendering of the MLS epoch authenticator
 * (RFC 9420 §8.7, "epoch_authenticator ... can be used for out-of-band authentication"). Every member of
 * an epoch computes the same value; any change of any member's key material starts a new epoch with a
 * new authenticator, hence a new number.
 *
 * Rendering (Sealroom's choice, the RFCs define none): SHA-512("Sealroom safety number v1" || 0x00 ||
 * epoch_authenticator), then 12 groups of 5 decimal digits, group i = (bytes[5i..5i+5) as a 40-bit
 * big-endian integer) mod 100000 — 60 digits, about 199 bits, the Signal-style layout. Hashing with a
 * label keeps the displayed value from being reused as the authenticator itself.
 */
import type { ClientState } from "ts-mls";
import { bufferSource } from "./bytes.ts";

const LABEL = new TextEncoder().encode("Sealroom safety number v1\0");

export async function computeSafetyNumber(epochAuthenticator: Uint8Array): Promise<string> {
  if (!(epochAuthenticator instanceof Uint8Array) || epochAuthenticator.length === 0) {
    throw new TypeError(`"epochAuthenticator" must be a non-empty Uint8Array`);
  }
  const input = new Uint8Array(LABEL.length + epochAuthenticator.length);
  input.set(LABEL, 0);
  input.set(epochAuthenticator, LABEL.length);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-512", bufferSource(input)));
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + (digest[5 * i + j] as number);
    groups.push(String(v % 100000).padStart(5, "0"));
  }
  return groups.join(" ");
}

/** Safety number of a ts-mls group's current epoch. */
export function safetyNumberOf(state: ClientState): Promise<string> {
  return computeSafetyNumber(state.keySchedule.epochAuthenticator);
}
