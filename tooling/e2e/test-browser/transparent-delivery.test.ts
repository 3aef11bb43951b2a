/**
 * Issue 16 end to end: the call app served transparently. The stack is started by the same code as
 * `pnpm dev` (tooling/scripts/dev-stack.ts: web build + manifest, room/transparency/witness under
 * `wrangler dev`, enrolment through DEV_ORIGINS, the local witness's cosignature), isolated in a temp
 * folder with the room's test hook on. Real Chromium loads `http://sealroom.localhost:<port>/` and its
 * badge verifies; the `sealroom` CLI verifies the same origin. Then, one at a time: one changed byte
 * in one JS asset, a stale cosignature (the page's clock and the CLI's `--now` moved 8 days), the page
 * served under another domain (the manifest is signed into sealroom.localhost's chain), and a
 * tombstone. Run inside tooling/scripts/loopback.sh.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevStack, startDevStack } from "../../scripts/dev-stack.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../src/browser.ts";

const dir = mkdtempSync(join(tmpdir(), "sealroom-deliver-"));
const EIGHT_DAYS = 8 * 86_400;
let stack: DevStack;
let browser: Browser;
/** The context that saw the first verified load: its service worker holds the trust mark. */
let trusting: BrowserContext;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startDevStack({
      isolated: dir,
      keysDir: join(dir, "keys"),
      vars: { room: { SEALROOM_TEST_HOOKS: "1" } },
      log: () => {},
    }),
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
    }),
  ]);
  trusting = await browser.newContext();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cliVerify = async (extra: string[] = [], domain = stack.domain) => {
  const r = await stack.cli([
    "verify",
    stack.origin,
    "--service",
    stack.treeDomain,
    "--witness",
    stack.keys.witnessVkey,
    "--domain",
    domain,
    "--no-preload",
    "--json",
    ...extra,
  ]);
  return { code: r.code, report: JSON.parse(r.out || "{}") as Record<string, unknown>, err: r.err };
};

async function badge(page: Page, until: RegExp) {
  const el = page.locator(".sealroom-transparency");
  await expect.poll(() => el.getAttribute("data-state"), { timeout: 20_000 }).toMatch(until);
  return {
    state: await el.getAttribute("data-state"),
    reason: await el.getAttribute("data-reason"),
    asset: await el.getAttribute("data-asset"),
    text: (await el.textContent()) ?? "",
  };
}

async function tamper(path: string | null) {
  const r = await fetch(`${stack.origin}/.well-known/sealroom-test/tamper`, {
    method: "POST",
    body: JSON.stringify({ path }),
  });
  expect(r.status).toBe(200);
}

/** A served JS asset by name, from the manifest the room serves. */
async function assetPath(pattern: RegExp): Promise<string> {
  const body = await (await fetch(`${stack.origin}/.well-known/waict/manifest`)).text();
  const hashes = JSON.parse(body.split("\n")[0]!).hashes as Record<string, string>;
  const path = Object.keys(hashes).find((k) => pattern.test(k));
  if (!path) throw new Error(`no asset matching ${pattern}`);
  return path;
}

describe("the call app served transparently", () => {
  it("verifies in the page (badge, with the local witness) and with the CLI", async () => {
    const page = await trusting.newPage();
    const res = await page.goto(stack.url);
    expect(res?.headers()["integrity-policy-waict-v1"]).toContain('manifest="/.well-known/waict/manifest"');
    const b = await badge(page, /^(verified|failed|unenrolled)$/);
    expect(b.state, b.text).toBe("verified");
    expect(b.text).toContain("transparency.sealroom.localhost");
    expect(b.text).toContain("witness.sealroom.localhost");
    expect(b.text).toMatch(/N=\d+ · root [0-9a-f]{8}…/);
    // The entry script and the verifier's worker script at least.
    expect(
      Number(await page.locator(".sealroom-transparency").getAttribute("data-checked")),
    ).toBeGreaterThanOrEqual(2);
    // The service worker took over and holds the trust mark (its own verification passed).
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            await navigator.serviceWorker.ready;
            return !!(await (await caches.open("sealroom-waict-v1")).match("/__sealroom/trust"));
          }),
        { timeout: 15_000 },
      )
      .toBe(true);
    await page.close();

    const cli = await cliVerify();
    expect(cli.code, cli.err).toBe(0);
    expect(cli.report.ok).toBe(true);
    expect((cli.report.transparency as { status: string }).status).toBe("verified");
  });

  it("one changed byte in one JS asset: badge and CLI fail with no_manifest_match naming it; the service worker refuses it", async () => {
    // The verifier's own worker script (with the cosignature check in it), loaded on every page.
    const lazy = await assetPath(/^\/assets\/verify-worker-[^/]+\.js$/);
    await tamper(lazy);
    try {
      const cli = await cliVerify();
      expect(cli.code).toBe(1);
      expect(cli.report.reason).toBe("no_manifest_match");
      expect(String(cli.report.message)).toContain(lazy);

      // A browser without the service worker: the badge finds the changed file.
      const fresh = await browser.newContext();
      const page = await fresh.newPage();
      await page.goto(stack.url);
      const b = await badge(page, /^(verified|failed)$/);
      expect(b.state, b.text).toBe("failed");
      expect(b.reason).toBe("no_manifest_match");
      expect(b.asset).toBe(lazy);
      await fresh.close();

      // The browser that trusted the site: its service worker refuses the file on the next load.
      const again = await trusting.newPage();
      // The verifier's worker script changed: the service worker answers 403 and tells
      // the page, whose badge says so (it never shows "verified" afterwards).
      await again.goto(stack.url);
      const s = await badge(again, /^refused$/);
      expect(s.reason).toBe("no_manifest_match");
      expect(s.asset).toBe(lazy);
      await again.close();

      // The entry script changed: the service worker answers the navigation with its refusal page.
      const entry = await assetPath(/^\/assets\/index-[^/]+\.js$/);
      await tamper(entry);
      const nav = await trusting.newPage();
      const r = await nav.goto(stack.url);
      expect(r?.status()).toBe(403);
      const h = nav.locator("#sealroom-refused");
      expect(await h.getAttribute("data-reason")).toBe("no_manifest_match");
      expect(await h.getAttribute("data-asset")).toBe(entry);
      await nav.close();
    } finally {
      await tamper(null);
    }
  });

  it("a cosignature older than 7 days (clock moved 8 days) fails by age, in the page and the CLI", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.clock.install({ time: Date.now() + EIGHT_DAYS * 1000 });
    await page.goto(stack.url);
    const b = await badge(page, /^(verified|failed)$/);
    expect(b.state, b.text).toBe("failed");
    expect(b.reason).toBe("invalid_transparency_proof");
    expect(b.text).toContain("stale");
    await ctx.close();

    const cli = await cliVerify(["--now", String(Math.floor(Date.now() / 1000) + EIGHT_DAYS)]);
    expect(cli.code).toBe(1);
    expect(cli.report.reason).toBe("invalid_transparency_proof");
    expect(cli.report.detail).toBe("stale_cosignatures");
  });

  it("a manifest signed into another domain's chain fails", async () => {
    // The same response served as other.localhost: its proof is for sealroom.localhost's tree key.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(stack.url.replace("sealroom.localhost", "other.localhost"));
    const b = await badge(page, /^(verified|failed)$/);
    expect(b.state, b.text).toBe("failed");
    expect(b.reason).toBe("invalid_transparency_proof");
    await ctx.close();

    const cli = await cliVerify([], "other.localhost");
    expect(cli.code).toBe(1);
    expect(cli.report.reason).toBe("invalid_transparency_proof");
  });

  it("a tombstoned site shows unenrolled", async () => {
    const r = await stack.cli([
      "append",
      stack.domain,
      "--tombstone",
      "--key",
      stack.keys.siteSkeyFile,
      "--service",
      stack.service,
    ]);
    expect(r.code, r.err).toBe(0);
    await expect
      .poll(
        async () =>
          (await fetch(`${stack.origin}/.well-known/waict/manifest`)).headers.get("sealroom-manifest-state"),
        { timeout: 15_000 },
      )
      .toBe("tombstone");
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(stack.url);
    const b = await badge(page, /^(verified|failed|unenrolled)$/);
    expect(b.state, b.text).toBe("unenrolled");
    await ctx.close();
    const cli = await cliVerify();
    expect(cli.code).toBe(0);
    expect((cli.report.transparency as { status: string }).status).toBe("unenrolled");
  });
});
