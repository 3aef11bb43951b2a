// Temporary, type-checking only: @sealroom/mls-frames (reached through @sealroom/committer, which hands
// its EpochKeys to the media path) names DOM lib types (`Transferable`, `AesGcmParams`,
// `globalThis.crypto`) that @cloudflare/workers-types lacks, so the Worker cannot type-check its source.
// tsconfig.json maps the package here until it uses runtime-neutral types; bundling uses the real package.
// The room never calls the media code.
export interface EpochKeys {
  epoch: bigint;
  suite: number;
  baseKey: Uint8Array;
  ownLeaf: number;
  leaves: readonly number[];
}
export declare function deriveEpochKeys(source: {
  epoch: bigint;
  mlsSuite: number;
  ownLeaf: number;
  leaves: readonly number[];
  exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
}): Promise<EpochKeys>;
