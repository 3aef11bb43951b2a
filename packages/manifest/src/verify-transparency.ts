/**
 * The full client check of a manifest response (waict-proofs.md "Inclusion Proofs", waict-integrity
 * v2 "Fetching Manifests" / "Validating Manifests", docs/wire-formats.md "Signed notes and cosignatures").
 *
 * Steps, each failing with the integrity draft's reason:
 *  1. split the response and validate the manifest line                        -> invalid_manifest
 *  2. base64-decode and parse `ChainHeadWithProof` and its signed note          -> invalid_transparency_proof
 *  3. the note's service domain (before the first `/`) is trusted               -> invalid_transparency_proof
 *  4. >= quorum distinct trusted witness keys made a valid cosignature on the note, none counted when
 *     older than `maxAge` or more than `maxFutureSkew` ahead of `now`           -> invalid_transparency_proof
 *  5. tree key = H("waict-kh" || the page's own domain), never anything from the proof; value =
 *     H("waict-ch" || head); MPT inclusion under the note's root              -> invalid_transparency_proof
 *  6. tombstone head (all-zero resource hash): the site unenrolled; status `unenrolled`, no integrity
 *  7. head.resource_hash == H("waict-rh" || exact manifest line bytes)        -> invalid_transparency_proof
 *  8. `emergency_opt_out: true`: logged tombstone manifest; status `emergency_opt_out`
 * The draft orders the checks differently (root, resource hash, inclusion, service, cosignatures);
 * all must pass either way, and checking the signatures before anything that depends on the root
 * means no detail can be learned from an unsigned root.
 */

import type { ChainNode } from "@sealroom/hash-chain";
import { isTombstone } from "@sealroom/hash-chain";
import { sha256Small } from "@sealroom/hash-chain/sha256";
import { keyForDomain, treeValueForHead, verifyInclusion } from "@sealroom/prefix-tree";
import { type ChainHeadWithProof, decodeChainHeadWithProof } from "./chain-head-with-proof.ts";
import type { CosignedRoot, WitnessKeyInput } from "./cosigned-root.ts";
import type { Ed25519Backend } from "./ed25519.ts";
import { type Failure, FailureReason, failure, ManifestError } from "./errors.ts";
import { type Manifest, parseManifest } from "./manifest.ts";
import { decodeManifestResponse, decodeProofLine } from "./manifest-response.ts";
import type { PreloadPolicy, TransparencyNotEnrolled } from "./preload-policy.ts";
import { resourceHashOf } from "./resource-hash.ts";
import { timeWindow } from "./time-window.ts";

export { DEFAULT_MAX_AGE, DEFAULT_MAX_FUTURE_SKEW } from "@sealroom/hash-chain/time";

export interface VerifyTransparencyOptions {
  /** The page's own domain (host without port): the tree key is derived from this alone. */
  domain: string;
  /** Transparency service domains the client accepts (the `<tdomain>` of the note). */
  trustedServices: readonly string[];
  /** Trusted witness keys, as signed-note verifier keys (`name+keyid+base64`) or parsed keys. */
  witnessKeys: readonly WitnessKeyInput[];
  /** Distinct trusted witnesses that must have cosigned (>= 1). */
  quorum: number;
  /**
   * Oldest acceptable cosignature, in seconds (default `DEFAULT_MAX_AGE`, 7 days; `Infinity`: no
   * limit). Every time option is checked: see `timeWindow` (a `TypeError` for a `Date`, a bigint,
   * milliseconds or a fraction).
   */
  maxAge?: number;
  /** Current Unix time in seconds, a safe integer (default: the system clock). */
  now?: number;
  /** Tolerated cosignature time in the future, in seconds (default `DEFAULT_MAX_FUTURE_SKEW`, 300). */
  maxFutureSkew?: number;
  /** Force an Ed25519 implementation (default: WebCrypto when available, else @noble/ed25519). */
  ed25519?: Ed25519Backend;
  /** Top-level origin for validating relative manifest keys (default `https://<domain>`). */
  origin?: string;
  /** Sealroom preload-list policy (`preloadPolicy(...)`, preload-policy.ts): enforced when given. */
  preload?: PreloadPolicy;
}

export interface Cosigner {
  name: string;
  time: number;
}

export type TransparencyStatus = "verified" | "unenrolled" | "emergency_opt_out";

export interface TransparencyOk {
  ok: true;
  status: TransparencyStatus;
  manifest: Manifest;
  manifestBytes: Uint8Array;
  head: ChainNode;
  service: string;
  treeSize: bigint;
  root: Uint8Array;
  /** Trusted witnesses whose fresh cosignature verified (one per key). */
  cosigners: Cosigner[];
}

export type TransparencyResult = TransparencyOk | Failure;

/**
 * The cosignature check (signed-note parsing, the WAICT message, Ed25519) is loaded on first use,
 * as its own chunk: it is needed once per page load and is async anyway (WebCrypto), so a page's
 * up-front bundle holds only framing, manifest parsing, SHA-256 and the proof walk (issue 12:
 * <= 12 KB min+gzip, test/bundle-size.test.ts). The import starts before the synchronous steps so
 * its fetch overlaps them.
 */
let cosignedRoot: Promise<typeof import("./cosigned-root.ts")> | undefined;
function loadCosignedRoot(): Promise<typeof import("./cosigned-root.ts")> {
  cosignedRoot ??= import("./cosigned-root.ts");
  return cosignedRoot;
}

/**
 * @internal How `verifyTransparencyWith` gets the cosignature check: lazily (`verifyTransparency`
 * here) or from a static import (verify-transparency-eager.ts, "./browser-worker").
 */
export type CosignedRootLoader = () => Promise<
  Pick<typeof import("./cosigned-root.ts"), "startCosignedRoot">
>;

const proofFail = (detail: string, message: string): Failure =>
  failure(FailureReason.invalidTransparencyProof, detail, message);

/**
 * Verifies a manifest response. `undefined` means the site sent no `Integrity-Policy-WAICT-v1`
 * header or its manifest could not be fetched: without a preload policy that is
 * `manifest_unavailable`; with one, `stripped` for a listed site and `not_enrolled` otherwise.
 */
export function verifyTransparency(
  response: Uint8Array,
  options: VerifyTransparencyOptions,
): Promise<TransparencyResult>;
export function verifyTransparency(
  response: Uint8Array | undefined,
  options: VerifyTransparencyOptions,
): Promise<TransparencyResult | TransparencyNotEnrolled>;
export function verifyTransparency(
  response: Uint8Array | undefined,
  options: VerifyTransparencyOptions,
): Promise<TransparencyResult | TransparencyNotEnrolled> {
  return verifyTransparencyWith(loadCosignedRoot, response, options);
}

/** @internal `verifyTransparency` with the cosignature check from `load`. */
export async function verifyTransparencyWith(
  load: CosignedRootLoader,
  response: Uint8Array | undefined,
  options: VerifyTransparencyOptions,
): Promise<TransparencyResult | TransparencyNotEnrolled> {
  timeWindow(options); // a bad time option is a TypeError on every path, before any verdict
  // --- Sealroom preload-list step (preload-policy.ts, docs/preload-list.md), around the draft's checks.
  if (response === undefined)
    return options.preload
      ? options.preload.absent(options)
      : failure(FailureReason.manifestUnavailable, "no_manifest", "no WAICT header or manifest");
  const result = await verifyResponse(load, response, options);
  return options.preload ? options.preload.check(result, options) : result;
}

/** Steps 1-8 above (the drafts' checks). */
async function verifyResponse(
  load: CosignedRootLoader,
  response: Uint8Array,
  options: VerifyTransparencyOptions,
): Promise<TransparencyResult> {
  if (!Number.isInteger(options.quorum) || options.quorum < 1)
    throw new RangeError('"quorum" must be an integer >= 1');
  const { now, maxAge, maxFutureSkew } = timeWindow(options);
  const cosign = load();
  // Failures returned before the await below must not leave an unhandled rejection behind.
  cosign.catch(() => {});

  // The tree key comes from the page's own domain alone; a domain without a key cannot verify.
  let key: Uint8Array;
  try {
    key = keyForDomain(options.domain, sha256Small);
  } catch (e) {
    return proofFail(
      "bad_domain",
      `cannot derive a tree key for ${JSON.stringify(options.domain)}: ${(e as Error).message}`,
    );
  }

  // 1. Response framing and manifest validity.
  let manifestBytes: Uint8Array;
  let manifest: Manifest;
  let proofText: string;
  try {
    const r = decodeManifestResponse(response);
    manifestBytes = r.manifestBytes;
    proofText = r.proofText;
    manifest = parseManifest(r.manifestText, { origin: options.origin ?? `https://${options.domain}` });
  } catch (e) {
    if (e instanceof ManifestError) return failure(e.reason, e.code, e.message);
    throw e;
  }

  // 2. Proof structure.
  let proof: ChainHeadWithProof;
  try {
    proof = decodeChainHeadWithProof(decodeProofLine(proofText));
  } catch (e) {
    if (e instanceof ManifestError) return failure(e.reason, e.code, e.message);
    throw e;
  }

  // 3-4. Service domain, then the cosignature checks start (WebCrypto jobs, off this thread).
  const { startCosignedRoot } = await cosign;
  const started = startCosignedRoot(proof.signedPrefixRoot, {
    trustedServices: options.trustedServices,
    witnessKeys: options.witnessKeys,
    quorum: options.quorum,
    now,
    maxAge,
    maxFutureSkew,
    ...(options.ed25519 ? { ed25519: options.ed25519 } : {}),
  });
  if (!started.ok) return started;
  const note: CosignedRoot = started.note;
  // 5. Inclusion under the page's own key (derived first, above), computed while the signatures
  // are being checked but reported only after they verified: no verdict depends on an unsigned root.
  // sha256Small: allocation-free, so the proof walk costs far less than one signature check.
  const value = treeValueForHead(proof.head, sha256Small);
  const included = verifyInclusion(note.root, key, value, proof.incProof, sha256Small);
  const rh = resourceHashOf(manifestBytes); // step 7's hash, also while the signatures are checked
  const v = await started.result;
  if (!v.ok) return v;
  if (!included)
    return proofFail(
      "inclusion_failed",
      `the chain head is not in the tree under the key of ${options.domain}`,
    );

  const ok = (status: TransparencyStatus): TransparencyOk => ({
    ok: true,
    status,
    manifest,
    manifestBytes,
    head: proof.head,
    service: note.service,
    treeSize: note.treeSize,
    root: note.root,
    cosigners: v.cosigners,
  });
  // 6. Unenrolled site: "a client receiving a sufficiently recent tombstone entry will not perform
  // any transparency verification" (waict-apis.md); freshness was enforced in step 4.
  if (isTombstone(proof.head.entry)) return ok("unenrolled");
  // 7. The manifest is the logged one: hash of the exact served line.
  if (!equal(rh, proof.head.entry.resourceHash))
    return proofFail(
      "resource_hash_mismatch",
      "the manifest line is not the resource logged in the chain head",
    );
  // 8. A logged tombstone manifest disables integrity checks for the site.
  return ok(manifest.emergencyOptOut === true ? "emergency_opt_out" : "verified");
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
