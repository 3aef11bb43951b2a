/**
 * The MLS cipher suites a Sealroom group may use (RFC 9420 §17.1 ids; 83 is ts-mls 1.x's id for the X-Wing
 * suite of draft-ietf-mls-pq-ciphersuites). Suite 1 is the default (docs/architecture.md "Sealed calls"); a room may
 * be created with the post-quantum X-Wing suite (hybrid X25519 + ML-KEM-768 HPKE, AES-256-GCM, SHA-512,
 * Ed25519 signatures). A room's suite is fixed when it is created and travels in the invite link; every
 * member's engine is built for that suite and refuses key packages and Welcomes of any other suite, so a
 * member is never silently put in a weaker group than the one it was told about. The media keys follow:
 * SFrame suite 4 for MLS suite 1, 5 for 83 (`sframeSuiteForMls`, @sealroom/mls-frames). No ts-mls import:
 * the room server and the page can parse a suite without loading MLS.
 */

export const MlsSuite = {
  /** MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420), the default. */
  X25519_AES128GCM_SHA256_Ed25519: 1,
  /** MLS_256_XWING_AES256GCM_SHA512_Ed25519 (ts-mls 1.x id 83): post-quantum key exchange. */
  XWING_AES256GCM_SHA512_Ed25519: 83,
} as const;
export type MlsSuite = (typeof MlsSuite)[keyof typeof MlsSuite];

export const DEFAULT_MLS_SUITE: MlsSuite = MlsSuite.X25519_AES128GCM_SHA256_Ed25519;

/** ts-mls's name of each suite. */
export const MLS_SUITE_NAMES = {
  1: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  83: "MLS_256_XWING_AES256GCM_SHA512_Ed25519",
} as const satisfies Record<MlsSuite, string>;

export function isMlsSuite(v: unknown): v is MlsSuite {
  return v === 1 || v === 83;
}

/**
 * A suite from its decimal id as carried in an invite link ("1" or "83", no sign, no leading zero);
 * throws `RangeError` otherwise.
 */
export function parseMlsSuite(text: string): MlsSuite {
  const n = /^(0|[1-9][0-9]{0,4})$/.test(text) ? Number(text) : Number.NaN;
  if (!isMlsSuite(n)) throw new RangeError(`"suite" must be 1 or 83, got ${JSON.stringify(text)}`);
  return n;
}
