/**
 * Messages between a client and the room server (docs/architecture.md "Sealed calls"; codec in codec.ts).
 * The server numbers every event; a commit and the Welcome for the members it adds travel as one bundle,
 * so a committer that dies mid-add leaves either both or neither in the log.
 */
import type { MemberId } from "./member-id.ts";
import type { RoomView } from "./room-view.ts";

export interface BundleAdd {
  member: MemberId;
  /** The announcement whose key package the commit adds (guards against a stale key package). */
  announceSeq: bigint;
}

/** One MLS commit plus the Welcome for its Adds, with the roster change declared in clear for the server. */
export interface CommitBundle {
  /** MLSMessage (PrivateMessage or PublicMessage) carrying the commit. */
  commit: Uint8Array;
  /** MLSMessage carrying the Welcome; present exactly when `adds` is non-empty. */
  welcome: Uint8Array | null;
  /** Sorted by member id, no duplicates. */
  adds: BundleAdd[];
  /** Sorted, no duplicates. */
  removes: MemberId[];
}

export type RoomEvent =
  | { type: "announced"; member: MemberId; keyPackage: Uint8Array }
  | { type: "left"; member: MemberId }
  | { type: "group-started"; groupId: Uint8Array; creator: MemberId }
  | { type: "committed"; sender: MemberId; bundle: CommitBundle }
  /** A member's MLS application message (chat), numbered like every event; the server cannot read it. */
  | { type: "application"; sender: MemberId; message: Uint8Array };

export const RejectReason = {
  /** Another commit for this epoch was accepted first, or the commit names another group. */
  WrongEpoch: 1,
  /** The sender is not a live member of the group. */
  NotMember: 2,
  /** The declared roster change no longer matches the room (someone left or re-announced). */
  Stale: 3,
  /** The bundle is inconsistent (Welcome without Adds, empty commit, not a commit). */
  Malformed: 4,
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export type ClientMessage =
  | { type: "key-package"; keyPackage: Uint8Array }
  | { type: "commit-bundle"; bundle: CommitBundle }
  /** "I fell behind": re-announce with a fresh key package and send me a snapshot. */
  | { type: "resync"; keyPackage: Uint8Array }
  /** An MLS application message (chat): a PrivateMessage, opaque to the server, sequenced like events. */
  | { type: "application"; message: Uint8Array }
  /**
   * Media signalling for the peer mesh (SDP offers/answers, ICE candidates) to one member: opaque bytes,
   * relayed, not sequenced, not stored. Encrypt or sign them at the application layer if they must be.
   */
  | { type: "signal"; to: MemberId; payload: Uint8Array };

export type ServerMessage =
  | { type: "snapshot"; you: MemberId; view: RoomView }
  | { type: "event"; seq: bigint; event: RoomEvent }
  /**
   * Names the rejected bundle: the epoch its commit was sent from (its MLS header) and
   * `commitDigest(bundle.commit)`, so a client clears that pending commit and no other.
   */
  | { type: "commit-rejected"; epoch: bigint; digest: Uint8Array; reason: RejectReason }
  /** A `signal` relayed from member `from` (the sequencer fills in the sender). */
  | { type: "signal"; from: MemberId; payload: Uint8Array };
