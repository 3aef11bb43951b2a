import { epochKeysFromClientState, FrameCryptor } from "@sealroom/mls-frames";

// `keys` is plain data: @sealroom/committer's `new-epoch` action carries it (action.keys), or build it
// from a bare ts-mls ClientState. It holds the SFrame suite too (4 for MLS suite 1, 5 for X-Wing 83).
const keys = await epochKeysFromClientState(state, impl);
mediaWorker.postMessage({ type: "sealroom-frames/epoch", keys });

// Directly (tests, Node, a custom pipeline):
const cryptor = new FrameCryptor();
cryptor.setEpoch(keys);
const out = await cryptor.encryptFrame(encodedFrameBytes, "video/VP8", 1n); // 1n = camera stream context
if (out.ok) send(out.data); // else out.reason says why it was dropped
const back = await otherMember.decryptFrame(received, "video/VP8");
if (back.ok) play(back.data, back.senderLeaf); // senderLeaf: who sent it

// Free names of README example 1 (above, verbatim; checked by readme-examples.test.ts).
declare const state: import("ts-mls").ClientState;
declare const impl: import("ts-mls").CiphersuiteImpl;
declare const mediaWorker: Worker;
declare const encodedFrameBytes: Uint8Array;
declare const received: Uint8Array;
declare const otherMember: FrameCryptor;
declare function send(bytes: Uint8Array): void;
declare function play(frame: Uint8Array, senderLeaf: number | undefined): void;
