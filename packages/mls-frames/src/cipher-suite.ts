/**
 * SFrame cipher suites, RFC 9605 §4.5 (constants) and §8.1 (IANA identifiers).
 *
 * Suites 1–3 are the compound AES-CTR + HMAC-SHA256 AEAD of §4.5.1 with truncated tags; 4 and 5 are
 * AES-GCM. Sealroom's default is 4, `AES_128_GCM_SHA256_128`, matching MLS suite 1's AES-128-GCM.
 */

export const CipherSuite = {
  AES_128_CTR_HMAC_SHA256_80: 0x0001,
  AES_128_CTR_HMAC_SHA256_64: 0x0002,
  AES_128_CTR_HMAC_SHA256_32: 0x0003,
  AES_128_GCM_SHA256_128: 0x0004,
  AES_256_GCM_SHA512_128: 0x0005,
} as const;
export type CipherSuite = (typeof CipherSuite)[keyof typeof CipherSuite];

/** The per-suite constants of RFC 9605 Table 2, plus what WebCrypto needs to instantiate them. */
export interface CipherSuiteParams {
  readonly id: CipherSuite;
  readonly name: string;
  /** "AES-GCM" or the compound "AES-CTR-HMAC" AEAD of §4.5.1. */
  readonly aead: "AES-GCM" | "AES-CTR-HMAC";
  /** HKDF / HMAC hash, as WebCrypto names it. */
  readonly hash: "SHA-256" | "SHA-512";
  readonly Nh: number;
  /** AES key size inside the compound AEAD; 0 for GCM suites where it does not apply. */
  readonly Nka: number;
  readonly Nk: number;
  readonly Nn: number;
  readonly Nt: number;
}

const table: Record<CipherSuite, CipherSuiteParams> = {
  1: {
    id: 1,
    name: "AES_128_CTR_HMAC_SHA256_80",
    aead: "AES-CTR-HMAC",
    hash: "SHA-256",
    Nh: 32,
    Nka: 16,
    Nk: 48,
    Nn: 12,
    Nt: 10,
  },
  2: {
    id: 2,
    name: "AES_128_CTR_HMAC_SHA256_64",
    aead: "AES-CTR-HMAC",
    hash: "SHA-256",
    Nh: 32,
    Nka: 16,
    Nk: 48,
    Nn: 12,
    Nt: 8,
  },
  3: {
    id: 3,
    name: "AES_128_CTR_HMAC_SHA256_32",
    aead: "AES-CTR-HMAC",
    hash: "SHA-256",
    Nh: 32,
    Nka: 16,
    Nk: 48,
    Nn: 12,
    Nt: 4,
  },
  4: {
    id: 4,
    name: "AES_128_GCM_SHA256_128",
    aead: "AES-GCM",
    hash: "SHA-256",
    Nh: 32,
    Nka: 0,
    Nk: 16,
    Nn: 12,
    Nt: 16,
  },
  5: {
    id: 5,
    name: "AES_256_GCM_SHA512_128",
    aead: "AES-GCM",
    hash: "SHA-512",
    Nh: 64,
    Nka: 0,
    Nk: 32,
    Nn: 12,
    Nt: 16,
  },
};

/** Default suite for Sealroom calls (DESIGN "Sealed calls"). */
export const DEFAULT_CIPHER_SUITE: CipherSuite = CipherSuite.AES_128_GCM_SHA256_128;

/** Looks up a suite's constants; throws RangeError for identifiers RFC 9605 does not define. */
export function cipherSuiteParams(id: number): CipherSuiteParams {
  const params = (table as Record<number, CipherSuiteParams | undefined>)[id];
  if (params === undefined) throw new RangeError(`"cipherSuite" ${id} is not an RFC 9605 cipher suite`);
  return params;
}
