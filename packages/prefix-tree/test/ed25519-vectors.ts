import { readFileSync } from "node:fs";

/**
 * The adversarial Ed25519 vectors of vectors/ed25519 (see its README) with two verdicts: `go`, the
 * classic rule of Go's crypto/ed25519 and BoringSSL (accept unless R is non-canonical or the
 * low-order components only cancel under the cofactored equation), and `valid`, Sealroom's rule
 * (also OpenSSL 3.5's): `go`, and neither A nor R small-order, and A canonically encoded.
 */
export interface Ed25519Case {
  name: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  valid: boolean;
  go: boolean;
  flags: string[];
}

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
const file = (name: string): string =>
  readFileSync(new URL(`../vectors/ed25519/${name}`, import.meta.url), "utf8");

/**
 * "Taming the many EdDSAs" cases 0..11. Go, BoringSSL (and OpenSSL 3.0 per the paper's table):
 * V V V V X X X X X X X V. Sealroom (and OpenSSL 3.5) accept only #3: #0 (S = 0, small-order A and
 * R), #1 (small-order A), #2 (small-order R) and #11 (non-canonical A) are refused by the precheck.
 */
const SPECCHECK_GO = [true, true, true, true, false, false, false, false, false, false, false, true];

export function ed25519Cases(): Ed25519Case[] {
  const out: Ed25519Case[] = [];
  const spec = JSON.parse(file("speccheck-cases.json")) as {
    message: string;
    pub_key: string;
    signature: string;
  }[];
  spec.forEach((c, i) => {
    out.push({
      name: `speccheck #${i}`,
      publicKey: unhex(c.pub_key),
      message: unhex(c.message),
      signature: unhex(c.signature),
      valid: i === 3,
      go: SPECCHECK_GO[i] as boolean,
      flags: [],
    });
  });
  const cctv = JSON.parse(file("cctv-ed25519vectors.json")) as {
    number: number;
    key: string;
    sig: string;
    msg: string;
    flags: string[] | null;
  }[];
  for (const v of cctv) {
    const flags = v.flags ?? [];
    const go = !flags.includes("low_order_residue") && !flags.includes("non_canonical_R");
    const refused = ["low_order_A", "low_order_R", "non_canonical_A"].some((f) => flags.includes(f));
    out.push({
      name: `cctv #${v.number} [${flags.join(" ")}]`,
      publicKey: unhex(v.key),
      message: new TextEncoder().encode(v.msg),
      signature: unhex(v.sig),
      valid: go && !refused,
      go,
      flags,
    });
  }
  return out;
}
