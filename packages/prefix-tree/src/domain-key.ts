/**
 * Tree keys and values (waict-apis.md "Hash Computations"; docs/wire-formats.md "Prefix tree"):
 * key = H("waict-kh" || domain) with the domain a lowercase ASCII A-label name without trailing
 * dot or port, and value = H("waict-ch" || head ChainNode), which commits to the whole chain.
 *
 * The draft only says the service "MUST reject a domain with characters outside [a-zA-Z0-9.\-]"
 * (waict-apis.md "Enrollment via HTTPS"). Since the key hashes the domain bytes, two spellings of
 * one name would be two leaves: so we normalise (lowercase, drop one trailing dot) and then also
 * reject malformed names (empty labels, labels over 63 bytes or starting/ending with '-', names
 * over 253 bytes). Punycode inside `xn--` labels is not decoded or checked.
 */
import { type ChainNode, nextChainHash } from "@sealroom/hash-chain";
import { DomainError } from "./errors.ts";
import { checkedDigest, defaultSha256, type Sha256 } from "./hash.ts";

/** Maximum length of a normalised domain (RFC 1035 §2.3.4 presentation form without the root dot). */
export const DOMAIN_MAX_LENGTH = 253;
const LABEL_MAX = 63;

/** The key tag "waict-kh". */
export const KEY_TAG: Uint8Array = Uint8Array.of(0x77, 0x61, 0x69, 0x63, 0x74, 0x2d, 0x6b, 0x68);

/** Lowercases, strips one trailing dot and checks the name; throws `DomainError` otherwise. */
export function normalizeDomain(domain: string): string {
  if (typeof domain !== "string") throw new TypeError('"domain" must be a string');
  let d = domain;
  if (d.endsWith(".")) d = d.slice(0, -1);
  // Lowercase ASCII only: String.toLowerCase would also fold non-ASCII (e.g. 'K' KELVIN SIGN -> 'k').
  d = d.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
  checkNormalized(domain, d);
  return d;
}

/** True if `domain` is already in normal form (what a TreeEvent must carry). */
export function isNormalizedDomain(domain: string): boolean {
  try {
    return normalizeDomain(domain) === domain;
  } catch {
    return false;
  }
}

function checkNormalized(original: string, d: string): void {
  if (d.length === 0) throw new DomainError(original, "empty name");
  if (d.length > DOMAIN_MAX_LENGTH) throw new DomainError(original, `longer than ${DOMAIN_MAX_LENGTH} bytes`);
  let labelStart = 0;
  for (let i = 0; i <= d.length; i++) {
    const c = i < d.length ? d.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - labelStart;
      if (len === 0) throw new DomainError(original, "empty label");
      if (len > LABEL_MAX) throw new DomainError(original, `label longer than ${LABEL_MAX} bytes`);
      if (d.charCodeAt(labelStart) === 0x2d || d.charCodeAt(i - 1) === 0x2d) {
        throw new DomainError(original, "label starts or ends with '-'");
      }
      labelStart = i + 1;
    } else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) {
      throw new DomainError(
        original,
        `character ${JSON.stringify(d[i])} outside [a-z0-9.-] (use the A-label)`,
      );
    }
  }
}

/** key = H("waict-kh" || normalised domain). Throws `DomainError` for a malformed domain. */
export function keyForDomain(domain: string, hash: Sha256 = defaultSha256): Uint8Array {
  return keyForNormalizedDomain(normalizeDomain(domain), hash);
}

/** key = H("waict-kh" || domain) for a domain already checked to be normal. */
export function keyForNormalizedDomain(domain: string, hash: Sha256 = defaultSha256): Uint8Array {
  const buf = new Uint8Array(8 + domain.length);
  buf.set(KEY_TAG, 0);
  for (let i = 0; i < domain.length; i++) buf[8 + i] = domain.charCodeAt(i);
  return checkedDigest(hash(buf));
}

/** value = H("waict-ch" || head): the tree value of a site whose chain head is `head`. */
export function treeValueForHead(head: ChainNode, hash: Sha256 = defaultSha256): Uint8Array {
  return checkedDigest(nextChainHash(head, hash));
}
