/**
 * A token bucket as plain data, so that it survives hibernation inside a WebSocket attachment:
 * `capacity` tokens, refilled at `perMs` tokens per millisecond, one token per event.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export function fullBucket(capacity: number, now: number): Bucket {
  return { tokens: capacity, at: now };
}

/** Takes one token; returns the new bucket, or null when the bucket is empty (limit exceeded). */
export function takeToken(b: Bucket, capacity: number, perMs: number, now: number): Bucket | null {
  const tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
  if (tokens < 1) return null;
  return { tokens: tokens - 1, at: now };
}
