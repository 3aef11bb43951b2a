/**
 * `MlsEngine` over ts-mls, for one MLS cipher suite chosen per engine (so per group): suite 1,
 * MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, by default (docs/architecture.md "Sealed calls"), or the X-Wing suite
 * 83 (mls-suite.ts). The engine refuses key packages and Welcomes of any other suite (RFC 9420 §12.4.3.1
 * has the joiner check the Welcome's suite against its key package; we check it against the suite the
 * member was told, before ts-mls sees it). Commits go out as PrivateMessage (RFC 9420 §6.3) so the server sees only the clear
 * header; Welcomes carry the ratchet tree in the `ratchet_tree` extension (§12.4.3.3) because the room
 * server holds no tree to hand a joiner.
 */

import { bytesEqual } from "@sealroom/hash-chain/bytes";
import { currentUnixSeconds } from "@sealroom/hash-chain/time";
import {
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  ciphersuites,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  type KeyPackage,
  mlsExporter,
  type PrivateKeyPackage,
  type Proposal,
  processPrivateMessage,
  processPublicMessage,
  zeroOutUint8Array,
} from "ts-mls";
import { verifyKeyPackage } from "ts-mls/keyPackage.js";
import { decryptSenderData } from "ts-mls/privateMessage.js";
import { isLifetimeSane, issueLifetime } from "./key-package-policy.ts";
import type { MemberId } from "./member-id.ts";
import type { CommitOutput, MlsEngine } from "./mls-engine.ts";
import { DEFAULT_MLS_SUITE, isMlsSuite, MLS_SUITE_NAMES, type MlsSuite } from "./mls-suite.ts";

/** ts-mls name of the default suite (1). */
export const SUITE_NAME = MLS_SUITE_NAMES[DEFAULT_MLS_SUITE];

export interface TsMlsEngineOptions {
  /** The caller's clock: Unix seconds as a `number` (default: the system clock). */
  now?: () => number;
  /** The group's MLS suite, as the invite link says: 1 (default) or 83 (X-Wing). */
  suite?: MlsSuite;
}

function decodeWhole(bytes: Uint8Array) {
  const r = decodeMlsMessage(bytes, 0);
  if (!r || r[1] !== bytes.length) throw new Error("malformed or trailing MLSMessage");
  return r[0];
}

function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeWhole(bytes);
  if (m.wireformat !== "mls_key_package") throw new Error("not a key package");
  return m.keyPackage;
}

/**
 * Credential identities as member ids. `ignoreBOM: true` keeps a leading U+FEFF in the result, so the
 * decoding is one-to-one: an identity "\uFEFFa" is not member "a" in a roster or as a chat sender.
 */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export class TsMlsEngine implements MlsEngine<ClientState, PrivateKeyPackage> {
  readonly impl: CiphersuiteImpl;
  /** The one suite this engine's groups, key packages and Welcomes use. */
  readonly suite: MlsSuite;
  private readonly suiteName: CiphersuiteName;
  private readonly now: () => number;

  /** `impl` must implement `options.suite` (default 1); `create` builds both. */
  constructor(impl: CiphersuiteImpl, options: TsMlsEngineOptions = {}) {
    this.suite = options.suite ?? DEFAULT_MLS_SUITE;
    if (!isMlsSuite(this.suite)) throw new RangeError(`"suite" must be 1 or 83`);
    this.suiteName = MLS_SUITE_NAMES[this.suite];
    if (impl.name !== this.suiteName)
      throw new RangeError(`"impl" implements ${impl.name}, not suite ${this.suite} (${this.suiteName})`);
    this.impl = impl;
    this.now = options.now ?? currentUnixSeconds;
  }

  /** Suite 83 loads `@hpke/hybridkem-x-wing` (a dependency of this package) on first use. */
  static async create(options: TsMlsEngineOptions = {}): Promise<TsMlsEngine> {
    const suite = options.suite ?? DEFAULT_MLS_SUITE;
    if (!isMlsSuite(suite)) throw new RangeError(`"suite" must be 1 or 83`);
    const impl = await getCiphersuiteImpl(getCiphersuiteFromName(MLS_SUITE_NAMES[suite]));
    return new TsMlsEngine(impl, { ...options, suite });
  }

  async generateKeyPackage(member: MemberId): Promise<{ keyPackage: Uint8Array; secret: PrivateKeyPackage }> {
    const credential = { credentialType: "basic" as const, identity: utf8Encoder.encode(member) };
    const kp = await generateKeyPackage(
      credential,
      defaultCapabilities(),
      issueLifetime(this.now()),
      [],
      this.impl,
    );
    const keyPackage = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: kp.publicPackage,
    });
    return { keyPackage, secret: kp.privatePackage };
  }

  async validateKeyPackage(keyPackage: Uint8Array, member: MemberId): Promise<boolean> {
    try {
      const kp = decodeKeyPackage(keyPackage);
      if (kp.cipherSuite !== this.suiteName || kp.version !== "mls10") return false;
      const cred = kp.leafNode.credential;
      // Exactly the UTF-8 of the member id (member-id.ts), byte for byte.
      if (cred.credentialType !== "basic" || !bytesEqual(cred.identity, utf8Encoder.encode(member)))
        return false;
      if (kp.leafNode.leafNodeSource !== "key_package") return false;
      if (!isLifetimeSane(kp.leafNode.lifetime, this.now())) return false;
      return await verifyKeyPackage(kp, this.impl.signature);
    } catch {
      return false;
    }
  }

  async createGroup(
    groupId: Uint8Array,
    keyPackage: Uint8Array,
    secret: PrivateKeyPackage,
  ): Promise<ClientState> {
    const kp = decodeKeyPackage(keyPackage);
    if (kp.cipherSuite !== this.suiteName) throw new Error(`key package of suite ${kp.cipherSuite}`);
    return createGroup(groupId, kp, secret, [], this.impl);
  }

  async commit(
    group: ClientState,
    adds: Uint8Array[],
    removeLeaves: number[],
  ): Promise<CommitOutput<ClientState>> {
    // RFC 9420 §12.3: Removes are applied before Adds, so a member re-added after falling behind can be
    // removed and added in the same commit.
    const proposals: Proposal[] = [
      ...removeLeaves.map((removed): Proposal => ({ proposalType: "remove", remove: { removed } })),
      ...adds.map((b): Proposal => ({ proposalType: "add", add: { keyPackage: decodeKeyPackage(b) } })),
    ];
    const r = await createCommit(
      { state: group, cipherSuite: this.impl },
      { extraProposals: proposals, ratchetTreeExtension: true },
    );
    const welcome = r.welcome
      ? encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: r.welcome })
      : null;
    // `consumed` are old-epoch handshake secrets; they are wiped only when this commit is adopted, since the
    // old epoch must still process a competing commit if the sequencer rejects ours.
    return { commit: encodeMlsMessage(r.commit), welcome, group: r.newState };
  }

  async processCommit(group: ClientState, commit: Uint8Array): Promise<ClientState> {
    const m = decodeWhole(commit);
    if (m.wireformat === "mls_private_message") {
      const r = await processPrivateMessage(group, m.privateMessage, emptyPskIndex, this.impl);
      if (r.kind !== "newState") throw new Error("not a commit");
      r.consumed.forEach(zeroOutUint8Array);
      return r.newState;
    }
    if (m.wireformat === "mls_public_message") {
      const r = await processPublicMessage(group, m.publicMessage, emptyPskIndex, this.impl);
      r.consumed.forEach(zeroOutUint8Array);
      return r.newState;
    }
    throw new Error("not a handshake message");
  }

  async joinGroup(
    welcome: Uint8Array,
    keyPackage: Uint8Array,
    secret: PrivateKeyPackage,
  ): Promise<ClientState> {
    const m = decodeWhole(welcome);
    if (m.wireformat !== "mls_welcome") throw new Error("not a welcome");
    // The group must be of the suite this member was told (the invite link's), whatever else it says.
    if (m.welcome.cipherSuite !== this.suiteName)
      throw new Error(`suite mismatch: Welcome for ${m.welcome.cipherSuite}, expected ${this.suiteName}`);
    const kp = decodeKeyPackage(keyPackage);
    if (kp.cipherSuite !== this.suiteName) throw new Error(`key package of suite ${kp.cipherSuite}`);
    const group = await joinGroup(m.welcome, kp, secret, emptyPskIndex, this.impl);
    if (group.groupContext.cipherSuite !== this.suiteName) throw new Error("suite mismatch in GroupContext");
    return group;
  }

  async createApplicationMessage(
    group: ClientState,
    plaintext: Uint8Array,
  ): Promise<{ message: Uint8Array; group: ClientState }> {
    const r = await createApplicationMessage(group, plaintext, this.impl);
    r.consumed.forEach(zeroOutUint8Array);
    const message = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_private_message",
      privateMessage: r.privateMessage,
    });
    return { message, group: r.newState };
  }

  async processApplicationMessage(
    group: ClientState,
    message: Uint8Array,
  ): Promise<{ plaintext: Uint8Array; senderLeaf: number; sender: MemberId; group: ClientState }> {
    const m = decodeWhole(message);
    if (m.wireformat !== "mls_private_message" || m.privateMessage.contentType !== "application")
      throw new Error("not an application message");
    const pm = m.privateMessage;
    const ctx = group.groupContext;
    if (!bytesEqual(pm.groupId, ctx.groupId)) throw new Error("another group's message");
    // The sender's leaf is in the encrypted sender data (§6.3.2); ts-mls's processPrivateMessage verifies
    // the signature with that leaf's key but does not return it, so read it with the same secret first.
    const held =
      pm.epoch === ctx.epoch
        ? { senderDataSecret: group.keySchedule.senderDataSecret, ratchetTree: group.ratchetTree }
        : pm.epoch < ctx.epoch
          ? group.historicalReceiverData.get(pm.epoch)
          : undefined;
    if (held === undefined) throw new Error(`epoch ${pm.epoch} is not held (sent before we joined?)`);
    const senderData = await decryptSenderData(pm, held.senderDataSecret, this.impl);
    if (senderData === undefined) throw new Error("undecryptable sender data");
    const r = await processPrivateMessage(group, pm, emptyPskIndex, this.impl);
    r.consumed.forEach(zeroOutUint8Array);
    if (r.kind !== "applicationMessage") throw new Error("not an application message");
    const leaf = held.ratchetTree[senderData.leafIndex * 2];
    if (leaf?.nodeType !== "leaf" || leaf.leaf.credential.credentialType !== "basic")
      throw new Error("sender leaf without a basic credential");
    return {
      plaintext: r.message,
      senderLeaf: senderData.leafIndex,
      sender: utf8.decode(leaf.leaf.credential.identity),
      group: r.newState,
    };
  }

  groupId(group: ClientState): Uint8Array {
    return group.groupContext.groupId;
  }
  epoch(group: ClientState): bigint {
    return group.groupContext.epoch;
  }
  ownLeaf(group: ClientState): number {
    return group.privatePath.leafIndex;
  }
  roster(group: ClientState): Map<number, MemberId> {
    const out = new Map<number, MemberId>();
    // Leaves sit at even node indices (RFC 9420 §4.1.1 array representation).
    group.ratchetTree.forEach((node, i) => {
      if (node?.nodeType === "leaf" && node.leaf.credential.credentialType === "basic") {
        out.set(i / 2, utf8.decode(node.leaf.credential.identity));
      }
    });
    return out;
  }
  cipherSuite(group: ClientState): number {
    return ciphersuites[group.groupContext.cipherSuite];
  }
  epochAuthenticator(group: ClientState): Uint8Array {
    return group.keySchedule.epochAuthenticator;
  }
  exporter(group: ClientState, label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(group.keySchedule.exporterSecret, label, context, length, this.impl);
  }
}
