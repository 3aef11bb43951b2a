import { Committer, TsMlsEngine } from "@sealroom/committer";
import { FrameCryptor } from "@sealroom/mls-frames";

const engine = await TsMlsEngine.create(); // suite 1; optional { now: () => seconds }
const committer = new Committer(engine);
const frames = new FrameCryptor(); // or the media worker of @sealroom/mls-frames/worker

socket.onmessage = async (ev: MessageEvent<ArrayBuffer>) => {
  // serialise calls: await each receive()
  for (const action of await committer.receive(new Uint8Array(ev.data))) {
    switch (action.type) {
      case "send":
        socket.send(action.bytes);
        break;
      case "new-epoch":
        // The keys go to the frame layer as they are (plain data: postMessage them to the media worker
        // as { type: MessageType.epoch, keys }); the suite travels inside them.
        frames.setEpoch(action.keys);
        ui.showSafetyNumber(action.info.safetyNumber, action.info.epoch);
        break;
      case "left-group":
        frames.clear();
        break;
      case "error":
        console.warn(action.code, action.detail);
        break;
    }
  }
};

// Free names of README example 1 (above, verbatim; checked by readme-examples.test.ts).
declare const socket: WebSocket;
declare const ui: { showSafetyNumber(safetyNumber: string, epoch: bigint): void };
