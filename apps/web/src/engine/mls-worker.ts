/**
 * The MLS worker: the call's group state lives here and nowhere else. It owns the room socket
 * (`room-socket.ts`): sequenced room frames go straight into `@sealroom/committer`'s `Committer` over
 * ts-mls, one at a time (the committer must not be re-entered), and what the committer sends goes straight
 * out, so a join's key package, commit and Welcome never wait for the page's main thread. It posts public
 * facts (member ids, epoch, safety number) and media signals to the page, and hands each epoch's frame keys
 * straight to the media worker over the transferred key port. Chat and presence travel as MLS application
 * messages (`app-message.ts`), encoded and decoded here. Media signals (the protocol's `signal` message,
 * relayed point to point and never sequenced) are decoded as soon as they arrive, not queued behind MLS
 * work, and ours are held until our key package went out on the socket (the room relays signals only
 * between present members, and one socket's frames arrive in order).
 */
import {
  Committer,
  type CommitterAction,
  decodeServerMessage,
  encodeClientMessage,
  ServerTag,
  TsMlsEngine,
} from "@sealroom/committer";
import { MessageType } from "@sealroom/mls-frames";
import { type AppMessage, decodeAppMessage, encodeAppMessage } from "./app-message.ts";
import type { EpochSummary, MlsWorkerIn, MlsWorkerOut, MlsWorkerOutBody } from "./protocol.ts";
import { RoomSocket } from "./room-socket.ts";

const scope = globalThis as unknown as {
  postMessage(m: MlsWorkerOut): void;
  onmessage: ((e: MessageEvent<MlsWorkerIn>) => void) | null;
  close(): void;
};

const utf8 = new TextEncoder();
const utf8d = new TextDecoder("utf-8", { fatal: true });

let committer: Committer<unknown, unknown> | null = null;
let keyPort: MessagePort | null = null;
let suite = 1;
/** New committers start in the lobby (connected, not announced) until the page says Join. */
let lobby = false;
let queue: Promise<void> = Promise.resolve();
/** Counts sockets: a new socket is a new member; the page's signals name the session they belong to. */
let session = 0;
let socket: RoomSocket | null = null;
/** Our key package (or resync) went out on this socket: signals may follow it. */
let announced = false;
let outgoing: { to: string; payload: string }[] = [];

const post = (m: MlsWorkerOutBody) => scope.postMessage({ ...m, session });

/** Sends a frame; after an announcement (key package or resync) the held signals follow it. */
function postSend(a: Extract<CommitterAction, { type: "send" }>): void {
  socket?.send(a.bytes);
  if (a.message.type === "key-package" || a.message.type === "resync") {
    announced = true;
    for (const s of outgoing.splice(0)) sendSignal(s.to, s.payload);
  }
}

function sendSignal(to: string, payload: string): void {
  if (!announced) {
    outgoing.push({ to, payload });
    return;
  }
  let frame: Uint8Array;
  try {
    frame = encodeClientMessage({ type: "signal", to, payload: utf8.encode(payload) });
  } catch (err) {
    // Over MAX_SIGNAL_PAYLOAD (64 KiB): no SDP of this engine comes near it.
    post({ type: "error", code: "signal-too-large", detail: String(err) });
    return;
  }
  socket?.send(frame);
}

/** A frame from the room: signals to the page at once, everything else into the committer's queue. */
function onFrame(bytes: Uint8Array): void {
  if (bytes[1] === ServerTag.Signal) {
    try {
      const m = decodeServerMessage(bytes);
      if (m.type === "signal") post({ type: "signal", from: m.from, payload: utf8d.decode(m.payload) });
    } catch {
      // Not ours to repair: a malformed signal is dropped.
    }
    return;
  }
  enqueue(() => receive(bytes));
}

/** The socket was lost: the next one is a new member id, so the group and the held signals are over. */
function onLost(code: number, reason: string): void {
  if (code >= 4001 && code <= 4003) post({ type: "error", code: `room-closed-${code}`, detail: reason });
  session += 1;
  announced = false;
  outgoing = [];
  post({ type: "reset", code, reason });
  enqueue(async () => {
    committer?.stop();
    keyPort?.postMessage({ type: MessageType.clear });
    committer = await fresh();
  });
}

function enqueue(job: () => Promise<void>): void {
  queue = queue.then(async () => {
    try {
      await job();
    } catch (err) {
      post({ type: "error", code: "mls-worker", detail: err instanceof Error ? err.message : String(err) });
    }
  });
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
    seqs: Object.fromEntries([...(c.view?.present ?? [])].map(([m, p]) => [m, p.announceSeq.toString()])),
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
        socket?.noteKeys();
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
    for (const a of await c.sendChat(encodeAppMessage(message))) if (a.type === "send") socket?.send(a.bytes);
  } catch (err) {
    post({ type: "app-failed", id, reason: err instanceof Error ? err.message : String(err) });
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  // Not queued: signals and socket control must not wait behind MLS work.
  switch (m.type) {
    case "signal":
      if (m.session === session) sendSignal(m.to, m.payload);
      return;
    case "drop":
      socket?.drop(m.ms);
      return;
    case "leave":
      void (socket?.close() ?? Promise.resolve()).then(() => scope.close());
      return;
    case "wire-log":
      post({ type: "wire-log", entries: [...(socket?.wire ?? [])] });
      return;
  }
  enqueue(async () => {
    switch (m.type) {
      case "start":
        suite = m.suite;
        lobby = m.lobby;
        committer = await fresh();
        // Opened once the committer exists: the snapshot is its first input.
        socket = new RoomSocket(m.url, {
          frame: onFrame,
          lost: onLost,
          state: (state) => post({ type: "connection", state }),
        });
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
      case "app":
        await sendApp(m.id, m.message);
        break;
    }
  });
};
