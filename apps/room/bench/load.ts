/**
 * Load on the room Durable Object under `wrangler dev`, loopback only, bounded: ROOMS rooms × MEMBERS
 * members (Node's WebSocket) for SECONDS, with churn (a member leaves and a new one joins every
 * CHURN_MS per room). Members announce (syntactically valid key packages: the sequencer does not parse
 * them), and send each other signalling frames stamped with the send time. Reported: room events
 * sequenced per second, p50/p99 signalling relay latency, and forks: members of a room that saw different
 * events for the same sequence number (must be 0). MLS is not run here (see the committer bench).
 *
 *   bash tooling/scripts/loopback.sh nice -n 10 node apps/room/bench/load.ts
 */
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { decodeServerMessage, encodeClientMessage } from "@sealroom/committer";
import { freePort, ROOT, start, stop, waitFor } from "../../../tooling/e2e/src/workspace.ts";

const ROOMS = Number(process.env.ROOMS ?? 100);
const MEMBERS = Number(process.env.MEMBERS ?? 5);
const SECONDS = Math.min(60, Number(process.env.SECONDS ?? 20));
const CHURN_MS = Number(process.env.CHURN_MS ?? 4_000);

const port = await freePort();
const server = start(
  "wrangler",
  [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(await freePort()),
    "--show-interactive-dev-session=false",
    "--log-level",
    "error",
    "--persist-to",
    `/tmp/sealroom-load-${port}`,
  ],
  { cwd: join(ROOT, "apps/room") },
);
await waitFor(`http://127.0.0.1:${port}/healthz`, 90_000);

const latencies: number[] = [];
let events = 0;
/** room -> seq -> digest of the event bytes, per member; compared at the end. */
const seen = new Map<string, Map<string, Map<bigint, string>>>();
const sockets = new Set<WebSocket>();

function join_(room: string): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rooms/${room}/ws`);
  ws.binaryType = "arraybuffer";
  sockets.add(ws);
  let me = "";
  const log = new Map<bigint, string>();
  ws.addEventListener("message", (e: MessageEvent) => {
    if (typeof e.data === "string") return; // "pong"
    const bytes = new Uint8Array(e.data as ArrayBuffer);
    const msg = decodeServerMessage(bytes);
    if (msg.type === "signal") {
      latencies.push(
        performance.now() - new DataView(msg.payload.buffer, msg.payload.byteOffset).getFloat64(0),
      );
    } else if (msg.type === "snapshot") {
      me = msg.you;
      seen.get(room)!.set(`${me}`, log);
      ws.send(encodeClientMessage({ type: "key-package", keyPackage: new Uint8Array([0, 1, 0, 5, 1]) }));
    } else if (msg.type === "event") {
      events++;
      log.set(msg.seq, createHash("sha256").update(bytes).digest("hex"));
    }
  });
  ws.addEventListener("close", () => sockets.delete(ws));
  return ws;
}

const rooms: { id: string; members: WebSocket[] }[] = [];
for (let r = 0; r < ROOMS; r++) {
  const { room } = (await (await fetch(`http://127.0.0.1:${port}/rooms`, { method: "POST" })).json()) as {
    room: string;
  };
  seen.set(room, new Map());
  rooms.push({ id: room, members: Array.from({ length: MEMBERS }, () => join_(room)) });
}
const started = performance.now();
const eventsAtStart = events;
const timers = [
  setInterval(() => {
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send("ping");
  }, 2_000),
  setInterval(() => {
    // Each member signals one random other member of its room (ids are m1.. in order of joining).
    for (const r of rooms) {
      const n = seen.get(r.id)!.size;
      for (const ws of r.members) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        const to = `m${1 + Math.floor(Math.random() * n)}`;
        const payload = new Uint8Array(8);
        new DataView(payload.buffer).setFloat64(0, performance.now());
        ws.send(encodeClientMessage({ type: "signal", to, payload }));
      }
    }
  }, 500),
  setInterval(() => {
    for (const r of rooms) {
      r.members.shift()?.close(1000, "churn");
      r.members.push(join_(r.id));
    }
  }, CHURN_MS),
];
await new Promise((res) => setTimeout(res, SECONDS * 1000));
for (const t of timers) clearInterval(t);
const elapsed = (performance.now() - started) / 1000;
for (const ws of sockets) ws.close(1000, "done");
await new Promise((res) => setTimeout(res, 1_000));
await stop(server);
rmSync(`/tmp/sealroom-load-${port}`, { recursive: true, force: true });

let forks = 0;
for (const members of seen.values()) {
  const bySeq = new Map<bigint, Set<string>>();
  for (const log of members.values())
    for (const [seq, d] of log) (bySeq.get(seq) ?? bySeq.set(seq, new Set()).get(seq)!).add(d);
  for (const ds of bySeq.values()) if (ds.size > 1) forks++;
}
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(1);
console.table([
  {
    rooms: ROOMS,
    members: MEMBERS,
    seconds: elapsed.toFixed(1),
    "events delivered/s": ((events - eventsAtStart) / elapsed).toFixed(0),
    "signals relayed": latencies.length,
    "relay p50 ms": q(0.5),
    "relay p99 ms": q(0.99),
    forks,
  },
]);
process.exit(forks === 0 ? 0 : 1);
