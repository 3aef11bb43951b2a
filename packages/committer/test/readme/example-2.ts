import {
  createSequencer,
  decodeSequencerState,
  encodeSequencerState,
  sequencerConnect,
  sequencerDisconnect,
  sequencerReceive,
} from "@sealroom/committer";

let state = stored ? decodeSequencerState(stored) : createSequencer(roomId);
const r = sequencerReceive(state, memberId, frame); // or sequencerConnect / sequencerDisconnect
await storage.put("seq", encodeSequencerState(r.state)); // stage, then publish
state = r.state;
for (const o of r.out) (o.to === null ? broadcastToConnected : sendTo(o.to))(o.bytes);

// Free names of README example 2 (above, verbatim; checked by readme-examples.test.ts).
declare const stored: Uint8Array | undefined;
declare const roomId: string;
declare const memberId: string;
declare const frame: Uint8Array;
declare const storage: { put(key: string, value: Uint8Array): Promise<void> };
declare function broadcastToConnected(bytes: Uint8Array): void;
declare function sendTo(member: string): (bytes: Uint8Array) => void;
