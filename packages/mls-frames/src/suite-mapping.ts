/**
 * Which SFrame cipher suite (RFC 9605 §4.5) a group's media uses, as a function of its MLS cipher suite
 * (RFC 9420 §17.1) alone, so every member picks the same one and no caller passes it separately.
 * RFC 9605 §5.2 leaves the choice to the application; ours: the SFrame AES-GCM suite with the MLS suite's
 * AEAD key size — AES-128-GCM MLS suites use `AES_128_GCM_SHA256_128` (4), AES-256-GCM ones (including
 * ts-mls's X-Wing suite 83, `MLS_256_XWING_AES256GCM_SHA512_Ed25519`) use `AES_256_GCM_SHA512_128` (5).
 * ChaCha20-Poly1305 MLS suites have no SFrame counterpart and are refused. No ts-mls import here: the
 * media worker bundle stays free of MLS code.
 */
import { CipherSuite } from "./cipher-suite.ts";

/** MLS suite id -> SFrame suite, for the MLS suites whose AEAD is AES-GCM (IANA ids, and ts-mls's PQ ids). */
const TABLE: ReadonlyMap<number, CipherSuite> = new Map<number, CipherSuite>([
  [1, CipherSuite.AES_128_GCM_SHA256_128], // MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
  [2, CipherSuite.AES_128_GCM_SHA256_128], // MLS_128_DHKEMP256_AES128GCM_SHA256_P256
  [4, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448
  [5, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_DHKEMP521_AES256GCM_SHA512_P521
  [7, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_DHKEMP384_AES256GCM_SHA384_P384
  [77, CipherSuite.AES_128_GCM_SHA256_128], // MLS_128_MLKEM512_AES128GCM_SHA256_Ed25519
  [79, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_MLKEM768_AES256GCM_SHA384_Ed25519
  [81, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_MLKEM1024_AES256GCM_SHA512_Ed25519
  [83, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_XWING_AES256GCM_SHA512_Ed25519
  [85, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_MLKEM1024_AES256GCM_SHA512_MLDSA87
  [87, CipherSuite.AES_256_GCM_SHA512_128], // MLS_256_XWING_AES256GCM_SHA512_MLDSA87
]);

/** The SFrame suite for MLS suite `mlsSuite`; RangeError for suites without an AES-GCM AEAD. */
export function sframeSuiteForMls(mlsSuite: number): CipherSuite {
  const s = TABLE.get(mlsSuite);
  if (s === undefined) throw new RangeError(`"mlsSuite" ${mlsSuite} has no SFrame AES-GCM counterpart`);
  return s;
}
