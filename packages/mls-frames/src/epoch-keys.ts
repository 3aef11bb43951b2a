/**
 * The one interface between an MLS group and the frame crypto (RFC 9605 §5.2):
 *
 *   base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)      (once per epoch)
 *
 * `EpochKeys` is one epoch after that export: plain data (structured-cloneable, safe to `postMessage` to
 * the media worker, where no MLS state lives) that `FrameCryptor.setEpoch` takes as is. It carries the
 * SFrame cipher suite the base key was exported for, so the key length and the suite can never disagree
 * and nobody passes the suite a second time. `@sealroom/committer`'s `new-epoch` action carries exactly
 * this value; `deriveEpochKeys` is the one place the export happens (the committer calls it too), and
 * `epochKeysFromClientState` does it for a bare ts-mls `ClientState`.
 */
import type { CiphersuiteImpl, ClientState } from "ts-mls";
import { ciphersuites, mlsExporter } from "ts-mls";
import { type CipherSuite, cipherSuiteParams } from "./cipher-suite.ts";
import { sframeSuiteForMls } from "./suite-mapping.ts";

export const SFRAME_EXPORTER_LABEL = "SFrame 1.0 Base Key";

/** One MLS epoch as the frame layer needs it; plain data. */
export interface EpochKeys {
  /** MLS epoch number (u64). */
  readonly epoch: bigint;
  /** SFrame cipher suite (RFC 9605 §4.5), chosen from the MLS suite by `sframeSuiteForMls`. */
  readonly suite: CipherSuite;
  /** base_key = MLS-Exporter("SFrame 1.0 Base Key", "", Nk(suite)). */
  readonly baseKey: Uint8Array;
  /** Our own leaf index (the sender index in our KIDs). */
  readonly ownLeaf: number;
  /** Leaf indices of all members of the epoch, including our own, ascending. */
  readonly leaves: readonly number[];
}

/** What a group implementation provides for one epoch, before the export. */
export interface EpochSource {
  readonly epoch: bigint;
  /** MLS cipher suite id (RFC 9420 §17.1), e.g. 1 or 83. */
  readonly mlsSuite: number;
  readonly ownLeaf: number;
  readonly leaves: readonly number[];
  /** MLS-Exporter(label, context, length) of this epoch (RFC 9420 §8.5). */
  exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
}

/** Runs the RFC 9605 §5.2 export for `source`, with the SFrame suite that matches its MLS suite. */
export async function deriveEpochKeys(source: EpochSource): Promise<EpochKeys> {
  const suite = sframeSuiteForMls(source.mlsSuite);
  const { Nk } = cipherSuiteParams(suite);
  const baseKey = await source.exporter(SFRAME_EXPORTER_LABEL, new Uint8Array(0), Nk);
  if (!(baseKey instanceof Uint8Array) || baseKey.length !== Nk) {
    throw new RangeError(`exporter returned ${baseKey?.length} bytes, expected ${Nk}`);
  }
  const leaves = [...source.leaves].sort((a, b) => a - b);
  return { epoch: source.epoch, suite, baseKey, ownLeaf: source.ownLeaf, leaves };
}

/** Leaf indices of the non-blank leaves of a ts-mls group (leaf i is node 2i, RFC 9420 §4.1). */
export function memberLeaves(state: ClientState): number[] {
  const leaves: number[] = [];
  for (let node = 0; node < state.ratchetTree.length; node += 2) {
    if (state.ratchetTree[node]?.nodeType === "leaf") leaves.push(node / 2);
  }
  return leaves;
}

/** `EpochKeys` for the current epoch of a ts-mls `ClientState`. */
export function epochKeysFromClientState(state: ClientState, impl: CiphersuiteImpl): Promise<EpochKeys> {
  const exporterSecret = state.keySchedule.exporterSecret;
  return deriveEpochKeys({
    epoch: state.groupContext.epoch,
    mlsSuite: ciphersuites[state.groupContext.cipherSuite],
    ownLeaf: state.privatePath.leafIndex,
    leaves: memberLeaves(state),
    exporter: (label, context, length) => mlsExporter(exporterSecret, label, context, length, impl),
  });
}
