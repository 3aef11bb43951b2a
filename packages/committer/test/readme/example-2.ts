import {
  type ConnectionId,
  createSequencer,
  decodeSequencerState,
  encodeSequencerState,
  type SequencerResult,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "@sealroom/committer";

let state = stored ? decodeSequencerState(stored) : createSequencer(roomId);

/** Persist, then publish: a restart between the two loses nothing that was sent. */
function apply(r: SequencerResult): void {
  storage.put("seq", encodeSequencerState(r.state)); // inside the DO's transactionSync
  state = r.state;
  for (const o of r.out) {
    if (o.to === null) for (const ws of sockets.live()) ws.send(o.bytes);
    else sockets.get(o.to)?.send(o.bytes);
  }
}

// A socket opened for `memberId` (assigned by the Worker): tag it with its connection id.
const opened = sequencerConnect(state, memberId);
sockets.tag(ws, opened.connection); // e.g. ws.serializeAttachment({ connection })
if (opened.replaced !== null) sockets.get(opened.replaced)?.close(4000, "replaced by a new connection");
apply(opened);

// Later, per socket event:
const onFrame = (c: ConnectionId, bytes: Uint8Array) => apply(sequencerReceive(state, c, bytes));
const onClose = (c: ConnectionId) => apply(sequencerDisconnect(state, c));

// Free names of README example 2 (above, verbatim; checked by readme-examples.test.ts).
declare const stored: Uint8Array | undefined;
declare const roomId: string;
declare const memberId: string;
declare const ws: WebSocket;
declare const storage: { put(key: string, value: Uint8Array): void };
declare const sockets: {
  live(): WebSocket[];
  get(connection: ConnectionId): WebSocket | undefined;
  tag(ws: WebSocket, connection: ConnectionId): void;
};

export { onClose, onFrame };
