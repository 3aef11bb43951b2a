/**
 * Room ids are the room's only access control (whoever has the invite link can join), so they must be
 * unguessable: at least 128 bits of randomness. The form is base64url without padding (RFC 4648 §5):
 * 22 characters carry 132 bits. The alphabet is a subset of the committer's member-id alphabet, which
 * the sequencer requires for the room id it puts into group ids.
 */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** Bytes of randomness in a freshly minted room id. */
export const ROOM_ID_BYTES = 16;

export function isRoomId(id: string): boolean {
  return ROOM_ID_PATTERN.test(id);
}

/** A new random room id (16 random bytes, base64url). */
export function mintRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ROOM_ID_BYTES));
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
