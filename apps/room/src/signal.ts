/**
 * Media signalling for the peer mesh, relayed by the room without reading it: WebSocket text frames
 * carrying JSON. The room protocol proper (committer codec) travels in binary frames.
 *
 *   client -> room   {"type":"signal","to":"<member id>","payload":<any JSON>}
 *   room -> client   {"type":"signal","from":"<member id>","payload":<same JSON>}
 *
 * The room checks only the envelope: the target is a member id and the payload is present. SDP and ICE
 * candidates are not secret (DTLS keys are not used for media confidentiality: frames are SFrame-encrypted
 * with MLS keys), but the room still treats them as opaque.
 */
import { isMemberId, type MemberId } from "@sealroom/committer";

export interface SignalIn {
  to: MemberId;
  payload: unknown;
}

/** Parses a client's text frame; null when it is not a well-formed signal envelope. */
export function parseSignal(text: string): SignalIn | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v.type !== "signal" || typeof v.to !== "string" || !isMemberId(v.to) || !("payload" in v)) return null;
  if (Object.keys(v).length !== 3) return null;
  return { to: v.to, payload: v.payload };
}

export function encodeSignal(from: MemberId, payload: unknown): string {
  return JSON.stringify({ type: "signal", from, payload });
}
