/**
 * The MLS worker: the call's group state lives here and nowhere else. It runs `@sealroom/committer`'s
 * `Committer` over ts-mls, takes the room's binary frames from the page one at a time (the committer
 * must not be re-entered), answers with frames to send and public epoch facts, and hands each epoch's
 * frame keys straight to the media worker over the transferred key port. Chat and presence travel as MLS
 * application messages (`app-message.ts`), encoded and decoded here.
 */
import { Committer, type CommitterAction, TsMlsEngine } from "@sealroom/committer";
import { MessageType } from "@sealroom/mls-frames";
import { type AppMessage, decodeAppMessage, encodeAppMessage } from "./app-message.ts";
import type { EpochSummary, MlsWorkerIn, MlsWorkerOut, MlsWorkerOutBody } from "./protocol.ts";

const scope = globalThis as unknown as {
  postMessage(m: MlsWorkerOut): void;
  onmessage: ((e: MessageEvent<MlsWorkerIn>) => void) | null;
};

let committer: Committer<unknown, unknown> | null = null;
let keyPort: MessagePort | null = null;
let suite = 1;
/** New committers start in the lobby (connected, not announced) until the page says Join. */
let lobby = false;
let queue: Promise<void> = Promise.resolve();
let session = 0;

const post = (m: MlsWorkerOutBody) => scope.postMessage({ ...m, session });

/** Sends a frame; after an announcement (key package or resync) tells the page it may signal now. */
function postSend(a: Extract<CommitterAction, { type: "send" }>): void {
  post({ type: "send", bytes: a.bytes });
  if (a.message.type === "key-package" || a.message.type === "resync") post({ type: "announced" });
}

async function fresh(): Promise<Committer<unknown, unknown>> {
  // The engine refuses suites other than 1 and 83 (X-Wing) with a RangeError.
  const engine = await TsMlsEngine.create({ suite: suite as 1 | 83 });
  return new Committer(engine, { lobby }) as Committer<unknown, unknown>;
}

function postView(c: Committer<unknown, unknown>): void {
  post({
    type: "view",
    me: c.memberId,
    present: c.view ? [...c.view.present.keys()].sort() : [],
    inSync: c.inSync,
    isCommitter: c.isCommitter,
  });
}

async function receive(bytes: Uint8Array): Promise<void> {
  if (committer === null) committer = await fresh();
  const c = committer;
  for (const a of await c.receive(bytes)) {
    switch (a.type) {
      case "send":
        postSend(a);
        break;
      case "new-epoch": {
        if (a.info.mlsSuite !== suite) {
          post({
            type: "error",
            code: "suite-mismatch",
            detail: `room uses suite ${a.info.mlsSuite}, link says ${suite}`,
          });
          keyPort?.postMessage({ type: MessageType.clear });
          break;
        }
        keyPort?.postMessage({ type: MessageType.epoch, keys: a.keys });
        const summary: EpochSummary = {
          epoch: a.info.epoch.toString(),
          mlsSuite: a.info.mlsSuite,
          safetyNumber: a.info.safetyNumber,
          ownLeaf: a.info.ownLeaf,
          roster: [...a.info.roster].sort((x, y) => x[0] - y[0]),
        };
        post({ type: "epoch", summary });
        break;
      }
      case "left-group":
        keyPort?.postMessage({ type: MessageType.clear });
        post({ type: "left-group", reason: a.reason });
        break;
      case "error":
        post({ type: "error", code: a.code, detail: a.detail });
        break;
      case "chat": {
        const message = decodeAppMessage(a.plaintext);
        if (message)
          post({
            type: "app",
            seq: a.seq.toString(),
            sender: a.sender,
            epoch: a.epoch.toString(),
            message,
            own: a.own,
          });
        break;
      }
      case "chat-unreadable":
        post({ type: "app-unreadable", seq: a.seq.toString(), sender: a.sender, reason: a.reason });
        break;
    }
  }
  postView(c);
}

async function sendApp(id: number, message: AppMessage): Promise<void> {
  const c = committer;
  if (!c?.inSync) {
    post({ type: "app-failed", id, reason: "not-in-sync" });
    return;
  }
  try {
    for (const a of await c.sendChat(encodeAppMessage(message)))
      if (a.type === "send") post({ type: "send", bytes: a.bytes });
  } catch (err) {
    post({ type: "app-failed", id, reason: err instanceof Error ? err.message : String(err) });
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  queue = queue.then(async () => {
    try {
      switch (m.type) {
        case "start":
          suite = m.suite;
          lobby = m.lobby;
          committer = await fresh();
          break;
        case "announce": {
          lobby = false;
          const c = committer;
          if (c === null) break;
          for (const a of c.announce()) if (a.type === "send") postSend(a);
          postView(c);
          break;
        }
        case "key-port":
          keyPort = m.port;
          break;
        case "reset":
          session = m.session;
          lobby = m.lobby;
          committer?.stop();
          keyPort?.postMessage({ type: MessageType.clear });
          committer = await fresh();
          break;
        case "frame":
          await receive(m.bytes);
          break;
        case "app":
          await sendApp(m.id, m.message);
          break;
      }
    } catch (err) {
      post({ type: "error", code: "mls-worker", detail: err instanceof Error ? err.message : String(err) });
    }
  });
};
