/** Entry of the media DedicatedWorker (see media-worker-core.ts). */
import { type MediaWorkerScope, startMediaWorker } from "./media-worker-core.ts";

startMediaWorker(globalThis as unknown as MediaWorkerScope);
