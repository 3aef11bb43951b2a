/**
 * Messages between the page and the call engine's two workers. Key material never appears here: the
 * MLS worker hands each epoch's `EpochKeys` to the media worker over a `MessagePort` the page only
 * transfers (it cannot read what flows through it once transferred).
 */

/** Page -> MLS worker. */
export type MlsWorkerIn =
  | { type: "start"; suite: number }
  | { type: "frame"; bytes: Uint8Array }
  /** The socket was replaced: forget the group and start over as a new member. */
  | { type: "reset" }
  | { type: "key-port"; port: MessagePort };

/** Public facts of an epoch (what the UI shows). */
export interface EpochSummary {
  epoch: string;
  mlsSuite: number;
  safetyNumber: string;
  ownLeaf: number;
  /** [leaf, member id], ascending by leaf. */
  roster: [number, string][];
}

/** MLS worker -> page. */
export type MlsWorkerOut =
  | { type: "send"; bytes: Uint8Array }
  | { type: "view"; me: string | null; present: string[]; inSync: boolean; isCommitter: boolean }
  | { type: "epoch"; summary: EpochSummary }
  | { type: "left-group"; reason: string }
  | { type: "error"; code: string; detail: string };

/** Page -> media worker (the only kinds it accepts from the page). */
export const MEDIA_KEY_PORT = "sealroom-web/key-port";
