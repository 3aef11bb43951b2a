/**
 * What members say to each other inside the MLS group: every chat line, every change of a member's
 * presence (display name, muted, camera, raised hand, which of its streams is a screen share) and, on the
 * SFU data plane, where its tracks are on the SFU, travels as one MLS application message (RFC 9420 §6.3,
 * `Committer.sendChat`), so the room relays ciphertext only and never learns names, who is muted, or which
 * SFU session and tracks belong to which member.
 *
 * Payload: UTF-8 JSON, at most `MAX_CHAT_BYTES` (4096) bytes, one object with `v: 1` and a `kind`:
 *
 * ```
 * { "v": 1, "kind": "chat", "text": "…", "at": 1764633600000 }                 text ≤ 1000 chars
 * { "v": 1, "kind": "presence", "name": "…", "muted": false, "camera": true,
 *   "hand": false, "screen": "<MediaStream id>" | null, "at": 1764633600000 }     name ≤ 40 chars
 * { "v": 1, "kind": "tracks", "tracks": [                                        ≤ 3, slots distinct
 *     { "slot": "audio" | "video" | "screen", "session": "<SFU session id>",
 *       "name": "<SFU track name>", "stream": "<MediaStream id>" } ], "at": 1764633600000 }
 * ```
 *
 * `tracks` is the sender's complete current set of pushed tracks (`partytracks` `TrackMetadata`: session
 * id and track name, each 1..128 characters), replacing the previous set: a slot that is missing was
 * stopped. `stream` is the sender's MediaStream id for the track (as an msid would carry it on the mesh),
 * so receivers group camera and microphone and tell the screen share apart as on the mesh.
 *
 * `at` is the sender's clock (ms since 1970), shown as the message time. `screen` names the msid of the
 * sender's screen-share stream so receivers put that stream in a tile of its own. Anything else (unknown
 * kind or version, wrong types, extra length) decodes to `null` and is ignored: a member cannot make
 * another member's page throw. Encoding and decoding happen in the MLS worker (the page posts and receives
 * these objects), so the page bundle never imports the committer package.
 */
import { MAX_CHAT_BYTES } from "@sealroom/committer";

export const MAX_CHAT_TEXT = 1000;
export const MAX_NAME = 40;

export interface ChatBody {
  kind: "chat";
  text: string;
  at: number;
}

export interface PresenceBody {
  kind: "presence";
  name: string;
  muted: boolean;
  camera: boolean;
  hand: boolean;
  screen: string | null;
  at: number;
}

export const TRACK_SLOTS = ["audio", "video", "screen"] as const;
export type TrackSlot = (typeof TRACK_SLOTS)[number];
/** Longest SFU session id or track name accepted (Realtime's are 32-64 characters). */
export const MAX_TRACK_ID = 128;

/** One pushed track: where a member's `slot` stream is on the SFU. */
export interface TrackRef {
  slot: TrackSlot;
  session: string;
  name: string;
  stream: string;
}

export interface TracksBody {
  kind: "tracks";
  tracks: TrackRef[];
  at: number;
}

export type AppMessage = ChatBody | PresenceBody | TracksBody;

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

export function encodeAppMessage(m: AppMessage): Uint8Array {
  const bytes = enc.encode(JSON.stringify({ v: 1, ...m }));
  if (bytes.length > MAX_CHAT_BYTES) throw new RangeError("application message too long");
  return bytes;
}

const isBool = (x: unknown): x is boolean => typeof x === "boolean";
const isTime = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;

export function decodeAppMessage(bytes: Uint8Array): AppMessage | null {
  if (bytes.length > MAX_CHAT_BYTES) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(dec.decode(bytes));
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null || o.v !== 1) return null;
  if (o.kind === "chat") {
    if (typeof o.text !== "string" || o.text.length === 0 || o.text.length > MAX_CHAT_TEXT) return null;
    if (!isTime(o.at)) return null;
    return { kind: "chat", text: o.text, at: o.at };
  }
  if (o.kind === "tracks") return decodeTracks(o);
  if (o.kind === "presence") {
    if (typeof o.name !== "string" || o.name.length > MAX_NAME) return null;
    if (!isBool(o.muted) || !isBool(o.camera) || !isBool(o.hand) || !isTime(o.at)) return null;
    if (o.screen !== null && (typeof o.screen !== "string" || o.screen.length > 100)) return null;
    return {
      kind: "presence",
      name: o.name,
      muted: o.muted,
      camera: o.camera,
      hand: o.hand,
      screen: o.screen as string | null,
      at: o.at,
    };
  }
  return null;
}

const isId = (x: unknown, max: number): x is string =>
  typeof x === "string" && x.length > 0 && x.length <= max && !/[\u0000-\u001f\u007f]/.test(x);

function decodeTracks(o: Record<string, unknown>): TracksBody | null {
  if (!Array.isArray(o.tracks) || o.tracks.length > TRACK_SLOTS.length || !isTime(o.at)) return null;
  const tracks: TrackRef[] = [];
  for (const t of o.tracks as unknown[]) {
    if (typeof t !== "object" || t === null) return null;
    const { slot, session, name, stream } = t as Record<string, unknown>;
    if (!TRACK_SLOTS.includes(slot as TrackSlot) || tracks.some((x) => x.slot === slot)) return null;
    if (!isId(session, MAX_TRACK_ID) || !isId(name, MAX_TRACK_ID) || !isId(stream, 100)) return null;
    tracks.push({ slot: slot as TrackSlot, session, name, stream });
  }
  return { kind: "tracks", tracks, at: o.at };
}
