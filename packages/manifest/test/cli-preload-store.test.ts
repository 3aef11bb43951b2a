/**
 * The CLI's preload store (src/cli/preload-store.ts): where lists live, what happens when the store
 * cannot be read or written, and which held lists `loadPreloadPolicy` applies (one per kind, the
 * first service's, only those that still verify), with real lists from PreloadWorld.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../src/cli/errors.ts";
import { loadPreloadPolicy, readHeld, storeDir, writeHeld } from "../src/cli/preload-store.ts";
import { PreloadListKind } from "../src/preload-list.ts";
import { DAY, NOW, PreloadWorld } from "./helpers/preload-world.ts";
import { cli } from "./helpers/run-cli.ts";
import { ServiceWorld } from "./helpers/service-world.ts";
import { pseudoRandom32, witnessKeys } from "./helpers/world.ts";

const T = PreloadListKind.transparency;
const D = PreloadListKind.devIds;
const M = JSON.stringify({ hashes: { "/": `${"A".repeat(42)}E` } });

/** A world with one site and both kinds of list published; returns the two responses. */
function lists(service = "transparency.example") {
  const w = new PreloadWorld({ service });
  w.append("a.example", M, NOW - 10 * DAY);
  w.seal(NOW - 30);
  const t = w.publishList(T, { time: NOW - 20, expires: NOW + DAY });
  const d = w.publishList(D, { time: NOW - 20, expires: NOW + DAY, extra: [] });
  w.seal(NOW - 10);
  return { w, t: w.listResponse(T, t), d: w.listResponse(D, d) };
}

const trust = (w: PreloadWorld) => ({ witnesses: w.vkeys, quorum: 2, now: NOW });

describe("the preload store", () => {
  it("defaults to $SEALROOM_PRELOAD_DIR, else ~/.sealroom/preload", () => {
    const saved = process.env.SEALROOM_PRELOAD_DIR;
    try {
      delete process.env.SEALROOM_PRELOAD_DIR;
      expect(storeDir(undefined)).toBe(join(homedir(), ".sealroom", "preload"));
      process.env.SEALROOM_PRELOAD_DIR = "/srv/lists";
      expect(storeDir(undefined)).toBe("/srv/lists");
      expect(storeDir("/given")).toBe("/given");
    } finally {
      if (saved === undefined) delete process.env.SEALROOM_PRELOAD_DIR;
      else process.env.SEALROOM_PRELOAD_DIR = saved;
    }
  });

  it("keeps each kind in its own file under the lowercased service domain", async () => {
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    expect(await writeHeld(store, "Svc.Example:8443", T, a)).toBe(
      join(store, "svc.example:8443", "transparency.bin"),
    );
    expect(await writeHeld(store, "svc.example:8443", D, b)).toBe(
      join(store, "svc.example:8443", "dev-ids.bin"),
    );
    expect(await readHeld(store, "SVC.example:8443", T)).toEqual(a);
    expect(await readHeld(store, "svc.example:8443", D)).toEqual(b);
    expect(await readHeld(store, "other.example", T)).toBeUndefined();
    expect(readFileSync(join(store, "svc.example:8443", "transparency.bin"))).toEqual(Buffer.from(a));
  });

  it("refuses service names that would leave the store; read and write failures are CliErrors", async () => {
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    for (const bad of ["..", "a/b", "a..b", "", "x".repeat(261), "a b"])
      await expect(readHeld(store, bad, T), bad).rejects.toThrow(CliError);
    mkdirSync(join(store, "dir.example", "transparency.bin"), { recursive: true });
    await expect(readHeld(store, "dir.example", T)).rejects.toThrow(/transparency\.bin: EISDIR/);
    writeFileSync(join(store, "file.example"), "");
    await expect(writeHeld(store, "file.example", T, new Uint8Array(1))).rejects.toThrow(
      new RegExp(`^${join(store, "file.example", "transparency.bin")}: `),
    );
  });
});

describe("loadPreloadPolicy", () => {
  it("applies both held kinds and says so; nothing held is no policy", async () => {
    const { w, t, d } = lists();
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    expect(await loadPreloadPolicy(store, [w.service], trust(w))).toEqual({ notes: [] });
    await writeHeld(store, w.service, T, t);
    await writeHeld(store, w.service, D, d);
    const r = await loadPreloadPolicy(store, [w.service], trust(w));
    expect(r.policy).toBeDefined();
    expect(r.notes).toEqual([
      `${w.service} transparency list v0 (1 sites, expires ${NOW + DAY})`,
      `${w.service} dev-ids list v0 (1 sites, expires ${NOW + DAY})`,
    ]);
  });

  it("a held dev-ids list alone is a policy too", async () => {
    const { w, d } = lists();
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    await writeHeld(store, w.service, D, d);
    const r = await loadPreloadPolicy(store, [w.service], trust(w));
    expect(r.policy).toBeDefined();
    expect(r.notes).toEqual([`${w.service} dev-ids list v0 (1 sites, expires ${NOW + DAY})`]);
  });

  it("a held list that no longer verifies is noted and left out", async () => {
    const { w, t } = lists();
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    await writeHeld(store, w.service, T, t);
    const strangers = witnessKeys(5).slice(3).map(formatCosignerVerifierKey);
    const r = await loadPreloadPolicy(store, [w.service], { witnesses: strangers, quorum: 1, now: NOW });
    expect(r.policy).toBeUndefined();
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^transparency\.example transparency list not applied: [a-z_]+: /);
    // Without `now` the real clock is used: by then the list has expired.
    const late = await loadPreloadPolicy(store, [w.service], { witnesses: w.vkeys, quorum: 2 });
    expect(late).toEqual({
      notes: [
        `transparency.example transparency list not applied: expired: the list expired at ${NOW + DAY}`,
      ],
    });
  });

  it("with several services the first held list of each kind wins", async () => {
    const one = lists("one.example");
    const two = lists("two.example");
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    await writeHeld(store, "one.example", T, one.t);
    await writeHeld(store, "two.example", T, two.t);
    await writeHeld(store, "two.example", D, two.d);
    // Same witness seeds in both worlds, so one key set verifies both services' lists.
    const r = await loadPreloadPolicy(store, ["one.example", "two.example"], trust(one.w));
    expect(r.notes).toEqual([
      `one.example transparency list v0 (1 sites, expires ${NOW + DAY})`,
      `two.example dev-ids list v0 (1 sites, expires ${NOW + DAY})`,
    ]);
  });
});

describe("sealroom preload fetch against a live service (real clock, no --now)", () => {
  let world: ServiceWorld;
  beforeAll(async () => {
    world = await new ServiceWorld().start();
    world.write("a.example", pseudoRandom32(1), ["https://assets.example"]);
    world.write("b.example", pseudoRandom32(2), ["https://assets.example"]);
    world.publishPreload();
  });
  afterAll(async () => world.stop());
  const keys = () => world.vkeys.flatMap((k) => ["--witness", k]);

  it("stores the list and prints one line for it, no membership lines the first time", async () => {
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    const r = await cli([
      "preload",
      "fetch",
      "--service",
      world.url,
      "--tree-domain",
      world.service,
      "--store",
      store,
      ...keys(),
      "--quorum",
      "3",
    ]);
    expect(r.code).toBe(0);
    const file = join(store, world.service, "transparency.bin");
    expect(r.out).toBe(
      `transparency: v0, 2 sites, tree ${world.size - 1n}, expires ${world.clock + 7 * 24 * 3600}, cosigned by witness-0.example, witness-1.example, witness-2.example -> ${file}\n`,
    );
    expect(r.err).toBe(
      `dev-ids: the service publishes no such list (${world.url}/preload-list/dev-ids: HTTP 404)\n`,
    );
  });

  it("without --tree-domain the URL's host is the service the list must name", async () => {
    const store = mkdtempSync(join(tmpdir(), "sealroom-store-"));
    const r = await cli(["preload", "fetch", "--service", world.url, "--store", store, ...keys()]);
    expect(r.code).toBe(1);
    // Nothing was held, so nothing is kept: the line ends with the reason.
    expect(r.out).toBe(
      'transparency: FAILED invalid_transparency_proof (untrusted_service): the tree is signed for service "transparency.example", which is not trusted\n',
    );
  });

  it("an answer other than 200 or 404 is an error naming the URL", async () => {
    world.preloadPending = true;
    try {
      const r = await cli([
        "preload",
        "fetch",
        "--service",
        world.url,
        "--tree-domain",
        world.service,
        ...keys(),
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`sealroom preload fetch: GET ${world.url}/preload-list/transparency: HTTP 503\n`);
    } finally {
      world.preloadPending = false;
    }
  });
});

describe("the test setup", () => {
  it("points the default store at a temporary home, never the user's", async () => {
    const { homedir, userInfo } = await import("node:os");
    expect(homedir()).toMatch(/sealroom-test-home-/);
    expect(storeDir(undefined).startsWith(homedir())).toBe(true);
    expect(storeDir(undefined).startsWith(userInfo().homedir)).toBe(false);
  });
});
