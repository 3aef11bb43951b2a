/**
 * The interface between an MLS group and the frame crypto (RFC 9605 §5.2):
 *
 *   base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)      (once per epoch)
 *
 * `EpochKeys` is what a group implementation (Sealroom's @sealroom/committer, or ts-mls directly through
 * `epochKeysFromClientState`) hands over: the epoch number, its exporter, our own leaf index and the
 * leaf indices of all members. `EpochSecret` is the same epoch after the export — plain data that can be
 * posted to the media worker (structured clone) where no MLS state lives.
 */
import type { CiphersuiteImpl, ClientState } from "ts-mls";
import { mlsExporter } from "ts-mls";
import { cipherSuiteParams, DEFAULT_CIPHER_SUITE } from "./cipher-suite.ts";

export const SFRAME_EXPORTER_LABEL = "SFrame 1.0 Base Key";

/** One MLS epoch as seen by its member. */
export interface EpochKeys {
  /** MLS epoch number (u64). */
  readonly epoch: bigint;
  /** MLS-Exporter(label, context, length) of this epoch (RFC 9420 §8.5). */
  exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
  /** Our own leaf index (the sender index in our KIDs). */
  readonly ownLeaf: number;
  /** Leaf indices of all members of the epoch, including our own. */
  readonly leaves: readonly number[];
}

/** An epoch's exported SFrame base key plus the roster; safe to postMessage. */
export interface EpochSecret {
  readonly epoch: bigint;
  /** base_key = MLS-Exporter("SFrame 1.0 Base Key", "", Nk). */
  readonly baseKey: Uint8Array;
  readonly ownLeaf: number;
  readonly leaves: readonly number[];
}

/** Runs the RFC 9605 §5.2 export for `keys`. */
export async function exportEpochSecret(
  keys: EpochKeys,
  suite: number = DEFAULT_CIPHER_SUITE,
): Promise<EpochSecret> {
  const { Nk } = cipherSuiteParams(suite);
  const baseKey = await keys.exporter(SFRAME_EXPORTER_LABEL, new Uint8Array(0), Nk);
  if (!(baseKey instanceof Uint8Array) || baseKey.length !== Nk) {
    throw new RangeError(`exporter returned ${baseKey?.length} bytes, expected ${Nk}`);
  }
  return { epoch: keys.epoch, baseKey, ownLeaf: keys.ownLeaf, leaves: [...keys.leaves] };
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
export function epochKeysFromClientState(state: ClientState, impl: CiphersuiteImpl): EpochKeys {
  const exporterSecret = state.keySchedule.exporterSecret;
  return {
    epoch: state.groupContext.epoch,
    exporter: (label, context, length) => mlsExporter(exporterSecret, label, context, length, impl),
    ownLeaf: state.privatePath.leafIndex,
    leaves: memberLeaves(state),
  };
}
