import type { CipherSuite } from "@sealroom/mls-frames";

interface EpochKeys {
  epoch: bigint; // MLS epoch (u64)
  suite: CipherSuite; // SFrame suite, = sframeSuiteForMls(MLS suite)
  baseKey: Uint8Array; // MLS-Exporter("SFrame 1.0 Base Key", "", Nk(suite))
  ownLeaf: number; // our leaf index
  leaves: readonly number[]; // all members' leaf indices, ascending
}

// Free names of README example 3 (above, verbatim; checked by readme-examples.test.ts).
export type { EpochKeys };
