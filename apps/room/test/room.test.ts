import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { encodeClientMessage } from "@sealroom/committer";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../src/errors.ts";
import { DEFAULT_LIMITS } from "../src/limits.ts";
import { isRoomId } from "../src/room-id.ts";
import { base, type Client, connect, fakeKeyPackage, isEvent, isSignal, newRoomId } from "./support.ts";

const closeAll = (clients: Client[]) => {
  for (const c of clients) if (!c.isClosed()) c.ws.close(1000, "done");
};

describe("HTTP surface", () => {
  it("answers /healthz with its name and version", async () => {
    const res = await exports.default.fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.name).toBe("@sealroom/room");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body).not.toHaveProperty("commit");
  });

  it("mints unguessable room ids", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await exports.default.fetch(`${base}/rooms`, { method: "POST" });
      expect(res.status).toBe(201);
      const { room } = (await res.json()) as { room: string };
      expect(isRoomId(room)).toBe(true);
      expect(room).toHaveLength(22); // 16 random bytes
      ids.add(room);
    }
    expect(ids.size).toBe(20);
  });

  it.each([
    "short",
    "abc",
    "a".repeat(21),
    "a".repeat(65),
    "Bad_Name!xxxxxxxxxxxxxxxxxx",
    "%2e%2e%2fxxxxxxxxxxxxxxxxxxxx",
    "xxxxxxxxxxxxxxxxxxxxxx.x",
  ])("rejects the malformed room id %j with 400 and touches no object", async (id) => {
    const before = (await listDurableObjectIds(env.ROOMS)).length;
    for (const path of [`/rooms/${id}/ws`, `/rooms/${id}`]) {
      const res = await exports.default.fetch(`${base}${path}`, { headers: { Upgrade: "websocket" } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain("room id");
    }
    expect((await listDurableObjectIds(env.ROOMS)).length).toBe(before);
  });

  it("requires a WebSocket upgrade", async () => {
    const res = await exports.default.fetch(`${base}/rooms/${newRoomId()}/ws`);
    expect(res.status).toBe(426);
    expect(((await res.json()) as { error: string }).error).toContain("WebSocket");
  });

  it("counts members present (announced), not lobby sockets; a lobby socket leaving broadcasts nothing", async () => {
    const room = newRoomId();
    const count = async () =>
      (await (await exports.default.fetch(`${base}/rooms/${room}`)).json()) as { members: number };
    const a = await connect(room);
    const b = await connect(room);
    // Both connected, neither announced: both in the lobby.
    expect(await count()).toEqual({ members: 0 });
    a.sendBinary(fakeKeyPackage(1));
    for (const c of [a, b]) {
      await c.until(isEvent); // a announced
      await c.until(isEvent); // a's group started
    }
    expect(await count()).toEqual({ members: 1 });
    // b, still in the lobby, follows the room's events but leaving it sequences nothing.
    b.ws.close(1000, "back to the landing page");
    await b.closed;
    await expect(a.next(300)).rejects.toThrow("no message");
    expect(await count()).toEqual({ members: 1 });
    closeAll([a]);
  });

  it("answers unknown non-GET paths with a JSON 404; unknown GETs are the single-page app", async () => {
    const res = await exports.default.fetch(`${base}/nope`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
    const page = await exports.default.fetch(`${base}/r/some-room`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("sequencing", () => {
  it("assigns member ids, numbers events and broadcasts them within the room only", async () => {
    const room = newRoomId();
    const a = await connect(room);
    const b = await connect(room);
    const other = await connect(newRoomId());
    expect([a.me, b.me]).toEqual(["m1", "m2"]);
    expect(other.me).toBe("m1");
    a.sendBinary(fakeKeyPackage(1));
    for (const c of [a, b]) {
      const ev = await c.until(isEvent);
      expect(ev.seq).toBe(0n);
      expect(ev.event).toMatchObject({ type: "announced", member: "m1" });
      const started = await c.until(isEvent);
      expect(started.seq).toBe(1n);
      expect(started.event).toMatchObject({ type: "group-started", creator: "m1" });
    }
    await expect(other.next(300)).rejects.toThrow("no message");
    b.sendBinary(fakeKeyPackage(2));
    expect((await a.until(isEvent)).event).toMatchObject({ type: "announced", member: "m2" });
    b.ws.close(1000, "bye");
    const left = await a.until(isEvent);
    expect(left.event).toEqual({ type: "left", member: "m2" });
    expect(left.seq).toBe(3n);
    closeAll([a, other]);
  });

  it("relays binary signal frames between present members only, stamped with the sender", async () => {
    const room = newRoomId();
    const [a, b, c] = [await connect(room), await connect(room), await connect(room)];
    a.sendBinary(fakeKeyPackage(1));
    b.sendBinary(fakeKeyPackage(2));
    for (let i = 0; i < 3; i++) await b.until(isEvent); // a announced, group started, b announced
    const payload = new TextEncoder().encode(JSON.stringify({ sdp: "offer", n: [1, 2] }));
    a.sendBinary(encodeClientMessage({ type: "signal", to: b.me!, payload }));
    expect(await b.until(isSignal)).toEqual({ type: "signal", from: a.me, payload });
    // To a member that is not here, or to one still in the lobby (c never announced): dropped, not an error.
    a.sendBinary(encodeClientMessage({ type: "signal", to: "m99", payload }));
    a.sendBinary(encodeClientMessage({ type: "signal", to: c.me!, payload }));
    c.sendBinary(encodeClientMessage({ type: "signal", to: a.me!, payload }));
    await expect(c.until(isSignal, 300)).rejects.toThrow("no message");
    await expect(a.until(isSignal, 300)).rejects.toThrow("no message");
    expect(a.isClosed()).toBe(false);
    expect(c.isClosed()).toBe(false);
    closeAll([a, b, c]);
  });
});

describe("limits and malformed frames", () => {
  it.each([
    ["JSON", JSON.stringify({ type: "signal", to: "m1", payload: 1 })],
    ["pong", "pong"],
    ["empty", ""],
  ])("closes with 1007 on a text frame other than ping (%s) and the member leaves", async (_name, text) => {
    const room = newRoomId();
    const a = await connect(room);
    const b = await connect(room);
    b.sendBinary(fakeKeyPackage());
    await a.until(isEvent);
    b.ws.send(text);
    const closed = await b.closed;
    expect(closed.code).toBe(CloseCode.malformed);
    expect(closed.reason).toContain("text frames");
    const left = await a.until(
      (m): m is Extract<typeof m, { type: "event" }> => isEvent(m) && m.event.type === "left",
    );
    expect(left.event).toEqual({ type: "left", member: b.me });
    closeAll([a]);
  });

  it.each([
    ["empty", new Uint8Array(0)],
    ["unknown version", new Uint8Array([2, 1, 0, 0, 0, 1, 0])],
    ["unknown tag", new Uint8Array([1, 9])],
    ["truncated key package", fakeKeyPackage().subarray(0, 6)],
    ["trailing bytes", new Uint8Array([...fakeKeyPackage(), 0])],
    [
      "key package with a Welcome's wire format",
      encodeClientMessage({ type: "key-package", keyPackage: new Uint8Array([0, 1, 0, 3]) }),
    ],
  ])("closes with 1007 on a malformed binary frame (%s)", async (_name, bytes) => {
    const a = await connect(newRoomId());
    a.sendBinary(bytes);
    const closed = await a.closed;
    expect(closed.code).toBe(CloseCode.malformed);
    expect(closed.reason).toContain("malformed");
  });

  it("closes with 1009 on an oversized message", async () => {
    const a = await connect(newRoomId());
    a.sendBinary(new Uint8Array(DEFAULT_LIMITS.maxMessageBytes + 1));
    expect((await a.closed).code).toBe(CloseCode.tooBig);
  });

  it("closes with 4002 when a connection sends faster than the message rate", async () => {
    const room = newRoomId();
    const a = await connect(room);
    const b = await connect(room);
    a.sendBinary(fakeKeyPackage(1));
    b.sendBinary(fakeKeyPackage(2));
    for (let i = 0; i < 3; i++) await b.until(isEvent); // both present: signals are relayed
    const signal = encodeClientMessage({ type: "signal", to: b.me!, payload: Uint8Array.of(0) });
    // Far more than the burst plus what refills at 50/s while the room works through them (the two key
    // packages took two tokens).
    for (let i = 0; i < 3 * DEFAULT_LIMITS.messageBurst; i++) a.sendBinary(signal);
    const closed = await a.closed;
    expect(closed.code).toBe(CloseCode.rateLimited);
    expect(closed.reason).toContain("messages per second");
    // The burst itself was relayed.
    let relayed = 0;
    while (relayed < DEFAULT_LIMITS.messageBurst - 1) {
      await b.until(isSignal);
      relayed++;
    }
    expect(b.isClosed()).toBe(false);
    closeAll([b]);
  });

  it("closes with 4003 on a key-package flood, and with the same limit on resync requests", async () => {
    for (const type of ["key-package", "resync"] as const) {
      const a = await connect(newRoomId());
      const frame = encodeClientMessage({ type, keyPackage: new Uint8Array([0, 1, 0, 5]) });
      for (let i = 0; i <= DEFAULT_LIMITS.keyPackageBurst; i++) a.sendBinary(frame);
      const closed = await a.closed;
      expect(closed.code).toBe(CloseCode.keyPackageFlood);
      expect(closed.reason).toContain("key packages per minute");
    }
  });

  it("admits 50 members and closes the 51st with 4001", async () => {
    const room = newRoomId();
    const members: Client[] = [];
    for (let i = 0; i < DEFAULT_LIMITS.maxMembers; i++) members.push(await connect(room));
    const res = await exports.default.fetch(`${base}/rooms/${room}/ws`, {
      headers: { Upgrade: "websocket" },
    });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const closed = new Promise<CloseEvent>((r) => ws.addEventListener("close", r));
    ws.accept();
    const e = await closed;
    expect(e.code).toBe(CloseCode.roomFull);
    expect(e.reason).toContain("50 members");
    // A member leaving makes room again.
    members[0]!.ws.close(1000, "bye");
    await members[0]!.closed;
    await new Promise((r) => setTimeout(r, 100));
    const again = await connect(room);
    expect(again.me).toBe("m51");
    closeAll([...members, again]);
  });

  it("treats a silent (half-open) socket as gone after the heartbeat timeout; pings keep a member", async () => {
    const room = newRoomId();
    const alive = await connect(room, { ping: false });
    const silent = await connect(room, { ping: false });
    silent.sendBinary(fakeKeyPackage());
    const pinger = setInterval(() => alive.ws.send("ping"), 300);
    let pongs = 0;
    alive.ws.addEventListener("message", (e) => {
      if (e.data === "pong") pongs++;
    });
    const start = Date.now();
    const left = await alive.until(
      (m): m is Extract<typeof m, { type: "event" }> => isEvent(m) && m.event.type === "left",
      10_000,
    );
    clearInterval(pinger);
    expect(left.event).toEqual({ type: "left", member: silent.me });
    // Timeout 1.5 s, checked every 0.5 s.
    expect(Date.now() - start).toBeLessThan(4_000);
    expect((await silent.closed).code).toBe(CloseCode.heartbeatTimeout);
    expect(alive.isClosed()).toBe(false);
    expect(pongs).toBeGreaterThan(2);
    closeAll([alive]);
  });
});

describe("media configuration without SFU credentials", () => {
  it("tells the client to use the peer mesh with no ICE servers", async () => {
    const res = await exports.default.fetch(`${base}/media/config`);
    expect(await res.json()).toEqual({ mode: "mesh", iceServers: [] });
  });

  it("answers the SFU proxy with 503 and a reason", async () => {
    const res = await exports.default.fetch(`${base}/partytracks/sessions/new`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toContain("CALLS_APP_ID");
  });
});
