/**
 * The local full stack as `pnpm dev` runs it: the three Workers under `wrangler dev` in workerd,
 * listening on 127.0.0.1 only, with local Durable Objects and R2. Ports are shifted from the dev
 * ports (8787–8789) so the test does not collide with a stack a developer has running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeServerMessage, encodeClientMessage } from "@sealroom/committer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, start, stop, waitFor } from "../src/workspace.ts";

const offset = Number(process.env.SEALROOM_SMOKE_PORT_OFFSET ?? 10_000);
const apps = [
  { name: "room", port: 8787 + offset },
  { name: "transparency", port: 8788 + offset },
  { name: "witness", port: 8789 + offset },
] as const;

const persist = mkdtempSync(join(tmpdir(), "sealroom-smoke-"));
const children: ReturnType<typeof start>[] = [];

beforeAll(async () => {
  for (const [i, app] of apps.entries()) {
    children.push(
      start(
        "wrangler",
        [
          "dev",
          "--config",
          join(ROOT, "apps", app.name, "wrangler.jsonc"),
          "--ip",
          "127.0.0.1",
          "--port",
          String(app.port),
          "--inspector-port",
          String(19_229 + i),
          "--persist-to",
          join(persist, app.name),
          "--show-interactive-dev-session=false",
          "--log-level",
          "warn",
        ],
        { cwd: join(ROOT, "apps", app.name) },
      ),
    );
  }
  try {
    await Promise.all(apps.map((a) => waitFor(`http://127.0.0.1:${a.port}/healthz`, 90_000)));
  } catch (err) {
    throw new Error(`${String(err)}\n--- wrangler output ---\n${children.map((c) => c.output()).join("\n")}`);
  }
}, 150_000);

afterAll(async () => {
  await Promise.all(children.map(stop));
  rmSync(persist, { recursive: true, force: true });
}, 60_000);

describe("local stack under wrangler dev", () => {
  for (const app of apps) {
    it(`${app.name} answers /healthz on 127.0.0.1:${app.port}`, async () => {
      const res = await fetch(`http://127.0.0.1:${app.port}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      const body = (await res.json()) as { name: string; version: string };
      expect(body.name).toBe(`@sealroom/${app.name}`);
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    });
  }

  it("the transparency worker reaches its Durable Object SQLite", async () => {
    const body = (await (await fetch(`http://127.0.0.1:${apps[1].port}/healthz`)).json()) as {
      schema: number;
    };
    expect(body.schema).toBeGreaterThanOrEqual(1);
  });

  it("the room worker serves the built web client", async () => {
    const res = await fetch(`http://127.0.0.1:${apps[0].port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>Sealroom</title>");
  });

  it("the room worker sequences members and relays signalling between them", async () => {
    const { room } = (await (
      await fetch(`http://127.0.0.1:${apps[0].port}/rooms`, { method: "POST" })
    ).json()) as {
      room: string;
    };
    const url = `ws://127.0.0.1:${apps[0].port}/rooms/${room}/ws`;
    const firstFrame = (ws: WebSocket) =>
      new Promise<ArrayBuffer>((resolve, reject) => {
        ws.binaryType = "arraybuffer";
        ws.addEventListener("message", (e) => resolve(e.data as ArrayBuffer), { once: true });
        ws.addEventListener("error", () => reject(new Error("websocket error")), { once: true });
      });
    const a = new WebSocket(url);
    const snapA = decodeServerMessage(new Uint8Array(await firstFrame(a)));
    const b = new WebSocket(url);
    const snapB = decodeServerMessage(new Uint8Array(await firstFrame(b)));
    expect(snapA).toMatchObject({ type: "snapshot", you: "m1" });
    expect(snapB).toMatchObject({ type: "snapshot", you: "m2" });
    // Signals flow between present members: both announce (a syntactically valid key package will do).
    const frames = (ws: WebSocket) => {
      const got: ReturnType<typeof decodeServerMessage>[] = [];
      ws.addEventListener("message", (e) =>
        got.push(decodeServerMessage(new Uint8Array(e.data as ArrayBuffer))),
      );
      return got;
    };
    const [fromA, fromB] = [frames(a), frames(b)];
    const keyPackage = encodeClientMessage({ type: "key-package", keyPackage: Uint8Array.of(0, 1, 0, 5, 1) });
    a.send(keyPackage);
    b.send(keyPackage);
    const until = async (ok: () => boolean) => {
      for (const end = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 20)))
        if (Date.now() > end) throw new Error("timed out");
    };
    // m1 announced, group started, m2 announced.
    await until(() => fromA.filter((m) => m.type === "event").length >= 3);
    const payload = new TextEncoder().encode("over the relay");
    a.send(encodeClientMessage({ type: "signal", to: "m2", payload }));
    await until(() => fromB.some((m) => m.type === "signal"));
    expect(fromB.find((m) => m.type === "signal")).toEqual({ type: "signal", from: "m1", payload });
    a.close();
    b.close();
  });
});
