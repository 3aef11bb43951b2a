/**
 * Which remote tracks the SFU data plane pulls: a pure table from the other members' `tracks`
 * announcements (end-to-end encrypted application messages, `app-message.ts`) and the room's presence to
 * the pulls to open, re-point and close. `sfu.ts` applies the changes with partytracks; keeping the
 * decisions here lets them be tested without a browser.
 *
 * Rules: a member's announcement replaces its previous one (a slot that is missing was stopped: close
 * its pull; a slot whose session or track name changed, as after the sender's SFU connection was
 * rebuilt, is re-pointed); only members currently present are pulled (an announcement from a member
 * that already left, read late, opens nothing); a member that leaves has every pull closed; a reset (our
 * own socket was replaced) closes everything.
 */
import type { TrackRef, TrackSlot } from "./app-message.ts";

export type PullChange =
  | { op: "open"; member: string; track: TrackRef }
  /** Same slot, new place on the SFU (or a new stream id): pull the new one, close the old. */
  | { op: "switch"; member: string; track: TrackRef; previous: TrackRef }
  | { op: "close"; member: string; track: TrackRef };

const same = (a: TrackRef, b: TrackRef) =>
  a.session === b.session && a.name === b.name && a.stream === b.stream;

export class PullBook {
  /** Open pulls: member -> slot -> what is pulled. */
  private readonly pulls = new Map<string, Map<TrackSlot, TrackRef>>();
  /** Last announcement per member, kept while the member is not (yet) present. */
  private readonly announced = new Map<string, TrackRef[]>();
  private present = new Set<string>();

  /** A member's announcement (its complete current set). */
  announce(member: string, tracks: TrackRef[]): PullChange[] {
    this.announced.set(member, tracks);
    return this.present.has(member) ? this.apply(member, tracks) : [];
  }

  /**
   * The room's present members (without ourselves). Members that left have their pulls closed and
   * their announcements forgotten; members present get what they announced, if anything.
   */
  setPresent(members: Iterable<string>): PullChange[] {
    const next = new Set(members);
    const out: PullChange[] = [];
    for (const m of this.present) if (!next.has(m)) out.push(...this.apply(m, []));
    // An announcement is held for a member not present only until the next view without it (a late
    // message of a member that left must not open pulls if it ever came back under the same id).
    for (const m of [...this.announced.keys()]) if (!next.has(m)) this.announced.delete(m);
    this.present = next;
    for (const m of next) {
      const tracks = this.announced.get(m);
      if (tracks) out.push(...this.apply(m, tracks));
    }
    return out;
  }

  /** Closes every pull and forgets every announcement (our socket was replaced: a new identity). */
  reset(): PullChange[] {
    const out: PullChange[] = [];
    for (const m of [...this.pulls.keys()]) out.push(...this.apply(m, []));
    this.announced.clear();
    this.present = new Set();
    return out;
  }

  /** What is pulled now (diagnostics and tests). */
  open(): { member: string; track: TrackRef }[] {
    return [...this.pulls].flatMap(([member, slots]) =>
      [...slots.values()].map((track) => ({ member, track })),
    );
  }

  private apply(member: string, tracks: TrackRef[]): PullChange[] {
    const current = this.pulls.get(member) ?? new Map<TrackSlot, TrackRef>();
    const out: PullChange[] = [];
    const wanted = new Map(tracks.map((t) => [t.slot, t]));
    for (const [slot, track] of current) {
      if (wanted.has(slot)) continue;
      current.delete(slot);
      out.push({ op: "close", member, track });
    }
    for (const [slot, track] of wanted) {
      const previous = current.get(slot);
      if (previous && same(previous, track)) continue;
      current.set(slot, track);
      out.push(previous ? { op: "switch", member, track, previous } : { op: "open", member, track });
    }
    if (current.size > 0) this.pulls.set(member, current);
    else this.pulls.delete(member);
    return out;
  }
}
