/** In-worker WebSocket clients for the room tests (pairs from `fetch` upgrades; no `ws`, no network). */

import { exports } from "cloudflare:workers";
import {
  decodeServerMessage,
  encodeClientMessage,
  type MemberId,
  type ServerMessage,
} from "@sealroom/committer";
import { expect } from "vitest";

export const base = "http://room.test";

/** A fresh unguessable room id (22 base64url characters). */
export function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export interface Client {
  ws: WebSocket;
  /** Decoded binary frames and raw text frames, in arrival order. */
  next(timeoutMs?: number): Promise<ServerMessage | string>;
  /** Skips frames until one matches. */
  until<T extends ServerMessage | string>(
    pred: (m: ServerMessage | string) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  closed: Promise<{ code: number; reason: string }>;
  isClosed(): boolean;
  sendBinary(bytes: Uint8Array): void;
  /** The binary frames not yet taken by `nextRaw` (a test uses either `next` or `nextRaw`). */
  nextRaw(timeoutMs?: number): Promise<Uint8Array | null>;
  /** Every binary frame received, as bytes (for leak checks). */
  received: Uint8Array[];
  me: MemberId;
}

/** Connects and, unless `ping` is false, pings every 300 ms as the web client does (every 2 s). */
export async function connect(room: string, { ping = true } = {}): Promise<Client> {
  const res = await exports.default.fetch(`${base}/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const queue: (ServerMessage | string)[] = [];
  const waiters: (() => void)[] = [];
  const received: Uint8Array[] = [];
  const raw: Uint8Array[] = [];
  let isClosed = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => {
      isClosed = true;
      resolve({ code: e.code, reason: e.reason });
      for (const w of waiters.splice(0)) w();
    }),
  );
  // Binary frames arrive as Blobs here: decode them in arrival order through one promise chain.
  let order = Promise.resolve();
  ws.addEventListener("message", (e) => {
    const data = e.data as string | Blob | ArrayBuffer;
    order = order.then(async () => {
      if (data === "pong") return;
      if (typeof data === "string") queue.push(data);
      else {
        const bytes = new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
        received.push(bytes);
        raw.push(bytes);
        queue.push(decodeServerMessage(bytes));
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  // Pongs are the runtime's answers to pings: not room traffic.
  ws.accept();
  if (ping) {
    const timer = setInterval(() => {
      try {
        ws.send("ping");
      } catch {
        clearInterval(timer);
      }
    }, 300);
    void closed.then(() => clearInterval(timer));
  }
  const next = async (timeoutMs = 5_000) => {
    const end = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (isClosed) throw new Error("socket closed");
      if (Date.now() > end) throw new Error("no message in time");
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return queue.shift()!;
  };
  const client: Client = {
    ws,
    next,
    async until(pred, timeoutMs = 5_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = await next(Math.max(1, end - Date.now()));
        if (pred(m)) return m;
      }
    },
    closed,
    isClosed: () => isClosed,
    sendBinary: (bytes) => ws.send(bytes),
    async nextRaw(timeoutMs = 300) {
      const end = Date.now() + timeoutMs;
      while (raw.length === 0) {
        if (isClosed || Date.now() > end) return null;
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return raw.shift()!;
    },
    received,
    me: "",
  };
  const snap = await client.next();
  if (typeof snap === "string" || snap.type !== "snapshot") throw new Error("first frame is not a snapshot");
  client.me = snap.you;
  return client;
}

/** A syntactically valid key-package frame (the sequencer checks the MLS wire format, not the package). */
export function fakeKeyPackage(tag = 0): Uint8Array {
  return encodeClientMessage({ type: "key-package", keyPackage: new Uint8Array([0, 1, 0, 5, tag]) });
}

export const isEvent = (m: ServerMessage | string): m is Extract<ServerMessage, { type: "event" }> =>
  typeof m !== "string" && m.type === "event";

export const isSignal = (m: ServerMessage | string): m is Extract<ServerMessage, { type: "signal" }> =>
  typeof m !== "string" && m.type === "signal";
