/**
 * Messages between the page and the call engine's two workers. Key material never appears here: the
 * MLS worker hands each epoch's `EpochKeys` to the media worker over a `MessagePort` the page only
 * transfers (it cannot read what flows through it once transferred).
 */

import type { AppMessage } from "./app-message.ts";
import type { WireLogEntry } from "./room-socket.ts";

/** Page -> MLS worker. */
export type MlsWorkerIn =
  /**
   * Opens the room socket at `url` (the worker owns it); `lobby`: connect without announcing (the key
   * package is made and held until `announce`).
   */
  | { type: "start"; suite: number; lobby: boolean; url: string }
  /** Join pressed: send the key package (`Committer.announce`). */
  | { type: "announce" }
  | { type: "key-port"; port: MessagePort }
  /** Encrypt and send one application message (chat or presence); `id` names it in `app-failed`. */
  | { type: "app"; id: number; message: AppMessage }
  /**
   * A media signal for member `to` (UTF-8 JSON, opaque to the worker), sent as the protocol's `signal`
   * message once our key package went out on this socket; dropped when `session` is not the socket's.
   */
  | { type: "signal"; session: number; to: string; payload: string }
  /** Drop the socket as a network failure would and stay away `ms` (`Call.disconnectFor`). */
  | { type: "drop"; ms: number }
  /** Leave: close the socket normally; the worker closes itself afterwards. */
  | { type: "leave" }
  /** Diagnostics: the socket's frame-header log (`wire-log` answer). */
  | { type: "wire-log" };

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
  | { type: "connection"; state: "connecting" | "open" | "reconnecting" | "closed" }
  /**
   * The socket was lost (`code`, `reason` of the close): a new socket will be a new member, so everything
   * of the old one (peers, pulls, the group) is over. Messages after this one carry the new `session`.
   */
  | { type: "reset"; code: number; reason: string }
  /** `seqs`: each present member's announcement sequence number (the room's order of arrival). */
  | {
      type: "view";
      me: string | null;
      present: string[];
      seqs: Record<string, string>;
      inSync: boolean;
      isCommitter: boolean;
    }
  | { type: "epoch"; summary: EpochSummary }
  | { type: "left-group"; reason: string }
  | { type: "error"; code: string; detail: string }
  /** A media signal from member `from` (UTF-8 JSON as the sender's page wrote it; not read here). */
  | { type: "signal"; from: string; payload: string }
  /** A member's application message, decrypted, in the room's order (`own`: our own, echoed). */
  | { type: "app"; seq: string; sender: string; epoch: string; message: AppMessage; own: boolean }
  /** A sequenced application message we cannot read (sent before we joined, while resyncing, forged). */
  | { type: "app-unreadable"; seq: string; sender: string; reason: string }
  /** `app` request `id` was not sent (not in sync with the room yet, or too long). */
  | { type: "app-failed"; id: number; reason: string }
  | { type: "wire-log"; entries: WireLogEntry[] };

/** Page -> media worker (the only kinds it accepts from the page). */
export const MEDIA_KEY_PORT = "sealroom-web/key-port";

/** `streamId` prefix of the SFU plane's transforms (`sfu.ts`; the media worker treats them apart). */
export const SFU_STREAM = "sfu:";
