/**
 * Encrypted calls end to end in real Chromium: the room Worker under `wrangler dev` serves the built web
 * client; each participant is a tab with a fake camera and microphone that joins by the invite link, runs
 * MLS in its MLS worker and SFrame in its media worker, and meets the others over a WebRTC peer mesh on
 * loopback. Checked: every member decodes every other member's video and audio and shows the same safety
 * number through joins, a leave, the committer's tab closing and a 5 s network drop; a tap on the media
 * path cannot decrypt without the keys; no key byte is in the room's stored state or on the socket.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Worker } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import {
  committerOf,
  expectAgreement,
  expectDecoding as expectDecodingWith,
  expectTapCannotDecrypt,
  newRoom as newRoomAt,
  openCall,
  openTappedPair,
  callState as state,
} from "../src/call-pages.ts";
import { bundleFixture } from "../src/fixture-server.ts";
import { freePort, startWorker, stop } from "../src/workspace.ts";

const persist = mkdtempSync(join(tmpdir(), "sealroom-call-"));
let room: Awaited<ReturnType<typeof startWorker>>;
let chromium: LaunchedBrowser;
let origin: string;
/** Every WebSocket frame any participant sent or received. */
const wire: Buffer[] = [];

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  room = await startWorker("room", { port, inspectorPort: await freePort(), persistTo: persist });
  chromium = await launchChromium();
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  await stop(room);
  rmSync(persist, { recursive: true, force: true });
});

const consoleErrors: string[] = [];
const newRoom = () => newRoomAt(origin);
const open = (roomId: string, errors: string[]) =>
  openCall(chromium.context, origin, roomId, { errors, wire });
const expectDecoding = (pages: Page[], timeout?: number) => expectDecodingWith(pages, consoleErrors, timeout);

describe("encrypted call in Chromium (peer mesh)", () => {
  const errors = consoleErrors;
  let roomId: string;
  let pages: Page[] = [];

  it("three participants decode each other's video and audio and show one safety number", async () => {
    roomId = await newRoom();
    pages = [await open(roomId, errors), await open(roomId, errors), await open(roomId, errors)];
    const states = await expectAgreement(pages);
    expect(new Set(states.map((s) => s.me)).size).toBe(3);
    await expectDecoding(pages);
    expect(errors).toEqual([]);
  });

  it("a fourth joins: a new epoch, all four equal and decoding", async () => {
    const before = (await state(pages[0]!)).epoch;
    pages.push(await open(roomId, errors));
    const states = await expectAgreement(pages);
    expect(BigInt(states[0]!.epoch!)).toBeGreaterThan(BigInt(before!));
    await expectDecoding(pages);
  });

  it("one leaves: removed within 10 s, the rest equal and still decoding", async () => {
    const leaving = pages.splice(1, 1)[0]!;
    const gone = (await state(leaving)).me!;
    const before = await state(pages[0]!);
    const started = Date.now();
    await leaving.close();
    // The room announces the leave at once (the socket closes); the next commit removes it from MLS.
    await expect
      .poll(async () => (await Promise.all(pages.map(state))).every((s) => !s.present.includes(gone)), {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    const states = await expectAgreement(pages);
    expect(states[0]!.roster).not.toContain(gone);
    expect(states[0]!.safety).not.toBe(before.safety);
    await expectDecoding(pages);
  });

  it("the committer closes its tab: the next takes over and a fifth still joins", async () => {
    const committer = await committerOf(pages);
    pages = pages.filter((p) => p !== committer);
    await committer.close();
    await expectAgreement(pages);
    pages.push(await open(roomId, errors));
    await expectAgreement(pages);
    await expectDecoding(pages);
  });

  it("a participant's network drops for 5 s: it rejoins and decodes again", async () => {
    const dropped = pages[0]!;
    const before = await state(dropped);
    await dropped.evaluate(() =>
      (
        globalThis as unknown as { sealroomCall: import("../../../apps/web/src/engine/call.ts").Call }
      ).sealroomCall.disconnectFor(5_000),
    );
    await expect.poll(async () => (await state(dropped)).connection, { timeout: 2_000 }).toBe("reconnecting");
    await new Promise((r) => setTimeout(r, 5_000));
    const states = await expectAgreement(pages);
    expect(states[0]!.me).not.toBe(before.me); // a new member id: the old one was removed
    await expectDecoding(pages);
    expect(errors).toEqual([]);
    for (const p of pages) await p.close();
  });
});

describe("what the media path and the room see", () => {
  let tapBundle: string;

  beforeAll(async () => {
    tapBundle = await bundleFixture("call/tap-media-worker.ts");
  });

  it("a tap on the sent frames cannot decrypt them without the keys; no key byte reaches the room", async () => {
    const errors: string[] = [];
    const tapped = await openTappedPair(origin, tapBundle, { errors, wire });
    const [a, b] = tapped.workers as [Worker, Worker];
    await expectTapCannotDecrypt(a, b);
    const roomId = await tapped.pages[0]!.evaluate(() => location.pathname.split("/")[2]!);

    const secrets = new Set<string>();
    for (const w of [a, b]) {
      for (const s of await w.evaluate(() =>
        (globalThis as never as { sealroomTap: { secrets(): Promise<string[]> } }).sealroomTap.secrets(),
      )) {
        secrets.add(s);
      }
    }
    expect(secrets.size).toBeGreaterThan(2);
    await tapped.browser.close();

    // The room Durable Object's stored state (SQLite files and WAL under --persist-to) and every byte
    // relayed over any participant's socket in this file.
    const stored: Buffer[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else stored.push(readFileSync(path));
      }
    };
    walk(persist);
    const store = Buffer.concat(stored);
    expect(store.includes(Buffer.from(roomId))).toBe(true); // the room's state is in what we search
    const relayed = Buffer.concat(wire);
    expect(relayed.length).toBeGreaterThan(10_000);
    for (const hex of secrets) {
      const key = Buffer.from(hex, "hex");
      expect(store.includes(key), `stored state holds ${hex}`).toBe(false);
      expect(relayed.includes(key), `relayed bytes hold ${hex}`).toBe(false);
    }
    expect(errors).toEqual([]);
  });
});
