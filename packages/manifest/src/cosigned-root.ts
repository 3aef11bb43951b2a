/**
 * The `signed_prefix_root` of a `ChainHeadWithProof` (waict-proofs.md "Inclusion Proofs" steps 1, 4
 * and 5; waict-apis.md "Upload cosignature"): parse the note, check the service domain, count fresh
 * witness cosignatures. Note syntax, the WAICT signed message and Ed25519 verification come from
 * @sealroom/prefix-tree; this file only applies the client policy and names each failure.
 *
 * Counting follows C2SP signed-note "Signatures": lines from keys the client does not know are
 * ignored, and a line from a known key (same name and key ID) whose signature does not verify
 * rejects the whole note — a witness key never signs garbage, so such a line means tampering. A
 * valid cosignature that is too old (`maxAge`) or too far in the future (`maxFutureSkew`) is not
 * counted. Quorum counts witnesses, not keys: freshness and counting are prefix-tree's
 * `tallyWitnesses` (the one place for that rule), so two trusted keys with the same name count once.
 */

import {
  decodeTimestampedSignature,
  type NoteSignature,
  type PrefixTreeCheckpoint,
  parseNote,
  parsePrefixTreeCheckpoint,
  parseVerifierKey,
  type TimestampedSignature,
  tallyWitnesses,
  type VerifierKey,
  WAICT_COSIGNATURE_TYPE,
  waictCosignatureMessageForText,
} from "@sealroom/prefix-tree/note";
import { type Ed25519Backend, verifyEd25519 } from "./ed25519.ts";
import { type Failure, FailureReason, failure } from "./errors.ts";

/** A trusted witness key: signed-note vkey text (`name+keyid+base64(0x06 || key)`) or parsed. */
export type WitnessKeyInput = string | VerifierKey;

export interface CosignedRoot {
  service: string;
  treeSize: bigint;
  root: Uint8Array;
  signatures: NoteSignature[];
}

export interface CosignaturePolicy {
  trustedServices: readonly string[];
  witnessKeys: readonly WitnessKeyInput[];
  quorum: number;
  now: number;
  maxAge: number;
  maxFutureSkew: number;
  /** Force an Ed25519 implementation (default: WebCrypto when available, else noble). */
  ed25519?: Ed25519Backend;
}

export type CosignedRootResult =
  | { ok: true; note: CosignedRoot; cosigners: { name: string; time: number }[] }
  | Failure;

const fail = (detail: string, message: string): Failure =>
  failure(FailureReason.invalidTransparencyProof, detail, message);

const keyCache = new Map<string, VerifierKey>();

/**
 * Parses signed-note vkey text `<name>+<8 hex key ID>+base64(type || key)` with prefix-tree's
 * `parseVerifierKey` (which checks the key ID against the key) and requires a 32-byte key: every
 * WAICT cosigner key is Ed25519. Throws `TypeError` with the reason.
 */
export function parseWitnessKey(text: string): VerifierKey {
  let key: VerifierKey;
  try {
    key = parseVerifierKey(text);
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
  if (key.publicKey.length !== 32) throw new TypeError("key must be base64 of a type byte and 32 bytes");
  return key;
}

/** Parses vkey text once (cached); throws `TypeError` for a key that is not a WAICT cosigner key. */
export function toVerifierKey(k: WitnessKeyInput): VerifierKey {
  if (typeof k !== "string") return k;
  let v = keyCache.get(k);
  if (!v) {
    try {
      v = parseWitnessKey(k);
    } catch (e) {
      throw new TypeError(`"witnessKeys": cannot parse ${JSON.stringify(k)}: ${(e as Error).message}`);
    }
    if (v.type !== WAICT_COSIGNATURE_TYPE)
      throw new TypeError(`"witnessKeys": ${v.name} is not a WAICT cosigner key (type 0x06)`);
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(k, v);
  }
  return v;
}

/**
 * One WAICT cosignature line by `key` on the note text (waict-apis.md "Upload cosignature"): the
 * payload is `u64 time || Ed25519 sig` over `waict-cosignature/v1\ntime <time>\n<note text>`.
 * prefix-tree's `verifyCosignature` does the same check synchronously with noble; this one picks the
 * faster Ed25519 backend and reuses prefix-tree's message and payload codecs. `text` is the note
 * text as parsed (`parsePrefixTreeCheckpoint` accepts only the canonical form, so it equals
 * `formatPrefixTreeCheckpoint(checkpoint)`).
 */
function verifyLine(
  key: VerifierKey,
  text: string,
  sig: NoteSignature,
  backend: Ed25519Backend | undefined,
): Promise<TimestampedSignature | undefined> | undefined {
  let ts: TimestampedSignature;
  try {
    ts = decodeTimestampedSignature(sig.signature);
  } catch {
    return undefined;
  }
  const ok = verifyEd25519(
    ts.signature,
    waictCosignatureMessageForText(text, ts.timestamp),
    key.publicKey,
    backend,
  );
  return ok.then((v) => (v ? ts : undefined));
}

/**
 * The synchronous part of `verifyCosignedRoot`: parses the note and checks the service, then
 * starts every trusted line's signature check (WebCrypto jobs run off the calling thread) and
 * returns at once with the parsed, not yet verified, note and the pending verdict. A caller may do
 * other work on `note` while the signatures are checked, but must not report anything derived from
 * it before `result` resolves to `ok` (verify-transparency.ts computes the inclusion proof
 * meanwhile and reports it only afterwards).
 */
export function startCosignedRoot(
  bytes: Uint8Array,
  p: CosignaturePolicy,
): Failure | { ok: true; note: CosignedRoot; result: Promise<CosignedRootResult> } {
  // parseSignedPrefixRoot in two steps, to keep the note text for the signed messages.
  let parsed: { checkpoint: PrefixTreeCheckpoint; signatures: NoteSignature[] };
  let text: string;
  try {
    const n = parseNote(bytes);
    text = n.text;
    parsed = { checkpoint: parsePrefixTreeCheckpoint(text), signatures: n.signatures };
  } catch (e) {
    return fail("bad_signed_root", `signed_prefix_root: ${(e as Error).message}`);
  }
  const cp = parsed.checkpoint;
  if (!p.trustedServices.includes(cp.tdomain))
    return fail(
      "untrusted_service",
      `the tree is signed for service ${JSON.stringify(cp.tdomain)}, which is not trusted`,
    );
  const keys = p.witnessKeys.map(toVerifierKey);
  let unknown = 0;
  const known: VerifierKey[] = [];
  // All trusted lines are checked (concurrently): a bad one rejects the note whatever the others say.
  const checks: (Promise<TimestampedSignature | undefined> | undefined)[] = [];
  for (const sig of parsed.signatures) {
    const key = keys.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (key === undefined) unknown++;
    else {
      known.push(key);
      checks.push(verifyLine(key, text, sig, p.ed25519));
    }
  }
  const note: CosignedRoot = {
    service: cp.tdomain,
    treeSize: cp.size,
    root: cp.root,
    signatures: parsed.signatures,
  };
  return { ok: true, note, result: tallyQuorum(note, known, checks, unknown, p) };
}

async function tallyQuorum(
  note: CosignedRoot,
  known: VerifierKey[],
  checks: (Promise<TimestampedSignature | undefined> | undefined)[],
  unknown: number,
  p: CosignaturePolicy,
): Promise<CosignedRootResult> {
  const checked = await Promise.all(checks);
  const verified: { name: string; time: bigint }[] = [];
  for (let i = 0; i < known.length; i++) {
    const key = known[i]!;
    const ts = checked[i];
    if (ts === undefined)
      return fail("bad_cosignature", `the cosignature of trusted witness ${key.name} does not verify`);
    verified.push({ name: key.name, time: ts.timestamp });
  }
  const tally = tallyWitnesses(verified, {
    now: p.now,
    maxAge: p.maxAge,
    maxFutureSkew: p.maxFutureSkew,
  });
  const { stale, future } = tally;
  const counted = tally.witnesses.map((w) => ({ name: w.name, time: Number(w.time) }));
  if (counted.length < p.quorum) {
    const why = [
      stale ? `${stale} stale` : "",
      future ? `${future} from the future` : "",
      unknown ? `${unknown} from unknown keys` : "",
    ].filter(Boolean);
    const detail =
      stale && !future
        ? "stale_cosignatures"
        : future && !stale
          ? "future_cosignatures"
          : "too_few_cosignatures";
    return fail(
      detail,
      `${counted.length} fresh trusted cosignature(s), quorum is ${p.quorum}${why.length ? ` (ignored: ${why.join(", ")})` : ""}`,
    );
  }
  return { ok: true, note, cosigners: counted };
}

/** Parses the note, checks the service and counts fresh, valid trusted cosignatures. */
export function verifyCosignedRoot(bytes: Uint8Array, p: CosignaturePolicy): Promise<CosignedRootResult> {
  const started = startCosignedRoot(bytes, p);
  return started.ok ? started.result : Promise.resolve(started);
}
