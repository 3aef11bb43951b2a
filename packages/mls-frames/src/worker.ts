/**
 * Entry module for the media DedicatedWorker: `new Worker(new URL("@sealroom/mls-frames/worker",
 * import.meta.url), { type: "module" })`. It only installs `FrameWorker` on the worker scope; see
 * frame-worker.ts for the message protocol.
 */
import { type FrameWorkerScope, installFrameWorker } from "./frame-worker.ts";

installFrameWorker(globalThis as unknown as FrameWorkerScope);
