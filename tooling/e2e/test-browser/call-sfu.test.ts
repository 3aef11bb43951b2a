/**
 * Encrypted calls over an SFU in real Chromium: the room Worker under `wrangler dev` with the Realtime
 * SFU configured (`CALLS_APP_ID`, `CALLS_APP_SECRET`, `CALLS_API_BASE`) pointing at `@sealroom/local-sfu`
 * (a real SFU on werift, on 127.0.0.1), so `/media/config` says `sfu` and every tab pushes its tracks to
 * the SFU and pulls the others' through the room's `/partytracks/*` proxy. Checked: three members decode
 * each other's video and audio with one safety number, with no mesh connection at all; where the tracks
 * are travels only inside MLS (never in clear on the room socket) and the SFU learns no member id or
 * name; a member that leaves has its pulls closed in every page and on the SFU, and in the new epoch
 * every receiver sends a keyframe request toward the SFU; a tap on the media path (the frames as they go to the SFU) cannot decrypt
 * them without the keys; pulls whose requests the SFU fails are pulled again until they are answered.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalSfu } from "@sealroom/local-sfu";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Call } from "../../../apps/web/src/engine/call.ts";
import { type LaunchedBrowser, launchChromium } from "../src/browser.ts";
import {
  callState,
  expectAgreement,
  expectDecoding,
  expectTapCannotDecrypt,
  newRoom,
  openCall,
  openTappedPair,
  rtpDebug,
} from "../src/call-pages.ts";
import { bundleFixture } from "../src/fixture-server.ts";
import type { SfuFaults } from "../src/sfu-faults.ts";
import { startSfuRoom, stop } from "../src/workspace.ts";

type CallGlobal = { sealroomCall: Call };

const persist = mkdtempSync(join(tmpdir(), "sealroom-call-sfu-"));
let sfu: LocalSfu;
let faults: SfuFaults;
let room: Awaited<ReturnType<typeof startSfuRoom>>["room"];
let origin: string;
let chromium: LaunchedBrowser;
const errors: string[] = [];
/** Every room-socket frame of every page. */
const wire: Buffer[] = [];
/** Every request body any page sent to the SFU proxy (`/partytracks/*`). */
const toSfu: string[] = [];

beforeAll(async () => {
  let front: SfuFaults | null;
  ({ sfu, room, origin, faults: front } = await startSfuRoom(persist, {}, { faults: true }));
  faults = front!;
  chromium = await launchChromium();
}, 150_000);

afterAll(async () => {
  await chromium?.close();
  if (room) await stop(room);
  await faults?.close();
  await sfu?.close();
  rmSync(persist, { recursive: true, force: true });
});

/**
 * Console lines partytracks leaves when a request to the SFU fails and it retries (an SFU session lost
 * under load: unhandled rejections of its own promises, "Invariant failed", the SFU's error text, the
 * browser's failed-resource line, and our record of the proxy's 4xx/5xx answer). Recovery is what the
 * tests check; anything else on the console fails them.
 */
const RETRY_NOISE = [
  /^undefined$/,
  /^Invariant failed$/,
  /^no session "[0-9a-f]+"$/,
  /^injected fault$/, // the error text of the pull requests `sfu-faults.ts` fails
  /^Failed to load resource: the server responded with a status of (404|502|503)/,
  /^SFU proxy (404|502|503) \/partytracks\//,
];
const unexpected = (xs: string[]) => xs.filter((e) => !RETRY_NOISE.some((r) => r.test(e)));

function open(roomId: string): Promise<Page> {
  return openCall(chromium.context, origin, roomId, { errors, wire, setup: watchSfuRequests });
}

/** The engine's SFU warnings (`sealroom sfu…`: plane rebuilt, push or pull failed), for failure messages. */
const notes: string[] = [];

function watchSfuRequests(page: Page): void {
  page.on("console", (m) => {
    if (m.type() === "warning" && m.text().startsWith("sealroom sfu")) notes.push(m.text());
  });
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/partytracks/"))
      toSfu.push(`${r.url()}\n${r.postData() ?? ""}`);
  });
  page.on("response", async (r) => {
    if (!new URL(r.url()).pathname.startsWith("/partytracks/") || r.status() < 400) return;
    errors.push(`SFU proxy ${r.status()} ${new URL(r.url()).pathname}: ${await r.text().catch(() => "")}`);
  });
}

/** A session's tracks on the SFU; none once the SFU dropped the session (its connection failed). */
function sessionTracks(session: string) {
  try {
    return sfu.sfu.sessionState(session).tracks;
  } catch {
    return [];
  }
}

const pulls = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as CallGlobal).sealroomCall.sfuPulls());

/** Our announced tracks, and the keyframe requests our video receivers sent. */
const local = (page: Page) =>
  page.evaluate(async () => {
    const c = (globalThis as unknown as CallGlobal).sealroomCall;
    const { tracks, connection } = c.sfuLocal();
    /** Keyframe requests (RTCP PLI) each pulled video track's receiver sent, by member. */
    const pli: Record<string, number> = {};
    const owner = new Map(c.sfuPulls().map((p) => [p.trackId, p.member]));
    (await connection?.getStats())?.forEach((r) => {
      const member = owner.get(r.trackIdentifier);
      if (r.type === "inbound-rtp" && r.kind === "video" && member) pli[member] = r.pliCount ?? 0;
    });
    return { tracks, pli, meshPeers: c.peers.size };
  });

describe("encrypted call in Chromium over the SFU", () => {
  let roomId: string;
  let pages: Page[] = [];

  it("the room says sfu; three members decode each other over the SFU with one safety number", async () => {
    const config = (await (await fetch(`${origin}/media/config`)).json()) as { mode: string };
    expect(config.mode).toBe("sfu");
    roomId = await newRoom(origin);
    pages = [await open(roomId), await open(roomId), await open(roomId)];
    const states = await expectAgreement(pages);
    expect(states.map((s) => s.dataPlane)).toEqual(["sfu", "sfu", "sfu"]);
    await expectDecoding(pages, errors);
    const ids = states.map((s) => s.me!);
    // One per-member quality source on this plane too: each other member's stats carry the round trip
    // (to the SFU) and the member's own streams, and its tile shows a graded quality indicator.
    await expect
      .poll(
        async () =>
          (
            await Promise.all(
              pages.map((page) =>
                page.evaluate(async () => {
                  const stats = await (globalThis as unknown as CallGlobal).sealroomCall.mediaStats();
                  return stats.map((s) => {
                    const q = document.querySelector<HTMLElement>(`figure[data-key="${s.member}"] .quality`);
                    return {
                      member: s.member,
                      rtt: s.rttMs !== null,
                      frames: Object.values(s.frames).some((n) => n > 0),
                      q: q?.dataset.q ?? "none",
                    };
                  });
                }),
              ),
            )
          ).map((rows) =>
            rows
              .filter((r) => r.rtt && r.frames && ["good", "fair", "poor"].includes(r.q))
              .map((r) => r.member)
              .sort(),
          ),
        { timeout: 15_000, interval: 500 },
      )
      .toEqual(pages.map((_, i) => ids.filter((m) => m !== ids[i]).sort()));
    for (const [i, page] of pages.entries()) {
      const l = await local(page);
      expect(l.meshPeers).toBe(0); // no mesh: all media goes through the SFU
      expect(l.tracks.map((t) => t.slot).sort()).toEqual(["audio", "video"]);
      // Two pulls (audio, video) from each of the two others, exactly what they announced.
      const open = await pulls(page);
      expect(open.map((p) => `${p.member}/${p.slot}`).sort()).toEqual(
        ids
          .filter((m) => m !== ids[i])
          .flatMap((m) => [`${m}/audio`, `${m}/video`])
          .sort(),
      );
      expect(open.every((p) => p.readyState === "live")).toBe(true);
    }
    // The SFU holds one session per member, each pushing two tracks and pulling four.
    const sessions = new Set(
      (await Promise.all(pages.map(local))).flatMap((l) => l.tracks.map((t) => t.session)),
    );
    expect(sessions.size).toBe(3);
    for (const s of sessions) {
      const tracks = sfu.sfu.sessionState(s).tracks;
      expect(tracks.filter((t) => t.location === "local")).toHaveLength(2);
      expect(tracks.filter((t) => t.location === "remote")).toHaveLength(4);
    }
    expect(unexpected(errors)).toEqual([]);
  });

  it("where the tracks are never crosses the room socket in clear; the SFU learns no member id", async () => {
    const states = await Promise.all(pages.map(callState));
    const announced = (await Promise.all(pages.map(local))).flatMap((l) => l.tracks);
    expect(announced.length).toBe(6);
    const relayed = Buffer.concat(wire);
    expect(relayed.length).toBeGreaterThan(10_000);
    for (const t of announced) {
      expect(relayed.includes(Buffer.from(t.session)), `session ${t.session} on the socket`).toBe(false);
      expect(relayed.includes(Buffer.from(t.name)), `track ${t.name} on the socket`).toBe(false);
    }
    expect(toSfu.some((r) => r.includes("/partytracks/sessions/new"))).toBe(true);
    // What the engine chooses in a request: the URL and every JSON field but the SDP (whose random
    // ICE credentials and CNAMEs can contain a short id like "m1" by chance), and from the SDP the
    // stream and track ids (msid), the only identifiers in it an application could set.
    const chosen = toSfu.map((r) => {
      const [url, body = ""] = r.split("\n", 2) as [string, string?];
      let sdp = "";
      let rest = body;
      try {
        const json = JSON.parse(body) as { sessionDescription?: { sdp?: string } };
        sdp = json.sessionDescription?.sdp ?? "";
        delete json.sessionDescription;
        rest = JSON.stringify(json);
      } catch {
        // not JSON: checked whole
      }
      const msids = [...sdp.matchAll(/^a=msid:(\S+) (\S+)/gm)].flatMap((m) => [m[1]!, m[2]!]);
      return { text: `${url}\n${rest}`, msids };
    });
    const sent = chosen.map((c) => c.text).join("\n");
    const msids = new Set(chosen.flatMap((c) => c.msids));
    expect(msids.size).toBeGreaterThan(0);
    for (const s of states) {
      expect(sent.includes(s.me!), `member ${s.me} sent to the SFU`).toBe(false);
      expect(msids.has(s.me!), `member ${s.me} as an msid`).toBe(false);
    }
    expect(sent.includes(roomId)).toBe(false);
    expect([...msids].some((m) => m.includes(roomId))).toBe(false);
  });

  it("one leaves: its pulls close everywhere; in the new epoch every receiver asks for a keyframe; the rest still see and hear each other", async () => {
    const leaving = pages.splice(1, 1)[0]!;
    const gone = (await callState(leaving)).me!;
    const goneSession = (await local(leaving)).tracks[0]!.session;
    const before = await Promise.all(pages.map(local));
    const epochBefore = (await callState(pages[0]!)).epoch!;
    await leaving.close();
    await expect
      .poll(
        async () => (await Promise.all(pages.map(pulls))).every((ps) => ps.every((p) => p.member !== gone)),
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toBe(true);
    const states = await expectAgreement(pages);
    expect(BigInt(states[0]!.epoch!)).toBeGreaterThan(BigInt(epochBefore));
    expect(states[0]!.roster).not.toContain(gone);
    // The SFU closed the remaining sessions' pulls of the leaver's tracks (partytracks' tracks/close).
    const remaining = (await Promise.all(pages.map(local))).map((l) => l.tracks[0]!.session);
    await expect
      .poll(
        () =>
          remaining.every((s) =>
            sessionTracks(s).every((t) => t.location !== "remote" || t.sessionId !== goneSession),
          ),
        { timeout: 10_000, interval: 250 },
      )
      .toBe(true)
      .catch((err) => {
        const state = remaining.map(sessionTracks);
        throw new Error(`left ${goneSession}: ${JSON.stringify({ state, errors, notes })}`, { cause: err });
      });
    // After the epoch switch every receiver asks for a keyframe (RTCP PLI toward the SFU, which should
    // relay it to the sender; Chromium's transformers cannot make their own sender encode one).
    let after: Awaited<ReturnType<typeof local>>[] = [];
    const asked = async () => {
      after = await Promise.all(pages.map(local));
      return after.every((l, i) =>
        Object.entries(before[i]!.pli)
          .filter(([m]) => m !== gone)
          .every(([m, n]) => (l.pli[m] ?? 0) > n),
      );
    };
    await expect
      .poll(asked, { timeout: 10_000, interval: 250 })
      .toBe(true)
      .catch(async (err) => {
        const rtp = await Promise.all(pages.map(rtpDebug));
        const data = { before: before.map((b) => b.pli), after: after.map((a) => a.pli), rtp, notes };
        throw new Error(`keyframe requests: ${JSON.stringify(data)}`, { cause: err });
      });
    // The rest still see and hear each other over their remaining pulls, under the new epoch's keys.
    await expectDecoding(pages, errors);
    expect(unexpected(errors)).toEqual([]);
    for (const p of pages) await p.close();
  });

  it("pulls whose requests the SFU fails are pulled again, and both members decode each other", async () => {
    const id = await newRoom(origin);
    const first = await open(id);
    await expectAgreement([first]);
    // Every pull request of this pair fails once: the joiner's pull of the first member's tracks and the
    // first member's pull of the joiner's. partytracks never retries a failed `tracks/new` itself.
    faults.failPulls(2);
    const noted = notes.length;
    const pair = [first, await open(id)];
    await expectAgreement(pair);
    await expect.poll(() => faults.failed(), { timeout: 30_000, interval: 250 }).toBe(2);
    await expectDecoding(pair, errors);
    const retried = notes.slice(noted).filter((n) => /refused by the SFU, pulled again \(retry 1\)/.test(n));
    expect(retried.length, notes.slice(noted).join("\n")).toBeGreaterThanOrEqual(2);
    for (const page of pair) expect((await pulls(page)).every((p) => p.readyState === "live")).toBe(true);
    expect(unexpected(errors)).toEqual([]);
    for (const p of pair) await p.close();
  });
});

describe("what the SFU path carries", () => {
  let tapBundle: string;

  beforeAll(async () => {
    tapBundle = await bundleFixture("call/tap-media-worker.ts");
  });

  it("a tap on the frames sent to the SFU cannot decrypt them without the keys", async () => {
    const tapErrors: string[] = [];
    const tapped = await openTappedPair(origin, tapBundle, { errors: tapErrors, wire });
    expect((await callState(tapped.pages[0]!)).dataPlane).toBe("sfu");
    await expectTapCannotDecrypt(tapped.workers[0]!, tapped.workers[1]!);
    expect(unexpected(tapErrors)).toEqual([]);
    await tapped.browser.close();
  });
});
