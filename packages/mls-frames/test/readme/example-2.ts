// page
import { attachFrameTransform, MessageType } from "@sealroom/mls-frames";

const worker = new Worker(new URL("@sealroom/mls-frames/worker", import.meta.url), { type: "module" });
attachFrameTransform(pc.addTrack(camTrack, stream), worker, {
  direction: "send",
  codec: "video/VP8",
  context: 1,
});
pc.ontrack = (e) => attachFrameTransform(e.receiver, worker, { direction: "receive" }); // codec from frame metadata
worker.postMessage({ type: MessageType.epoch, keys }); // keys: EpochKeys, e.g. a committer's action.keys

// Free names of README example 2 (above, verbatim; checked by readme-examples.test.ts).
declare const pc: RTCPeerConnection;
declare const camTrack: MediaStreamTrack;
declare const stream: MediaStream;
declare const keys: import("@sealroom/mls-frames").EpochKeys;
