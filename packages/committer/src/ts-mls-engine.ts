/**
 * `MlsEngine` over ts-mls with cipher suite 1, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (DESIGN.md
 * "Sealed calls"). Commits go out as PrivateMessage (RFC 9420 §6.3) so the server sees only the clear
 * header; Welcomes carry the ratchet tree in the `ratchet_tree` extension (§12.4.3.3) because the room
 * server holds no tree to hand a joiner.
 */
import {
  type CiphersuiteImpl,
  type ClientState,
  ciphersuites,
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
import { isLifetimeSane, issueLifetime } from "./key-package-policy.ts";
import type { MemberId } from "./member-id.ts";
import type { CommitOutput, MlsEngine } from "./mls-engine.ts";

export const SUITE_NAME = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519" as const;

export interface TsMlsEngineOptions {
  /** Seconds since the Unix epoch; the caller's clock (default `Date.now()`). */
  now?: () => bigint;
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

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export class TsMlsEngine implements MlsEngine<ClientState, PrivateKeyPackage> {
  readonly impl: CiphersuiteImpl;
  private readonly now: () => bigint;

  constructor(impl: CiphersuiteImpl, options: TsMlsEngineOptions = {}) {
    this.impl = impl;
    this.now = options.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
  }

  static async create(options: TsMlsEngineOptions = {}): Promise<TsMlsEngine> {
    return new TsMlsEngine(await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME)), options);
  }

  async generateKeyPackage(member: MemberId): Promise<{ keyPackage: Uint8Array; secret: PrivateKeyPackage }> {
    const credential = { credentialType: "basic" as const, identity: new TextEncoder().encode(member) };
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
      if (kp.cipherSuite !== SUITE_NAME || kp.version !== "mls10") return false;
      const cred = kp.leafNode.credential;
      if (cred.credentialType !== "basic" || utf8.decode(cred.identity) !== member) return false;
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
    return createGroup(groupId, decodeKeyPackage(keyPackage), secret, [], this.impl);
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
    return joinGroup(m.welcome, decodeKeyPackage(keyPackage), secret, emptyPskIndex, this.impl);
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
