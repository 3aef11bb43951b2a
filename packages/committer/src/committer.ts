/**
 * The client side of the designated-committer algorithm (docs/architecture.md "Sealed calls", issue #5
 * "Rules"), as a deterministic state machine: server frames in, actions out, no timers or sockets.
 *
 * - The view of the room advances only by sequenced events, with the same reducer the server uses.
 * - The committer is the live member with the lowest leaf index in the current MLS roster; it sends one
 *   bundle per epoch with every pending Add and every Remove, and adopts its own commit only when the
 *   sequencer echoes it (a rejected or overtaken commit is dropped and the old epoch goes on).
 * - A Welcome counts only inside an accepted bundle that names our current announcement.
 * - A client that finds a gap in the event numbers, misses a commit across a reconnect, or cannot apply
 *   a commit throws its group state away and asks to be removed and re-added (`resync`).
 *
 * Calls must not overlap: await each `receive` before the next (the caller owns I/O ordering).
 */

import { bytesToHex as toHex } from "@noble/hashes/utils.js";
import { bytesEqual } from "@sealroom/hash-chain/bytes";
import { deriveEpochKeys, type EpochKeys } from "@sealroom/mls-frames/epoch-keys";
import { commitDigest, decodeServerMessage, encodeClientMessage } from "./codec.ts";
import { CommitterError, DecodeError } from "./errors.ts";
import type { MemberId } from "./member-id.ts";
import type { MlsEngine } from "./mls-engine.ts";
import { readApplicationFraming, readCommitFraming } from "./mls-framing.ts";
import type { ClientMessage, CommitBundle, RoomEvent } from "./protocol.ts";
import { applyEvent, isLive, pendingWork, type RoomView } from "./room-view.ts";
import { safetyNumber } from "./safety-number.ts";

/**
 * The public facts of an epoch, for the UI: what people compare (the safety number) and who is in it.
 * The keys for the media path travel separately as `EpochKeys` (@sealroom/mls-frames), which
 * `FrameCryptor.setEpoch` takes as is.
 */
export interface EpochInfo {
  groupId: Uint8Array;
  epoch: bigint;
  /** MLS cipher suite id (RFC 9420 §17.1): 1 by default, 83 for ts-mls's X-Wing suite. */
  mlsSuite: number;
  /** RFC 9420 §8.7. */
  epochAuthenticator: Uint8Array;
  /** `safetyNumber(epochAuthenticator)`: 30 digits in six groups of 5. */
  safetyNumber: string;
  ownLeaf: number;
  /** Leaf index -> member id, every member of the epoch. */
  roster: ReadonlyMap<number, MemberId>;
}

export type LeftGroupReason = "resync" | "removed" | "replaced" | "stopped";

/** Longest chat plaintext `sendChat` accepts (the room protocol caps the MLS message at 16 KiB). */
export const MAX_CHAT_BYTES = 4096;

/**
 * Why a sequenced chat message could not be read: we were not in the group (lobby, resyncing), it was
 * sent in an epoch we never held (before we joined) or does not verify, or the MLS sender is not the
 * member the room says sent it.
 */
export type ChatUnreadableReason = "not-in-group" | "undecryptable" | "forged-sender";

export type CommitterAction =
  | { type: "send"; message: ClientMessage; bytes: Uint8Array }
  /** `keys` goes to `FrameCryptor.setEpoch` (or the media worker) unchanged; `info` to the UI. */
  | { type: "new-epoch"; keys: EpochKeys; info: EpochInfo }
  | { type: "left-group"; reason: LeftGroupReason }
  /**
   * A chat message (MLS application message), in the room's order (`seq`). `own` for our own message
   * coming back from the room (then it is delivered; until then it is in flight). `epoch` is the epoch it
   * was sent in; `sender`/`senderLeaf` are authenticated by MLS (and equal the room's claim).
   */
  | {
      type: "chat";
      seq: bigint;
      sender: MemberId;
      senderLeaf: number;
      epoch: bigint;
      plaintext: Uint8Array;
      own: boolean;
    }
  | { type: "chat-unreadable"; seq: bigint; sender: MemberId; reason: ChatUnreadableReason }
  /** Media signalling from another member (opaque bytes, not sequenced). */
  | { type: "signal"; from: MemberId; payload: Uint8Array }
  | { type: "error"; code: string; detail: string };

interface State<G, K> {
  me: MemberId | null;
  view: RoomView | null;
  /** After a resync request: ignore events until the snapshot that answers it. */
  awaitingSnapshot: boolean;
  keyPackage: { bytes: Uint8Array; secret: K } | null;
  group: G | null;
  pending: { epoch: bigint; commit: Uint8Array; digest: Uint8Array; group: G } | null;
  /** Our chat messages sent and not yet echoed: hex SHA-256 of the MLS message -> plaintext. */
  ownChats: ReadonlyMap<string, { plaintext: Uint8Array; epoch: bigint; leaf: number }>;
  stopped: boolean;
  /** Connected but not announced yet (`CommitterOptions.lobby`): the key package waits for `announce()`. */
  lobby: boolean;
}

export interface CommitterOptions {
  /**
   * Start in the lobby: connected to the room (member id, snapshot, events) but not present. The key
   * package is generated as soon as the snapshot names us and is sent only by `announce()`, so the join
   * itself costs one frame. Default false: announce with the first snapshot.
   */
  lobby?: boolean;
}

export class Committer<G, K> {
  private readonly engine: MlsEngine<G, K>;
  private s: State<G, K>;
  private busy = false;

  constructor(engine: MlsEngine<G, K>, options: CommitterOptions = {}) {
    this.engine = engine;
    this.s = {
      me: null,
      view: null,
      awaitingSnapshot: false,
      keyPackage: null,
      group: null,
      pending: null,
      ownChats: new Map(),
      stopped: false,
      lobby: options.lobby ?? false,
    };
  }

  /** A copy sharing the immutable parts (views, group states); used by the model checker. */
  clone(engine: MlsEngine<G, K> = this.engine): Committer<G, K> {
    const c = new Committer(engine);
    c.s = { ...this.s };
    return c;
  }

  /** Read-only view of the internal state, for tests and debugging. */
  inspect(): Readonly<{
    me: MemberId | null;
    view: RoomView | null;
    awaitingSnapshot: boolean;
    keyPackage: Uint8Array | null;
    group: G | null;
    pending: { epoch: bigint; commit: Uint8Array } | null;
  }> {
    const s = this.s;
    return {
      me: s.me,
      view: s.view,
      awaitingSnapshot: s.awaitingSnapshot,
      keyPackage: s.keyPackage?.bytes ?? null,
      group: s.group,
      pending: s.pending ? { epoch: s.pending.epoch, commit: s.pending.commit } : null,
    };
  }

  get memberId(): MemberId | null {
    return this.s.me;
  }
  get view(): RoomView | null {
    return this.s.view;
  }
  get group(): G | null {
    return this.s.group;
  }
  get hasPendingCommit(): boolean {
    return this.s.pending !== null;
  }

  /** Still in the lobby: `announce()` has not been called (see `CommitterOptions.lobby`). */
  get inLobby(): boolean {
    return this.s.lobby;
  }

  /**
   * Leaves the lobby: sends the key package prepared when the snapshot named us (the room announces us and
   * the committer adds us). Before that snapshot it only records the wish: the snapshot then announces at
   * once. If events were missed while in the lobby the announcement is a `resync`, whose snapshot restores
   * the view. Nothing to do outside the lobby. Do not overlap with `receive`.
   */
  announce(): CommitterAction[] {
    if (this.busy) throw new CommitterError("reentrant", "await the pending receive() first");
    const out: CommitterAction[] = [];
    const s = this.s;
    if (!s.lobby || s.stopped) return out;
    this.s = { ...s, lobby: false };
    // The key package is made once the snapshot names us, so a key package implies a member id.
    if (s.keyPackage === null) return out;
    this.send(out, {
      type: s.awaitingSnapshot ? "resync" : "key-package",
      keyPackage: s.keyPackage.bytes,
    });
    return out;
  }

  /** In the group and at the epoch the room is at. */
  get inSync(): boolean {
    const { group, view } = this.s;
    if (!group || !view?.group || this.s.awaitingSnapshot) return false;
    return (
      this.engine.epoch(group) === view.group.epoch &&
      bytesEqual(this.engine.groupId(group), view.group.groupId)
    );
  }

  /** Whether this member is the designated committer of its current view. */
  get isCommitter(): boolean {
    const { group, view, me } = this.s;
    if (!this.inSync || !group || !view || !me || !isLive(view, me)) return false;
    let lowest = Number.POSITIVE_INFINITY;
    for (const [leaf, m] of this.engine.roster(group)) {
      if (leaf < lowest && isLive(view, m)) lowest = leaf;
    }
    return lowest === this.engine.ownLeaf(group);
  }

  /** Local leave: forget keys. The caller closes the connection (the room then announces the leave). */
  stop(): CommitterAction[] {
    const out: CommitterAction[] = [];
    if (this.s.group) out.push({ type: "left-group", reason: "stopped" });
    this.s = { ...this.s, group: null, pending: null, keyPackage: null, stopped: true };
    return out;
  }

  /**
   * Encrypt a chat message as an MLS application message (RFC 9420 §6.3) for the current epoch and return
   * the frame to send. It is delivered back as a `chat` action (`own: true`) when the room sequences it;
   * a frame lost in a reconnect is never echoed. Throws `CommitterError` (`not-in-group`) unless in sync,
   * `RangeError` for more than `MAX_CHAT_BYTES`. Do not overlap with `receive`.
   */
  async sendChat(plaintext: Uint8Array): Promise<CommitterAction[]> {
    if (!(plaintext instanceof Uint8Array) || plaintext.length > MAX_CHAT_BYTES)
      throw new RangeError(`"plaintext" must be a Uint8Array of at most ${MAX_CHAT_BYTES} bytes`);
    if (this.busy) throw new CommitterError("reentrant", "await the previous call first");
    const { group, stopped } = this.s;
    if (stopped || !group || !this.inSync)
      throw new CommitterError("not-in-group", "not in sync with the room");
    this.busy = true;
    try {
      const r = await this.engine.createApplicationMessage(group, plaintext);
      const ownChats = new Map(this.s.ownChats);
      ownChats.set(toHex(commitDigest(r.message)), {
        plaintext,
        epoch: this.engine.epoch(group),
        leaf: this.engine.ownLeaf(group),
      });
      // A commit of ours in flight was made from the older state; its new epoch does not depend on it.
      this.s = { ...this.s, group: r.group, ownChats };
      const out: CommitterAction[] = [];
      this.send(out, { type: "application", message: r.message });
      return out;
    } finally {
      this.busy = false;
    }
  }

  /** The frame that relays media-signalling bytes to member `to` (peer mesh SDP/ICE; opaque to the room). */
  signal(to: MemberId, payload: Uint8Array): CommitterAction[] {
    const out: CommitterAction[] = [];
    this.send(out, { type: "signal", to, payload });
    return out;
  }

  /** One frame from the room server. */
  async receive(bytes: Uint8Array): Promise<CommitterAction[]> {
    if (this.busy) throw new CommitterError("reentrant", "await the previous receive() first");
    this.busy = true;
    const out: CommitterAction[] = [];
    try {
      if (this.s.stopped) return out;
      let msg: ReturnType<typeof decodeServerMessage>;
      try {
        msg = decodeServerMessage(bytes);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        out.push({ type: "error", code: "bad-frame", detail: e.message });
        if (this.s.me) await this.resync(out);
        return out;
      }
      switch (msg.type) {
        case "snapshot":
          await this.onSnapshot(msg.you, msg.view, out);
          break;
        case "event":
          await this.onEvent(msg.seq, msg.event, out);
          break;
        case "commit-rejected": {
          // Events sequenced before the rejection already reached us; retry from the current view. Only
          // the bundle named is dropped: a late rejection of an older bundle (one that lost the race for
          // its epoch) must not clear the newer commit we sent since, or we would send a duplicate.
          const p = this.s.pending;
          if (p && p.epoch === msg.epoch && bytesEqual(p.digest, msg.digest))
            this.s = { ...this.s, pending: null };
          break;
        }
        case "signal":
          out.push({ type: "signal", from: msg.from, payload: msg.payload });
          break;
      }
      await this.maybeCommit(out);
      return out;
    } finally {
      this.busy = false;
    }
  }

  // --- internals ---------------------------------------------------------------------------------

  private send(out: CommitterAction[], message: ClientMessage): void {
    out.push({ type: "send", message, bytes: encodeClientMessage(message) });
  }

  private dropGroup(out: CommitterAction[], reason: LeftGroupReason): void {
    if (this.s.group) out.push({ type: "left-group", reason });
    this.s = { ...this.s, group: null, pending: null };
  }

  private async freshKeyPackage(): Promise<Uint8Array> {
    const kp = await this.engine.generateKeyPackage(this.s.me!);
    this.s = { ...this.s, keyPackage: { bytes: kp.keyPackage, secret: kp.secret } };
    return kp.keyPackage;
  }

  /** Ask to be removed and re-added with a fresh key package; the answer is a snapshot. */
  private async resync(out: CommitterAction[]): Promise<void> {
    if (this.s.lobby) {
      // Not present, so nothing to be removed from: stop following events; `announce()` sends the resync
      // (announcement + snapshot) with the key package already made.
      this.s = { ...this.s, awaitingSnapshot: true };
      return;
    }
    this.dropGroup(out, "resync");
    const keyPackage = await this.freshKeyPackage();
    this.s = { ...this.s, awaitingSnapshot: true };
    this.send(out, { type: "resync", keyPackage });
  }

  /** The `new-epoch` action for `group`: the SFrame keys (one export, RFC 9605 §5.2) and the epoch's facts. */
  private async newEpoch(group: G): Promise<CommitterAction> {
    const engine = this.engine;
    const roster = engine.roster(group);
    const epochAuthenticator = engine.epochAuthenticator(group);
    const info: EpochInfo = {
      groupId: engine.groupId(group),
      epoch: engine.epoch(group),
      mlsSuite: engine.cipherSuite(group),
      epochAuthenticator,
      safetyNumber: safetyNumber(epochAuthenticator),
      ownLeaf: engine.ownLeaf(group),
      roster,
    };
    const keys = await deriveEpochKeys({
      epoch: info.epoch,
      mlsSuite: info.mlsSuite,
      ownLeaf: info.ownLeaf,
      leaves: [...roster.keys()],
      exporter: (label, context, length) => engine.exporter(group, label, context, length),
    });
    return { type: "new-epoch", keys, info };
  }

  private async onSnapshot(you: MemberId, view: RoomView, out: CommitterAction[]): Promise<void> {
    const s = this.s;
    if (s.me === null) {
      this.s = { ...s, me: you, view };
      const keyPackage = await this.freshKeyPackage();
      if (!this.s.lobby) this.send(out, { type: "key-package", keyPackage });
      return;
    }
    if (you !== s.me) {
      out.push({ type: "error", code: "wrong-member", detail: `snapshot for ${you}, we are ${s.me}` });
      return;
    }
    // The answer to our resync, or a reconnect: frames in flight died with the old connection (an
    // unanswered commit of ours, or even the resync request itself), so nothing is pending any more.
    this.s = { ...s, awaitingSnapshot: false, pending: null, ownChats: new Map() };
    if (s.group) {
      const g = view.group;
      const same =
        g !== null &&
        bytesEqual(g.groupId, this.engine.groupId(s.group)) &&
        g.epoch === this.engine.epoch(s.group) &&
        isLive(view, s.me);
      // Only joins and leaves were missed: the snapshot restores them. A missed commit means resync.
      if (same) this.s = { ...this.s, view };
      else await this.resync(out);
      return;
    }
    this.s = { ...this.s, view };
    if (isLive(view, s.me)) {
      await this.createIfChosen(view, s.me, out);
      return;
    }
    // Make sure the room holds our current announcement (it may have been lost in flight).
    const mine = view.present.get(s.me);
    const kp = this.s.keyPackage;
    if (!mine || !kp || !bytesEqual(mine.keyPackage, kp.bytes)) {
      this.send(out, { type: "key-package", keyPackage: kp?.bytes ?? (await this.freshKeyPackage()) });
    }
  }

  /**
   * The snapshot says we are live in the group but we hold no group state. If the group is the one the
   * room chose us to create (epoch 0, roster = us, our current key package), creating it is local and
   * needs no message, so we do it now. Otherwise we were added while away and missed the Welcome: resync.
   * Called by `onSnapshot` with no group state held and `me` live in `view`.
   */
  private async createIfChosen(view: RoomView, me: MemberId, out: CommitterAction[]): Promise<void> {
    const kp = this.s.keyPackage;
    const g = view.group!; // `me` is live in `view` (the caller checked), so it has a group
    const mine = view.present.get(me);
    if (g.epoch === 0n && g.roster.size === 1 && kp && mine && bytesEqual(mine.keyPackage, kp.bytes)) {
      const created = await this.engine.createGroup(g.groupId, kp.bytes, kp.secret);
      this.s = { ...this.s, group: created, keyPackage: null };
      out.push(await this.newEpoch(created));
      return;
    }
    await this.resync(out);
  }

  private async onEvent(seq: bigint, event: RoomEvent, out: CommitterAction[]): Promise<void> {
    const s = this.s;
    if (s.me === null || s.awaitingSnapshot || !s.view) return;
    if (seq < s.view.nextSeq) return; // already in our snapshot
    if (seq > s.view.nextSeq) {
      await this.resync(out); // a gap: we missed events
      return;
    }
    switch (event.type) {
      case "committed":
        await this.onCommitted(seq, event.sender, event.bundle, out);
        return;
      case "group-started": {
        this.dropGroup(out, "replaced");
        const view = applyEvent(this.s.view!, seq, event);
        this.s = { ...this.s, view };
        const kp = this.s.keyPackage;
        const mine = view.present.get(s.me);
        if (event.creator === s.me && kp && mine && bytesEqual(mine.keyPackage, kp.bytes)) {
          const group = await this.engine.createGroup(event.groupId, kp.bytes, kp.secret);
          this.s = { ...this.s, group, keyPackage: null };
          out.push(await this.newEpoch(group));
        }
        return;
      }
      case "left":
        this.s = { ...s, view: applyEvent(s.view, seq, event) };
        if (event.member === s.me) await this.resync(out); // the room thinks we left; come back
        return;
      case "announced":
        this.s = { ...s, view: applyEvent(s.view, seq, event) };
        return;
      case "application":
        this.s = { ...s, view: applyEvent(s.view, seq, event) };
        await this.onChat(seq, event.sender, event.message, out);
        return;
    }
  }

  private async onChat(seq: bigint, sender: MemberId, message: Uint8Array, out: CommitterAction[]) {
    const s = this.s;
    if (sender === s.me) {
      const key = toHex(commitDigest(message));
      const mine = s.ownChats.get(key);
      if (!mine) return; // sent before a reconnect or a resync: we no longer hold its plaintext
      const ownChats = new Map(s.ownChats);
      ownChats.delete(key);
      this.s = { ...s, ownChats };
      out.push({
        type: "chat",
        seq,
        sender,
        senderLeaf: mine.leaf,
        epoch: mine.epoch,
        plaintext: mine.plaintext,
        own: true,
      });
      return;
    }
    if (!s.group) {
      out.push({ type: "chat-unreadable", seq, sender, reason: "not-in-group" });
      return;
    }
    let r: Awaited<ReturnType<MlsEngine<G, K>["processApplicationMessage"]>>;
    try {
      r = await this.engine.processApplicationMessage(s.group, message);
    } catch {
      out.push({ type: "chat-unreadable", seq, sender, reason: "undecryptable" });
      return;
    }
    // The room names the sender; MLS proves who signed. A server (or member) claiming otherwise is caught.
    if (r.sender !== sender) {
      out.push({ type: "chat-unreadable", seq, sender, reason: "forged-sender" });
      return;
    }
    this.s = { ...this.s, group: r.group };
    out.push({
      type: "chat",
      seq,
      sender,
      senderLeaf: r.senderLeaf,
      epoch: readApplicationFraming(message).epoch,
      plaintext: r.plaintext,
      own: false,
    });
  }

  private async onCommitted(seq: bigint, sender: MemberId, bundle: CommitBundle, out: CommitterAction[]) {
    const s = this.s;
    const me = s.me!;
    const before = s.view!;
    const framing = readCommitFraming(bundle.commit);
    let next: G | null = null;
    if (s.group) {
      const atEpoch =
        this.engine.epoch(s.group) === framing.epoch &&
        bytesEqual(this.engine.groupId(s.group), framing.groupId);
      if (!atEpoch) {
        await this.resync(out);
        return;
      }
      if (bundle.removes.includes(me)) {
        // Removed while we still think we are in: re-announce to be added again.
        this.dropGroup(out, "removed");
        this.s = { ...this.s, view: applyEvent(before, seq, { type: "committed", sender, bundle }) };
        await this.resync(out);
        return;
      }
      const p = s.pending;
      if (p && p.epoch === framing.epoch && sender === me && bytesEqual(p.commit, bundle.commit)) {
        next = p.group; // our own commit, echoed: adopt it now and only now
      } else {
        try {
          next = await this.engine.processCommit(s.group, bundle.commit);
        } catch (e) {
          out.push({ type: "error", code: "commit-failed", detail: String(e) });
          await this.resync(out);
          return;
        }
      }
    } else {
      const mine = before.present.get(me);
      const kp = s.keyPackage;
      const forUs = bundle.adds.some((a) => a.member === me && a.announceSeq === mine?.announceSeq);
      if (forUs && bundle.welcome && kp && mine && bytesEqual(mine.keyPackage, kp.bytes)) {
        try {
          next = await this.engine.joinGroup(bundle.welcome, kp.bytes, kp.secret);
        } catch (e) {
          out.push({ type: "error", code: "welcome-failed", detail: String(e) });
          this.s = { ...this.s, view: applyEvent(before, seq, { type: "committed", sender, bundle }) };
          await this.resync(out);
          return;
        }
      }
    }
    const view = applyEvent(before, seq, { type: "committed", sender, bundle });
    this.s = { ...this.s, view, pending: null };
    if (next === null) return;
    if (!this.consistent(next, view)) {
      out.push({
        type: "error",
        code: "roster-mismatch",
        detail: "commit does not match its declared roster",
      });
      await this.resync(out);
      return;
    }
    this.s = { ...this.s, group: next, keyPackage: s.group ? s.keyPackage : null };
    out.push(await this.newEpoch(next));
  }

  /** The MLS state agrees with the room: same group, epoch, and member set, and our leaf is ours. */
  private consistent(group: G, view: RoomView): boolean {
    const g = view.group;
    if (!g || !bytesEqual(this.engine.groupId(group), g.groupId) || this.engine.epoch(group) !== g.epoch)
      return false;
    const roster = this.engine.roster(group);
    if (roster.size !== g.roster.size) return false;
    for (const m of roster.values()) if (!g.roster.has(m)) return false;
    return roster.get(this.engine.ownLeaf(group)) === this.s.me;
  }

  private async maybeCommit(out: CommitterAction[]): Promise<void> {
    const { group, view, pending } = this.s;
    if (!group || pending || !view?.group || !this.isCommitter) return;
    const work = pendingWork(view);
    const leafOf = new Map<MemberId, number>();
    for (const [leaf, m] of this.engine.roster(group)) leafOf.set(m, leaf);
    const adds: { member: MemberId; announceSeq: bigint; keyPackage: Uint8Array }[] = [];
    for (const a of work.adds) {
      const keyPackage = view.present.get(a.member)!.keyPackage;
      // A package that fails validation is never added (every honest committer skips it alike).
      if (await this.engine.validateKeyPackage(keyPackage, a.member)) adds.push({ ...a, keyPackage });
    }
    const removes = work.removes.filter((m) => leafOf.has(m));
    if (adds.length === 0 && removes.length === 0) return;
    const r = await this.engine.commit(
      group,
      adds.map((a) => a.keyPackage),
      removes.map((m) => leafOf.get(m)!),
    );
    const bundle: CommitBundle = {
      commit: r.commit,
      welcome: adds.length > 0 ? r.welcome : null,
      adds: adds.map((a) => ({ member: a.member, announceSeq: a.announceSeq })),
      removes,
    };
    this.s = {
      ...this.s,
      pending: { epoch: view.group.epoch, commit: r.commit, digest: commitDigest(r.commit), group: r.group },
    };
    this.send(out, { type: "commit-bundle", bundle });
  }
}
