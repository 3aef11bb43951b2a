/**
 * The encoded-transform fallback in real Chromium: a tab whose page has no `RTCRtpScriptTransform` (as
 * in Chromium before script transforms: the constructor is deleted before the app loads) must attach the
 * SFrame transform with `createEncodedStreams()` on every sender and receiver, on connections made with
 * `encodedInsertableStreams: true`, and still hold an encrypted call with a tab that uses script
 * transforms — on the peer mesh and over the SFU (`@sealroom/local-sfu`). Checked: both decode each
 * other's video and audio, agree on the safety number, and the fallback tab really took the fallback
 * (its senders and receivers carry no script transform and each of them had its streams created once).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalSfu } from "@sealroom/local-sfu";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Call } from "../../../apps/web/src/engine/call.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import { callState, expectAgreement, expectDecoding, newRoom, openCall } from "../src/call-pages.ts";
import { startSfuRoom, startTabsRoom, stop } from "../src/workspace.ts";

type CallGlobal = { sealroomCall: Call };
type FallbackGlobal = { sealroomEncodedStreams: { sender: number; receiver: number } };

let chromium: LaunchedBrowser;
const errors: string[] = [];
const wire: Buffer[] = [];

beforeAll(async () => {
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
});

/**
 * Before any app script: no `RTCRtpScriptTransform`, and a count of `createEncodedStreams()` calls per
 * side (the browser's own method is still the one that runs).
 */
function withoutScriptTransform(page: Page): void {
  void page.addInitScript(() => {
    delete (globalThis as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform;
    const counts = { sender: 0, receiver: 0 };
    (globalThis as unknown as FallbackGlobal).sealroomEncodedStreams = counts;
    for (const [side, proto] of [
      ["sender", RTCRtpSender.prototype],
      ["receiver", RTCRtpReceiver.prototype],
    ] as const) {
      const own = (proto as unknown as { createEncodedStreams: () => unknown }).createEncodedStreams;
      Object.defineProperty(proto, "createEncodedStreams", {
        configurable: true,
        value(this: unknown) {
          counts[side]++;
          return own.call(this);
        },
      });
    }
  });
}

/** What the fallback tab's connections carry: transceivers with media, and any script transform set. */
function transformsOf(page: Page) {
  return page.evaluate(async () => {
    const c = (globalThis as unknown as CallGlobal).sealroomCall;
    const connections = [...c.peers.values()].map((p) => p.pc);
    const sfu = c.sfuLocal().connection;
    if (sfu) connections.push(sfu);
    const sides = connections.flatMap((pc) =>
      pc
        .getTransceivers()
        .filter((t) => t.currentDirection !== null && t.currentDirection !== "inactive")
        .map((t) => ({
          sends: t.currentDirection!.startsWith("send"),
          receives: t.currentDirection!.includes("recv"),
          scriptTransform: Boolean(t.sender.transform || t.receiver.transform),
          insertable: (pc.getConfiguration() as { encodedInsertableStreams?: boolean })
            .encodedInsertableStreams,
        })),
    );
    return {
      hasScriptTransform: "RTCRtpScriptTransform" in globalThis,
      counts: (globalThis as unknown as FallbackGlobal).sealroomEncodedStreams,
      sides,
    };
  });
}

async function expectFallbackCall(origin: string, plane: "mesh" | "sfu"): Promise<void> {
  const roomId = await newRoom(origin);
  const fallback = await openCall(chromium.context, origin, roomId, {
    errors,
    wire,
    setup: withoutScriptTransform,
  });
  const modern = await openCall(chromium.context, origin, roomId, { errors, wire });
  const pages = [fallback, modern];
  const states = await expectAgreement(pages);
  expect(states.map((s) => s.dataPlane)).toEqual([plane, plane]);
  await expectDecoding(pages, errors);
  const seen = await transformsOf(fallback);
  expect(seen.hasScriptTransform).toBe(false);
  // Audio and video each way (mesh: one sendrecv transceiver per kind; SFU: one per direction).
  expect(seen.sides.filter((s) => s.sends).length).toBeGreaterThanOrEqual(2);
  expect(seen.sides.filter((s) => s.receives).length).toBeGreaterThanOrEqual(2);
  for (const s of seen.sides) expect(s).toMatchObject({ scriptTransform: false, insertable: true });
  // One createEncodedStreams() per sending and per receiving side (a second call would throw).
  expect(seen.counts.sender).toBe(seen.sides.filter((s) => s.sends).length);
  expect(seen.counts.receiver).toBe(seen.sides.filter((s) => s.receives).length);
  // The other tab took the standard path.
  const other = await modern.evaluate(() => "RTCRtpScriptTransform" in globalThis);
  expect(other).toBe(true);
  expect((await callState(modern)).safety).toBe(states[0]!.safety);
  expect(errors).toEqual([]);
  for (const p of pages) await p.close();
}

describe("createEncodedStreams fallback (peer mesh)", () => {
  const persist = mkdtempSync(join(tmpdir(), "sealroom-call-fallback-"));
  let room: Awaited<ReturnType<typeof startTabsRoom>>["room"];
  let origin: string;

  beforeAll(async () => {
    ({ room, origin } = await startTabsRoom(persist));
  }, 150_000);

  afterAll(async () => {
    if (room) await stop(room);
    rmSync(persist, { recursive: true, force: true });
  });

  it("a tab without script transforms and one with them decode each other over the mesh", async () => {
    await expectFallbackCall(origin, "mesh");
  });
});

describe("createEncodedStreams fallback (SFU)", () => {
  const persist = mkdtempSync(join(tmpdir(), "sealroom-call-fallback-sfu-"));
  let sfu: LocalSfu;
  let room: Awaited<ReturnType<typeof startSfuRoom>>["room"];
  let origin: string;

  beforeAll(async () => {
    ({ sfu, room, origin } = await startSfuRoom(persist));
  }, 150_000);

  afterAll(async () => {
    if (room) await stop(room);
    await sfu?.close();
    rmSync(persist, { recursive: true, force: true });
  });

  it("a tab without script transforms and one with them decode each other over the SFU", async () => {
    await expectFallbackCall(origin, "sfu");
  });
});
