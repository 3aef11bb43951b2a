/**
 * Room names appear in URLs and key a Durable Object: a bounded, URL-safe alphabet keeps them
 * unambiguous (no case folding, no percent-encoding games) and stops a client from minting
 * unbounded object ids with arbitrary bytes.
 */
export const ROOM_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name);
}
