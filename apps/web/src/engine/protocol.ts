/**
 * Messages between the page and the call engine's two workers. Key material never appears here: the
 * MLS worker hands each epoch's `EpochKeys` to the media worker over a `MessagePort` the page only
 * transfers (it cannot read what flows through it once transferred).
 */

import type { AppMessage } from "./app-message.ts";

/** Page -> MLS worker. */
export type MlsWorkerIn =
  /** `lobby`: connect without announcing (the key package is made and held until `announce`). */
  | { type: "start"; suite: number; lobby: boolean }
  | { type: "frame"; bytes: Uint8Array }
  /** The socket was replaced: forget the group and start over as a new member (`session` tags replies). */
  | { type: "reset"; session: number; lobby: boolean }
  /** Join pressed: send the key package (`Committer.announce`). */
  | { type: "announce" }
  | { type: "key-port"; port: MessagePort }
  /** Encrypt and send one application message (chat or presence); `id` names it in `app-failed`. */
  | { type: "app"; id: number; message: AppMessage };

/** Public facts of an epoch (what the UI shows). */
export interface EpochSummary {
  epoch: string;
  mlsSuite: number;
  safetyNumber: string;
  ownLeaf: number;
  /** [leaf, member id], ascending by leaf. */
  roster: [number, string][];
}

/** MLS worker -> page; every message carries the session (socket) it belongs to. */
export type MlsWorkerOut = { session: number } & MlsWorkerOutBody;
export type MlsWorkerOutBody =
  | { type: "send"; bytes: Uint8Array }
  /** The key package (or resync) just sent: we are present once the room reads it; signals may follow. */
  | { type: "announced" }
  | { type: "view"; me: string | null; present: string[]; inSync: boolean; isCommitter: boolean }
  | { type: "epoch"; summary: EpochSummary }
  | { type: "left-group"; reason: string }
  | { type: "error"; code: string; detail: string }
  /** A member's application message, decrypted, in the room's order (`own`: our own, echoed). */
  | { type: "app"; seq: string; sender: string; epoch: string; message: AppMessage; own: boolean }
  /** A sequenced application message we cannot read (sent before we joined, while resyncing, forged). */
  | { type: "app-unreadable"; seq: string; sender: string; reason: string }
  /** `app` request `id` was not sent (not in sync with the room yet, or too long). */
  | { type: "app-failed"; id: number; reason: string };

/** Page -> media worker (the only kinds it accepts from the page). */
export const MEDIA_KEY_PORT = "sealroom-web/key-port";

/** `streamId` prefix of the SFU plane's transforms (`sfu.ts`; the media worker treats them apart). */
export const SFU_STREAM = "sfu:";
