/**
 * The call app as people use it, in real Chromium against the room Worker under `wrangler dev` (loopback
 * namespace, fake camera and microphone): Alice creates a post-quantum (X-Wing, MLS suite 83) room on
 * the landing page, copies the invite link in the lobby, Bob and Carol join through it. Everything is
 * done through the UI (roles, labels, clicks, typing); the test only reads what is on screen. Checked:
 * three tiles with moving video on every screen, names, mute, raised hand and screen share shown on the
 * others' screens, chat delivered to everyone with names and unread count and never readable on the
 * relay (nor the names), one safety number on all three screens that changes when Carol leaves.
 * Screenshots of landing, lobby, the three-way call, the safety-number view and the phone layout go to
 * tooling/e2e/screenshots/ (git-ignored), each checked for what it must show.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchUiChromium, screenshot, type UiBrowser, videoPixels } from "../src/ui-browser.ts";
import { startTabsRoom, stop } from "../src/workspace.ts";

const persist = mkdtempSync(join(tmpdir(), "sealroom-ui-"));
let room: Awaited<ReturnType<typeof startTabsRoom>>["room"];
let browser: UiBrowser;
let origin: string;
/** Every WebSocket frame any participant sent or received (what the relay sees). */
const wire: Buffer[] = [];
const errors: string[] = [];
const tag = randomBytes(4).toString("hex");
const NAMES = [`Alice-${tag}`, `Bob-${tag}`, `Carol-${tag}`];
const VIDEO = "video=160x120@10";

beforeAll(async () => {
  ({ room, origin } = await startTabsRoom(persist));
  browser = await launchUiChromium(origin);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  if (room) await stop(room);
  rmSync(persist, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("websocket", (ws) => {
    const keep = (f: { payload: string | Buffer }) => wire.push(Buffer.from(f.payload));
    ws.on("framesent", keep);
    ws.on("framereceived", keep);
  });
  return page;
}

/** Lobby -> call: type the name, press Join. */
async function joinFromLobby(page: Page, name: string): Promise<void> {
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  await expect.poll(() => page.locator(".toolbar").isVisible(), { timeout: 30_000 }).toBe(true);
}

/** The tile of the member shown under `name` on `page`. */
const tileOf = (page: Page, name: string) => page.locator(`figure.tile:not(.screen)[aria-label="${name}"]`);

async function safetyNumber(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Safety number", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Compare the safety number" });
  await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(true);
  const text = (await dialog.locator(".safety-number .group").allInnerTexts()).join(" ");
  await dialog.getByRole("button", { name: "Done" }).click();
  return text;
}

/** Every page shows the same safety number, in six groups of five digits, and returns it. */
async function agreedSafetyNumber(pages: Page[]): Promise<string> {
  let last: string[] = [];
  await expect
    .poll(
      async () => {
        last = await Promise.all(
          pages.map((p) => p.locator("#safety-number").evaluate((e) => e.textContent ?? "")),
        );
        return last.every((s) => /^\d{30}$/.test(s) && s === last[0]);
      },
      { timeout: 60_000, interval: 300 },
    )
    .toBe(true);
  const shown: string[] = [];
  for (const p of pages) shown.push(await safetyNumber(p));
  for (const s of shown) expect(s).toMatch(/^\d{5}( \d{5}){5}$/);
  expect(new Set(shown).size).toBe(1);
  return shown[0]!;
}

/** A remote camera video on `page` is showing a moving, non-blank picture. */
async function expectMovingVideo(page: Page, selector: string): Promise<void> {
  let first: Awaited<ReturnType<typeof videoPixels>> = null;
  await expect
    .poll(
      async () => {
        first = await videoPixels(page, selector);
        return first !== null && first.sd > 4;
      },
      { timeout: 45_000, interval: 300 },
    )
    .toBe(true);
  await expect
    .poll(
      async () => {
        const now = await videoPixels(page, selector);
        return now?.print.some((v, i) => Math.abs(v - first!.print[i]!) > 2) ?? false;
      },
      { timeout: 30_000, interval: 300 },
    )
    .toBe(true);
}

describe("the call app, driven like a person in Chromium", () => {
  const pages: Page[] = [];
  let invite = "";

  // A failed step must not leave a modal dialog over the next step's controls.
  afterEach(async () => {
    for (const p of pages)
      if (!p.isClosed() && (await p.locator("dialog[open]").count()) > 0) await p.keyboard.press("Escape");
  });

  it("landing: create a post-quantum room; every control has a name and is keyboard reachable", async () => {
    const alice = await newPage();
    pages.push(alice);
    await alice.goto(`${origin}/?${VIDEO}`);
    await expect.poll(() => alice.locator("#status").textContent(), { timeout: 30_000 }).toMatch(/is up\.$/);
    expect(await alice.locator("#transparency-badge").count()).toBe(1);
    // Keyboard: Tab reaches the create button and the suite choice; focus is visible (an outline).
    await alice.keyboard.press("Tab");
    const focused = await alice.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { tag: el.tagName, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.tag).not.toBe("BODY");
    expect(focused.outline).not.toBe("none");
    const unnamed = await alice.evaluate(
      () =>
        Array.from(document.querySelectorAll("button, input, select")).filter((el) => {
          const e = el as HTMLInputElement;
          if (e.type === "radio") return !e.closest("label")?.textContent?.trim();
          return !(e.labels?.length || e.getAttribute("aria-label") || e.textContent?.trim());
        }).length,
    );
    expect(unnamed).toBe(0);
    await screenshot(alice, "landing");
    await alice.getByRole("radio", { name: /Post-quantum/ }).check();
    await alice.getByRole("button", { name: "Create a room" }).click();
    await alice.waitForURL(/\/r\/[A-Za-z0-9_-]{22,64}\?suite=83/);
  });

  it("lobby: preview, mic meter, devices, who is here, copy the invite link", async () => {
    const alice = pages[0]!;
    await expect
      .poll(() => alice.getByText(/Post-quantum \(X-Wing\)/).isVisible(), { timeout: 30_000 })
      .toBe(true);
    await expect
      .poll(() => alice.locator(".present").textContent(), { timeout: 30_000 })
      .toBe("No one else is here yet.");
    await expect
      .poll(async () => (await videoPixels(alice, ".preview video"))?.sd ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(4);
    // The fake microphone beeps: the meter moves.
    await expect
      .poll(() => alice.locator("#mic-meter").evaluate((m) => (m as HTMLMeterElement).value), {
        timeout: 10_000,
        interval: 50,
      })
      .toBeGreaterThan(0.01);
    expect(await alice.getByLabel("Camera", { exact: true }).locator("option").count()).toBeGreaterThan(0);
    await alice.getByLabel("Your name").fill(NAMES[0]!);
    await screenshot(alice, "lobby");
    await alice.getByRole("button", { name: "Copy invite link" }).click();
    await expect.poll(() => alice.getByText("Link copied.").isVisible(), { timeout: 30_000 }).toBe(true);
    invite = await alice.evaluate(() => navigator.clipboard.readText());
    expect(invite).toMatch(new RegExp(`^${origin}/r/[A-Za-z0-9_-]{22,64}\\?suite=83$`));
    await joinFromLobby(alice, NAMES[0]!);

    // Bob and Carol open the link; the lobby tells them who is already there.
    for (const [i, name] of [NAMES[1]!, NAMES[2]!].entries()) {
      const p = await newPage();
      pages.push(p);
      await p.goto(`${invite}&${VIDEO}`);
      await expect
        .poll(() => p.locator(".present").textContent(), { timeout: 30_000 })
        .toBe(i === 0 ? "1 person is in this room." : "2 people are in this room.");
      await joinFromLobby(p, name);
    }
  });

  it("three tiles with moving video and names on every screen; one safety number", async () => {
    for (const [i, page] of pages.entries()) {
      for (const [j, other] of NAMES.entries()) {
        if (i === j) continue;
        await expect.poll(() => tileOf(page, other).count(), { timeout: 45_000 }).toBe(1);
        const member = await tileOf(page, other).locator("video").getAttribute("data-member");
        await expectMovingVideo(page, `video[data-member="${member}"]`);
      }
      expect(await page.locator("figure.tile").count()).toBe(3);
      await expect
        .poll(() => page.locator("#e2ee-status").textContent(), { timeout: 30_000 })
        .toMatch(/Encrypted · Post-quantum \(X-Wing\) · epoch \d+/);
    }
    const number = await agreedSafetyNumber(pages);
    // The safety-number view, large digits and the compare instructions.
    const alice = pages[0]!;
    await alice.getByRole("button", { name: "Safety number", exact: true }).click();
    const dialog = alice.getByRole("dialog", { name: "Compare the safety number" });
    await expect
      .poll(() => dialog.getByText(/If anyone's number differs/).isVisible(), { timeout: 30_000 })
      .toBe(true);
    for (const n of NAMES) expect(await dialog.getByText(n).count()).toBeGreaterThan(0);
    const fontPx = await dialog
      .locator(".safety-number")
      .evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(24);
    expect(await dialog.locator(".group").allInnerTexts()).toEqual(number.split(" "));
    await screenshot(alice, "safety-number");
    await dialog.getByRole("button", { name: "Done" }).click();
  });

  it("mute, raised hand and screen share show on the others' screens", async () => {
    const [alice, bob, carol] = pages as [Page, Page, Page];
    await bob.getByRole("button", { name: "Mute" }).click();
    expect(await bob.getByRole("button", { name: "Unmute" }).getAttribute("aria-pressed")).toBe("true");
    for (const p of [alice, carol])
      await expect
        .poll(() => tileOf(p, NAMES[1]!).getByText("Muted").isVisible(), { timeout: 30_000 })
        .toBe(true);
    await carol.getByRole("button", { name: "Raise hand" }).click();
    for (const p of [alice, bob])
      await expect
        .poll(() => tileOf(p, NAMES[2]!).getByText("Hand raised").isVisible(), { timeout: 30_000 })
        .toBe(true);
    await alice.getByRole("button", { name: "Share screen" }).click();
    await expect
      .poll(() => alice.getByRole("button", { name: "Stop sharing" }).count(), { timeout: 30_000 })
      .toBe(1);
    for (const p of [bob, carol]) {
      const screen = p.locator(`figure.tile.screen[aria-label="${NAMES[0]} (screen)"]`);
      await expect.poll(() => screen.count(), { timeout: 30_000 }).toBe(1);
      await expect
        .poll(async () => (await videoPixels(p, "figure.tile.screen video"))?.width ?? 0, { timeout: 30_000 })
        .toBeGreaterThan(0);
    }
    await screenshot(bob, "three-way-call");
    // The screenshot shows every video tile with a picture (not blank).
    const shown = [
      "figure.tile.screen video",
      ...[0, 2].map((i) => `figure.tile[aria-label="${NAMES[i]}"] video`),
    ];
    for (const sel of shown) {
      const px = await videoPixels(bob, sel);
      expect(px, sel).not.toBeNull();
      expect(px!.sd, sel).toBeGreaterThan(4);
    }
    // Stopping the share removes its tile everywhere.
    await alice.getByRole("button", { name: "Stop sharing" }).click();
    for (const p of [bob, carol])
      await expect.poll(() => p.locator("figure.tile.screen").count(), { timeout: 30_000 }).toBe(0);
  });

  it("chat reaches everyone with name, time and unread count, and is unreadable on the relay", async () => {
    const [alice, bob, carol] = pages as [Page, Page, Page];
    const text = `hello from alice ${tag}`;
    await alice.getByRole("button", { name: "Chat" }).click();
    await alice.getByRole("textbox", { name: "Message" }).fill(text);
    await alice.keyboard.press("Enter");
    for (const p of [bob, carol]) {
      await expect
        .poll(() => p.getByRole("button", { name: "Chat, 1 unread" }).count(), { timeout: 30_000 })
        .toBe(1);
      await p.getByRole("button", { name: /^Chat/ }).click();
      const line = p.locator(".messages li").filter({ hasText: text });
      await expect.poll(() => line.count(), { timeout: 30_000 }).toBe(1);
      expect(await line.locator("strong").textContent()).toBe(NAMES[0]);
      expect(await line.locator("time").textContent()).toMatch(/\d{1,2}:\d{2}/);
      expect(await p.getByText(/Messages sent before you joined are not readable/).isVisible()).toBe(true);
      expect(await p.getByRole("button", { name: /^Chat/ }).getAttribute("aria-label")).toBe("Chat");
    }
    await expect
      .poll(() => alice.locator(".messages li.own").filter({ hasText: text }).count(), { timeout: 30_000 })
      .toBe(1);
    // The relay saw ciphertext only: neither the chat text nor any display name crossed a socket.
    const relayed = Buffer.concat(wire);
    expect(relayed.length).toBeGreaterThan(10_000);
    expect(relayed.includes(Buffer.from(text))).toBe(false);
    expect(relayed.includes(Buffer.from(tag))).toBe(false);
  });

  it("phone layout (390×844): tiles and controls fit the screen", async () => {
    const carol = pages[2]!;
    // Looked at, as a person would: headless Chromium produces no frames for a tab in the background,
    // and screenshots and clicks wait for frames.
    await carol.bringToFront();
    await carol.getByRole("button", { name: "Close chat" }).click();
    await carol.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => carol.evaluate(() => document.documentElement.scrollWidth), { timeout: 5_000 })
      .toBeLessThanOrEqual(390);
    const boxes = await carol.locator("figure.tile").evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, width: r.width, height: r.height };
      }),
    );
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(390);
      expect(b.height).toBeGreaterThan(60);
    }
    expect(await carol.getByRole("button", { name: "Leave" }).isVisible()).toBe(true);
    // Every control is on screen with its whole caption (the toolbar does not scroll sideways), and the
    // header's encryption status stays inside the screen.
    const fit = await carol.evaluate(() => {
      const over = (e: Element) => e.scrollWidth > e.clientWidth + 1;
      const bar = document.querySelector("nav.toolbar") as HTMLElement;
      const tools = Array.from(bar.querySelectorAll("button.tool")).map((b) => {
        const r = b.getBoundingClientRect();
        const label = b.querySelector(".label") as HTMLElement;
        const l = label.getBoundingClientRect();
        return {
          name: label.textContent,
          inside: r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
          labelInside: l.left >= r.left - 1 && l.right <= r.right + 1 && !over(label),
        };
      });
      const status = (document.getElementById("e2ee-status") as HTMLElement).getBoundingClientRect();
      return { scrolls: over(bar), tools, statusRight: status.right };
    });
    expect(fit.scrolls).toBe(false);
    expect(fit.tools.length).toBeGreaterThanOrEqual(10);
    for (const t of fit.tools)
      expect(t, String(t.name)).toEqual({ name: t.name, inside: true, labelInside: true });
    expect(fit.statusRight).toBeLessThanOrEqual(390);
    // An open panel sits between the header and the controls.
    await carol.getByRole("button", { name: /^Chat/ }).click();
    const panel = await carol.locator(".panel:not([hidden])").first().boundingBox();
    const bar = await carol.locator("nav.toolbar").boundingBox();
    expect(panel && bar && panel.y + panel.height <= bar.y + 1).toBe(true);
    expect(panel && panel.x >= 0 && panel.x + panel.width <= 390).toBe(true);
    await carol.getByRole("button", { name: "Close chat" }).click();
    await screenshot(carol, "phone");
    const px = await videoPixels(carol, `figure.tile[aria-label="${NAMES[0]}"] video`);
    expect(px?.sd ?? 0).toBeGreaterThan(4);
  });

  it("Carol leaves: the others are told, and their safety number changes", async () => {
    const [alice, bob, carol] = pages as [Page, Page, Page];
    const before = await agreedSafetyNumber([alice, bob]);
    await carol.bringToFront();
    await carol.getByRole("button", { name: "Leave" }).click();
    await expect.poll(() => carol.getByText("You left the call").isVisible(), { timeout: 30_000 }).toBe(true);
    for (const p of [alice, bob]) {
      await expect.poll(() => p.getByText(`${NAMES[2]} left`).count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => tileOf(p, NAMES[2]!).count(), { timeout: 30_000 }).toBe(0);
    }
    let after = before;
    await expect
      .poll(
        async () => {
          after = await agreedSafetyNumber([alice, bob]);
          return after !== before;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    expect(await alice.locator(".changed-note").textContent()).toMatch(/someone joined or left/);
    expect(errors).toEqual([]);
  });
});
