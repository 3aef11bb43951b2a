import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const base = "http://room.test";

async function connect(room: string): Promise<WebSocket> {
  const res = await exports.default.fetch(`${base}/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  return ws;
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) =>
    ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }),
  );
}

describe("room worker", () => {
  it("answers /healthz with its name and version", async () => {
    const res = await exports.default.fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.name).toBe("@sealroom/room");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body).not.toHaveProperty("commit");
  });

  it("rejects a malformed room name with a reason", async () => {
    const res = await exports.default.fetch(`${base}/rooms/Bad_Name/ws`, {
      headers: { Upgrade: "websocket" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("room name");
  });

  it("requires a WebSocket upgrade", async () => {
    const res = await exports.default.fetch(`${base}/rooms/abc/ws`);
    expect(res.status).toBe(426);
  });

  it("relays a message to the other members of the same room only", async () => {
    const a = await connect("alpha");
    const b = await connect("alpha");
    const other = await connect("beta");
    let leaked = false;
    other.addEventListener("message", () => {
      leaked = true;
    });
    let echoed = false;
    a.addEventListener("message", () => {
      echoed = true;
    });
    const got = nextMessage(b);
    a.send("hello");
    expect(await got).toBe("hello");
    // A round trip through the same room orders after the first message.
    const back = nextMessage(a);
    b.send("ack");
    expect(await back).toBe("ack");
    expect(echoed).toBe(true); // a's only message is b's ack, not its own echo
    expect(leaked).toBe(false);
    for (const ws of [a, b, other]) ws.close(1000, "done");
  });

  it("closes a socket that sends an oversized message", async () => {
    const a = await connect("big");
    const closed = new Promise<number>((resolve) => a.addEventListener("close", (e) => resolve(e.code)));
    a.send(new Uint8Array(256 * 1024 + 1));
    expect(await closed).toBe(1009);
  });
});
