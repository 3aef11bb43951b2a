/**
 * Invite links: `/r/<room id>` with `?suite=83` for the post-quantum X-Wing MLS suite (default 1).
 * The room id is the secret that admits people (≥ 128 bits); the suite travels with it so that every
 * member can check that the group it joins uses the suite the inviter chose.
 */
export const ROOM_ID = /^[A-Za-z0-9_-]{22,64}$/;
export const SUITES = [1, 83] as const;

export type Invite = { room: string; suite: number } | { error: string } | null;

export function parseInvite(loc: { pathname: string; search: string }): Invite {
  const m = /^\/r\/([^/]+)\/?$/.exec(loc.pathname);
  if (!m) return null;
  const room = m[1]!;
  if (!ROOM_ID.test(room)) return { error: "This invite link is malformed (bad room id)." };
  const s = new URLSearchParams(loc.search).get("suite") ?? "1";
  const suite = Number(s);
  if (!(SUITES as readonly number[]).includes(suite))
    return { error: `Unknown MLS suite ${s} in the invite link.` };
  return { room, suite };
}
