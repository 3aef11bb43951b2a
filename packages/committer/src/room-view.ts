/**
 * The room's public state and the one reducer that advances it (docs/architecture.md "Sealed calls").
 * The sequencer applies each event it numbers with `applyEvent`, and every client applies the same events
 * in the same order with the same function, so all views that have seen event n are equal: this is what
 * makes "the committer" a function of the view. The view holds no keys, only who announced which key
 * package, who is in the group roster (and with which announcement), and the group's current epoch.
 */

import type { MemberId } from "./member-id.ts";
import type { CommitBundle, RoomEvent } from "./protocol.ts";

/** A member who announced a key package and has not left. */
export interface PresentMember {
  /** Sequence number of the event that carried `keyPackage` (a re-announcement replaces it). */
  announceSeq: bigint;
  keyPackage: Uint8Array;
}

export interface GroupView {
  groupId: Uint8Array;
  /** The epoch the next accepted commit must be sent from (MLS `GroupContext.epoch`). */
  epoch: bigint;
  /** Member -> the announcement (sequence number) whose key package put it in the group. */
  roster: ReadonlyMap<MemberId, bigint>;
}

export interface RoomView {
  nextSeq: bigint;
  /** Groups started so far in this room; the next group id derives from it. */
  generation: bigint;
  group: GroupView | null;
  present: ReadonlyMap<MemberId, PresentMember>;
}

export const emptyRoomView: RoomView = { nextSeq: 0n, generation: 0n, group: null, present: new Map() };

/**
 * A roster member is live when it is still present and its current announcement is the one it was added
 * with. A member that re-announced (fell behind and asked to be re-added) is not live: it threw its group
 * state away and must be removed and added again.
 */
export function isLive(view: RoomView, member: MemberId): boolean {
  const added = view.group?.roster.get(member);
  return added !== undefined && view.present.get(member)?.announceSeq === added;
}

export function liveMembers(view: RoomView): MemberId[] {
  if (!view.group) return [];
  return [...view.group.roster.keys()].filter((m) => isLive(view, m));
}

/** Work the committer owes: present members to add (with their announcement) and roster members to remove. */
export function pendingWork(view: RoomView): {
  adds: { member: MemberId; announceSeq: bigint }[];
  removes: MemberId[];
} {
  const adds: { member: MemberId; announceSeq: bigint }[] = [];
  const removes: MemberId[] = [];
  if (!view.group) return { adds, removes };
  for (const [m, p] of view.present) {
    if (!isLive(view, m)) adds.push({ member: m, announceSeq: p.announceSeq });
  }
  for (const m of view.group.roster.keys()) {
    if (!isLive(view, m)) removes.push(m);
  }
  adds.sort((a, b) => (a.member < b.member ? -1 : 1));
  removes.sort();
  return { adds, removes };
}

function applyBundle(group: GroupView, bundle: CommitBundle): GroupView {
  const roster = new Map(group.roster);
  for (const m of bundle.removes) roster.delete(m);
  for (const a of bundle.adds) roster.set(a.member, a.announceSeq);
  return { groupId: group.groupId, epoch: group.epoch + 1n, roster };
}

/** Apply event number `seq` (must equal `view.nextSeq`); returns a new view, never mutates. */
export function applyEvent(view: RoomView, seq: bigint, event: RoomEvent): RoomView {
  if (seq !== view.nextSeq) throw new RangeError(`"seq" ${seq} is not the next event ${view.nextSeq}`);
  const nextSeq = seq + 1n;
  switch (event.type) {
    case "announced": {
      const present = new Map(view.present);
      present.set(event.member, { announceSeq: seq, keyPackage: event.keyPackage });
      return { ...view, nextSeq, present };
    }
    case "left": {
      const present = new Map(view.present);
      present.delete(event.member);
      // An empty room forgets its group: nobody holds its keys any more.
      return { ...view, nextSeq, present, group: present.size === 0 ? null : view.group };
    }
    case "group-started": {
      const creator = view.present.get(event.creator);
      const roster = new Map<MemberId, bigint>();
      if (creator) roster.set(event.creator, creator.announceSeq);
      return {
        ...view,
        nextSeq,
        generation: view.generation + 1n,
        group: { groupId: event.groupId, epoch: 0n, roster },
      };
    }
    case "committed": {
      if (!view.group) return { ...view, nextSeq };
      return { ...view, nextSeq, group: applyBundle(view.group, event.bundle) };
    }
    case "application":
      return { ...view, nextSeq };
  }
}
