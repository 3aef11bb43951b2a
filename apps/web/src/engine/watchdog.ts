/**
 * When a mesh connection that is not up should be started over (README "Watchdog").
 *
 * A connection not up after a while may have lost a signal (a glare, a rejoin), and only starting over
 * with a new generation repairs that. But on a starved machine an exchange that is merely slow looks the
 * same from a timer: a signal hop took 4 s, making a connection 2 s and an answer 8 s (six tabs on two
 * cores), and a watchdog that fired at a fixed time replaced exchanges still under way, on both sides,
 * again and again: a fifth member's connections stayed `new` for 90 s. So the watchdog restarts only a
 * connection that has been quiet, with no signal from the other side and no change of its signalling,
 * ICE or connection state, for the whole wait; one still making progress is checked again when it
 * would have been quiet that long. ICE gives up by itself on a path that never works (`failed`).
 */

/** What the watchdog reads off a connection. */
export interface Watched {
  readonly state: RTCPeerConnectionState;
  /** `performance.now()` of the connection's last progress (made, a remote signal, a state change). */
  readonly lastProgress: number;
}

/** Restart now, stop watching (up, or closed by someone else), or look again in `ms`. */
export type Verdict = { kind: "restart" } | { kind: "done" } | { kind: "recheck"; ms: number };

/**
 * `quietMs`: how long without progress a connection may stay not up (the caller's backed-off wait).
 * `now`: `performance.now()`.
 */
export function watchdogVerdict(c: Watched, now: number, quietMs: number): Verdict {
  if (c.state === "failed") return { kind: "restart" };
  // Up, or briefly interrupted (ICE restarts by itself), or closed on purpose: not the watchdog's.
  if (c.state !== "new" && c.state !== "connecting") return { kind: "done" };
  const quiet = now - c.lastProgress;
  if (!(quiet < quietMs)) return { kind: "restart" };
  return { kind: "recheck", ms: quietMs - quiet };
}
