/**
 * The seam between the committer state machine and MLS (RFC 9420). The committer only needs these
 * operations; `TsMlsEngine` implements them with ts-mls (suite 1), and the model checker implements them
 * with symbolic epochs and secrets so every interleaving can be explored. `G` is a group state and `K` the
 * private half of a key package; both are treated as immutable values (an operation returns a new one).
 */
import type { MemberId } from "./member-id.ts";

export interface CommitOutput<G> {
  /** MLSMessage bytes of the commit. */
  commit: Uint8Array;
  /** MLSMessage bytes of the Welcome, when there were Adds. */
  welcome: Uint8Array | null;
  /** The state after the commit; adopted only when the sequencer echoes the commit. */
  group: G;
}

export interface MlsEngine<G, K> {
  /** A fresh key package (MLSMessage bytes) whose credential identity is `member`. */
  generateKeyPackage(member: MemberId): Promise<{ keyPackage: Uint8Array; secret: K }>;
  /** Signature, suite, credential identity === member, lifetime within policy. Never throws. */
  validateKeyPackage(keyPackage: Uint8Array, member: MemberId): Promise<boolean>;
  createGroup(groupId: Uint8Array, keyPackage: Uint8Array, secret: K): Promise<G>;
  /** One commit carrying Removes (by leaf) and Adds (key package bytes), with a Welcome for the Adds. */
  commit(group: G, adds: Uint8Array[], removeLeaves: number[]): Promise<CommitOutput<G>>;
  /** Apply another member's commit; throws if it does not verify or does not apply. */
  processCommit(group: G, commit: Uint8Array): Promise<G>;
  /** Join from a Welcome addressed to `keyPackage`; throws if it is not for us or does not verify. */
  joinGroup(welcome: Uint8Array, keyPackage: Uint8Array, secret: K): Promise<G>;
  groupId(group: G): Uint8Array;
  epoch(group: G): bigint;
  ownLeaf(group: G): number;
  /** Leaf index -> credential identity, for every non-blank leaf. */
  roster(group: G): Map<number, MemberId>;
  epochAuthenticator(group: G): Uint8Array;
  /** MLS cipher suite id of the group (RFC 9420 §17.1); it picks the SFrame suite of the media keys. */
  cipherSuite(group: G): number;
  /** An application message (chat, RFC 9420 §6.3 PrivateMessage) from us in the group's current epoch. */
  createApplicationMessage(group: G, plaintext: Uint8Array): Promise<{ message: Uint8Array; group: G }>;
  /**
   * Decrypt and verify another member's application message, of the current epoch or one still held
   * (ts-mls keeps a few past epochs' receive keys); throws if it is not for us, does not verify, or comes
   * from an epoch we never held (before we joined). `sender` is the credential identity of the signing
   * leaf in the message's epoch.
   */
  processApplicationMessage(
    group: G,
    message: Uint8Array,
  ): Promise<{ plaintext: Uint8Array; senderLeaf: number; sender: MemberId; group: G }>;
  /** RFC 9420 §8.5 MLS-Exporter. */
  exporter(group: G, label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
}
