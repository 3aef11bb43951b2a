/**
 * Which of our mesh connections a signal from another member is for (README "Generations").
 *
 * Every `RTCPeerConnection` has a random generation. A signal carries the sender's generation (`gen`) and,
 * once the sender has heard from us, the generation of ours it talks to (`to`). Without `to`, an answer
 * made for a connection we had already replaced (its answer was slow, our watchdog restarted) was taken by
 * the new connection: applied to the new offer it set up a connection to a remote that was itself being
 * replaced, and the remote's next answer then found the new connection `stable` ("Called in wrong state:
 * stable"); each side restarted on the other's restart and a room of six on a loaded machine never
 * connected every pair. A signal whose `to` names a generation we no longer hold is now dropped.
 */

/** What we know of our current connection to the sender, if any. */
export interface CurrentPeer {
  gen: number;
  /** The sender's generation this connection talks to; null until the sender's first signal. */
  remoteGen: number | null;
}

/** The routing fields of a signal (`PeerSignal`). */
export interface SignalAddress {
  gen?: number;
  to?: number;
  /** Whether the signal is an offer (a fresh connection can take an offer, not an answer or a candidate). */
  offer: boolean;
}

export interface SignalRoute {
  /** Replace the current connection with a new generation (the sender started over). */
  restart: boolean;
  /** Hand the signal to the connection (the new one after a restart; made if there is none). */
  deliver: boolean;
}

const DROP: SignalRoute = { restart: false, deliver: false };

/**
 * `dead` holds the sender's generations that replaced connections talked to: their late signals are moot.
 */
export function routeSignal(
  current: CurrentPeer | undefined,
  dead: ReadonlySet<number> | undefined,
  s: SignalAddress,
): SignalRoute {
  if (s.gen !== undefined && dead?.has(s.gen)) return DROP;
  // Addressed to a connection of ours that is gone: it says nothing about the current one (whose own
  // signals make the sender follow), and applying it there would break that exchange.
  if (s.to !== undefined && s.to !== current?.gen) return DROP;
  if (current === undefined) return { restart: false, deliver: true };
  const newRemote = s.gen !== undefined && current.remoteGen !== null && s.gen !== current.remoteGen;
  if (!newRemote) return { restart: false, deliver: true };
  // The sender started over. A new connection of ours can take its offer, or whatever it sent before it
  // heard from us; not an answer or a candidate that belong to the exchange with the connection replaced.
  return { restart: true, deliver: s.to === undefined || s.offer };
}
