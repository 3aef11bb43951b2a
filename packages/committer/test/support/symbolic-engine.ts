/**
 * MLS abstracted for the model checker: epochs are counters and secrets are a hash chain over the commits
 * applied, so two members hold equal secrets exactly when they applied the same commits. Messages carry the
 * real MLS clear headers (RFC 9420 §6) so the sequencer reads them as it reads ts-mls output; the bodies
 * are JSON. Leaf placement follows RFC 9420 §12.1.1 (leftmost blank leaf, else extend).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import type { CommitOutput, MlsEngine } from "../../src/mls-engine.ts";
import { readApplicationFraming, readCommitFraming } from "../../src/mls-framing.ts";

export interface SymLeaf {
  m: string;
  kp: string;
}
export interface SymGroup {
  groupId: Uint8Array;
  epoch: bigint;
  leaves: (SymLeaf | null)[];
  own: number;
  secret: string;
}
export type SymSecret = string;

const enc = new TextEncoder();
const dec = new TextDecoder();

function header(wireFormat: number): number[] {
  return [0, 1, 0, wireFormat];
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function chain(secret: string, data: Uint8Array): string {
  return toHex(sha256(concat(enc.encode(secret), data))).slice(0, 32);
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}

function kpString(bytes: Uint8Array): string {
  if (bytes.length < 5 || bytes[3] !== 5) throw new Error("not a symbolic key package");
  return dec.decode(bytes.subarray(4));
}

export class SymbolicEngine implements MlsEngine<SymGroup, SymSecret> {
  /** Key packages generated so far by this client (makes each one distinct, deterministically). */
  count = 0;

  clone(): SymbolicEngine {
    const e = new SymbolicEngine();
    e.count = this.count;
    return e;
  }

  async generateKeyPackage(member: string) {
    const s = `kp|${member}|${this.count++}`;
    return { keyPackage: concat(header(5), enc.encode(s)), secret: s };
  }
  async validateKeyPackage(keyPackage: Uint8Array, member: string) {
    try {
      return kpString(keyPackage).split("|")[1] === member;
    } catch {
      return false;
    }
  }
  async createGroup(groupId: Uint8Array, keyPackage: Uint8Array, secret: SymSecret): Promise<SymGroup> {
    const kp = kpString(keyPackage);
    if (kp !== secret) throw new Error("key package secret mismatch");
    const m = kp.split("|")[1]!;
    return { groupId, epoch: 0n, leaves: [{ m, kp }], own: 0, secret: chain(toHex(groupId), enc.encode(kp)) };
  }
  private apply(g: SymGroup, body: { r: number[]; a: string[] }, commit: Uint8Array): SymGroup {
    const leaves = [...g.leaves];
    for (const r of body.r) {
      if (!leaves[r]) throw new Error(`remove of blank leaf ${r}`);
      leaves[r] = null;
    }
    for (const kp of body.a) {
      const leaf = { m: kp.split("|")[1]!, kp };
      const blank = leaves.indexOf(null);
      if (blank >= 0) leaves[blank] = leaf;
      else leaves.push(leaf);
    }
    while (leaves.length > 0 && leaves[leaves.length - 1] === null) leaves.pop();
    return { groupId: g.groupId, epoch: g.epoch + 1n, leaves, own: g.own, secret: chain(g.secret, commit) };
  }
  async commit(group: SymGroup, adds: Uint8Array[], removeLeaves: number[]): Promise<CommitOutput<SymGroup>> {
    const body = { r: removeLeaves, a: adds.map(kpString), s: group.own, e: String(group.epoch) };
    const commit = concat(
      header(2),
      [group.groupId.length],
      group.groupId,
      u64(group.epoch),
      [3],
      enc.encode(JSON.stringify(body)),
    );
    const next = this.apply(group, body, commit);
    const welcome =
      adds.length > 0
        ? concat(
            header(3),
            enc.encode(
              JSON.stringify({
                g: toHex(group.groupId),
                e: String(next.epoch),
                l: next.leaves,
                s: next.secret,
              }),
            ),
          )
        : null;
    return { commit, welcome, group: next };
  }
  async processCommit(group: SymGroup, commit: Uint8Array): Promise<SymGroup> {
    const f = readCommitFraming(commit);
    if (f.epoch !== group.epoch || toHex(f.groupId) !== toHex(group.groupId)) throw new Error("wrong epoch");
    const body = JSON.parse(dec.decode(commit.subarray(4 + 1 + group.groupId.length + 8 + 1)));
    if (body.s === group.own) throw new Error("cannot process own commit");
    if (!group.leaves[body.s]) throw new Error("commit from blank leaf");
    return this.apply(group, body, commit);
  }
  async joinGroup(welcome: Uint8Array, keyPackage: Uint8Array, secret: SymSecret): Promise<SymGroup> {
    const kp = kpString(keyPackage);
    if (kp !== secret) throw new Error("key package secret mismatch");
    const w = JSON.parse(dec.decode(welcome.subarray(4)));
    const own = (w.l as (SymLeaf | null)[]).findIndex((l) => l?.kp === kp);
    if (own < 0) throw new Error("welcome not for us");
    const groupId = Uint8Array.from((w.g as string).match(/../g)!.map((h) => Number.parseInt(h, 16)));
    return { groupId, epoch: BigInt(w.e), leaves: w.l, own, secret: w.s };
  }
  /** Current epoch only: `{s: sender leaf, k: epoch secret, p: hex plaintext}`, "encrypted" by the secret. */
  async createApplicationMessage(group: SymGroup, plaintext: Uint8Array) {
    const body = { s: group.own, k: group.secret, p: toHex(plaintext) };
    const message = concat(
      header(2),
      [group.groupId.length],
      group.groupId,
      u64(group.epoch),
      [1],
      enc.encode(JSON.stringify(body)),
    );
    return { message, group };
  }
  async processApplicationMessage(group: SymGroup, message: Uint8Array) {
    const f = readApplicationFraming(message);
    if (f.epoch !== group.epoch || toHex(f.groupId) !== toHex(group.groupId)) throw new Error("wrong epoch");
    const body = JSON.parse(dec.decode(message.subarray(4 + 1 + group.groupId.length + 8 + 1)));
    if (body.k !== group.secret || !group.leaves[body.s]) throw new Error("does not verify");
    const plaintext = Uint8Array.from((body.p as string).match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    return { plaintext, senderLeaf: body.s as number, sender: group.leaves[body.s]!.m, group };
  }
  groupId(g: SymGroup) {
    return g.groupId;
  }
  epoch(g: SymGroup) {
    return g.epoch;
  }
  ownLeaf(g: SymGroup) {
    return g.own;
  }
  roster(g: SymGroup) {
    const out = new Map<number, string>();
    g.leaves.forEach((l, i) => {
      if (l) out.set(i, l.m);
    });
    return out;
  }
  cipherSuite(_g: SymGroup) {
    return 1;
  }
  epochAuthenticator(g: SymGroup) {
    return enc.encode(g.secret);
  }
  async exporter(g: SymGroup, label: string, context: Uint8Array, length: number) {
    return sha256(concat(enc.encode(`${g.secret}|${label}|`), context)).slice(0, length);
  }
}
