/**
 * `sealroom preload fetch` and `sealroom verify` with stored lists, against lists published by a
 * real in-memory service (PreloadWorld: real PrefixTree, hash chains, Ed25519 witnesses) served
 * over HTTP from 127.0.0.1, with the `/preload-list/transparency` wire format of docs/preload-list.md.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeChainConsistencyProof } from "@sealroom/hash-chain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { PreloadListKind } from "../src/preload-list.ts";
import { DAY, NOW, PreloadWorld } from "./helpers/preload-world.ts";
import { cli } from "./helpers/run-cli.ts";

const T = PreloadListKind.transparency;
const M = (n: number) => JSON.stringify({ hashes: { "/": `${"A".repeat(42)}${"AEIMQUYcgkosw048"[n]}` } });

async function listen(s: Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as { port: number }).port;
}

/** What the service serves right now: a world and the list bytes it last published. */
let current: { world: PreloadWorld; list: Uint8Array };
const requests: string[] = [];
let service: Server;
let bare: Server;
let serviceUrl: string;
let siteUrl: string;

function publish(world: PreloadWorld, time: number): Uint8Array {
  world.seal(time - 20);
  const list = world.publishList(T, { time: time - 10, expires: NOW + 7 * DAY });
  world.seal(time);
  return list;
}

beforeAll(async () => {
  const world = new PreloadWorld();
  world.append("127.0.0.1", M(0), NOW - 10 * DAY);
  world.append("a.example", M(1), NOW - 10 * DAY);
  current = { world, list: publish(world, NOW - 5 * DAY) };
  service = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    requests.push(`${u.pathname}${u.search}`);
    // What `sealroom monitor` reads besides the list: a site's leaf and chain proof.
    const leaf = /^\/leaf\/(.+)$/.exec(u.pathname);
    if (leaf) {
      const p = current.world.latest!.proofs.get(leaf[1]!);
      res.writeHead(p ? 200 : 404).end(p ? encodeChainHeadWithProof(p) : "{}");
      return;
    }
    const chain = /^\/chain-proof\/(.+)$/.exec(u.pathname);
    if (chain) {
      const c = current.world.chains.get(chain[1]!)!;
      const proof = c.proveConsistency(
        BigInt(u.searchParams.get("from")!),
        BigInt(u.searchParams.get("to")!),
      );
      res.writeHead(200).end(encodeChainConsistencyProof(proof));
      return;
    }
    if (u.pathname !== "/preload-list/transparency") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not_found"}');
      return;
    }
    const from = u.searchParams.get("from");
    const body = current.world.listResponse(T, current.list, from === null ? {} : { from: BigInt(from) });
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  serviceUrl = `http://127.0.0.1:${await listen(service)}`;
  bare = createServer((_req, res) => res.end("no header here"));
  siteUrl = `http://127.0.0.1:${await listen(bare)}/`;
});

afterAll(async () => {
  await new Promise((r) => service?.close(r));
  await new Promise((r) => bare?.close(r));
});

const trust = () => [
  ...current.world.vkeys.flatMap((k) => ["--witness", k]),
  "--quorum",
  "2",
  "--now",
  String(NOW),
];
const fetchArgs = (store: string) => [
  "preload",
  "fetch",
  "--service",
  serviceUrl,
  "--tree-domain",
  current.world.service,
  "--store",
  store,
  ...trust(),
];

describe("sealroom preload fetch / verify with stored lists", () => {
  const store = mkdtempSync(join(tmpdir(), "sealroom-preload-"));
  const file = join(store, "transparency.example", "transparency.bin");

  it("fetches, verifies and stores the list; dev-ids 404 is a note", async () => {
    const r = await cli(fetchArgs(store));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^transparency: v0, 2 sites, tree 1, expires \d+, cosigned by witness-0\.example/m);
    expect(r.err).toMatch(/dev-ids: the service publishes no such list/);
    expect(readFileSync(file).length).toBeGreaterThan(70);
  });

  it("verify applies the stored list: a listed site without a header is stripped", async () => {
    const r = await cli([
      "verify",
      siteUrl,
      "--service",
      current.world.service,
      "--store",
      store,
      ...trust(),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/preload: transparency\.example transparency list v0 \(2 sites/);
    expect(r.out).toMatch(/FAILED stripped \(header_missing\)/);
    const off = await cli([
      "verify",
      siteUrl,
      "--service",
      current.world.service,
      "--no-preload",
      ...trust(),
    ]);
    expect(off.out).toMatch(/FAILED manifest_unavailable \(header_missing\)/);
    // --no-preload also ignores the default store ($SEALROOM_PRELOAD_DIR here).
    process.env.SEALROOM_PRELOAD_DIR = store;
    try {
      const args = ["verify", siteUrl, "--service", current.world.service, ...trust()];
      expect((await cli(args)).out).toMatch(/FAILED stripped \(header_missing\)/);
      expect((await cli([...args, "--no-preload"])).out).toMatch(/FAILED manifest_unavailable/);
    } finally {
      delete process.env.SEALROOM_PRELOAD_DIR;
    }
  });

  it("a site on no stored list, without a header, passes as not enrolled", async () => {
    const other = mkdtempSync(join(tmpdir(), "sealroom-preload-"));
    const saved = current;
    const w = new PreloadWorld();
    w.append("a.example", M(1), NOW - 10 * DAY);
    current = { world: w, list: publish(w, NOW - 5 * DAY) };
    try {
      expect((await cli(fetchArgs(other))).code).toBe(0);
    } finally {
      current = saved;
    }
    const args = ["verify", siteUrl, "--service", saved.world.service, "--store", other, ...trust()];
    const r = await cli([...args, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, transparency: { status: "not_enrolled" } });
    expect(r.err).toBe("");
    const human = await cli(args);
    expect(human.code).toBe(0);
    expect(human.out).toBe(`site       ${siteUrl}\nstatus     not_enrolled\nassets     0/0 verified\nOK\n`);
    expect(human.err).toMatch(/^preload: transparency\.example transparency list v0 /);
  });

  it("a newer list is fetched as an extension (from=1) and reports membership changes", async () => {
    current.world.append("b.example", M(2), NOW - DAY);
    current.list = publish(current.world, NOW - 60);
    requests.length = 0;
    const r = await cli(fetchArgs(store));
    expect(requests).toContain("/preload-list/transparency?from=1");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/transparency: v1, 3 sites/);
    expect(r.out.split("\n").filter((l) => l.startsWith("  "))).toEqual(["  + b.example"]);
  });

  it("a list that rewrites history is refused and the held list is kept", async () => {
    const held = readFileSync(file);
    const saved = current;
    const fork = new PreloadWorld();
    fork.append("a.example", M(3), NOW - 9 * DAY);
    const l0 = publish(fork, NOW - 5 * DAY);
    expect(l0.length).toBeGreaterThan(0);
    fork.append("c.example", M(4), NOW - 100);
    current = { world: fork, list: publish(fork, NOW - 50) };
    try {
      const r = await cli(fetchArgs(store));
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/transparency: FAILED invalid_preload_list \(inconsistent\).*held list is kept/);
      expect(readFileSync(file)).toEqual(held);
    } finally {
      current = saved;
    }
  });

  it("a list that drops a site reports one removal", async () => {
    current.world.seal(NOW - 50);
    current.list = current.world.publishList(T, {
      time: NOW - 40,
      expires: NOW + 7 * DAY,
      only: ["127.0.0.1", "b.example"],
    });
    current.world.seal(NOW - 30);
    const d = await cli(fetchArgs(store));
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/^transparency: v2, 2 sites, /);
    expect(d.out.split("\n").filter((l) => l.startsWith("  "))).toEqual(["  - a.example"]);
  });
});

describe("sealroom monitor --preload", () => {
  // The monitor checks freshness against the real clock: this world lives in the present.
  const NOW_REAL = Math.floor(Date.now() / 1000);
  const live = (world: PreloadWorld, only?: string[]) => {
    world.seal(NOW_REAL - 20);
    const list = world.publishList(T, {
      time: NOW_REAL - 10,
      expires: NOW_REAL + 7 * DAY,
      ...(only ? { only } : {}),
    });
    world.seal(NOW_REAL - 5);
    return list;
  };
  const monitor = (state: string) => [
    "monitor",
    "mon.example",
    "--service",
    serviceUrl,
    "--state",
    state,
    "--preload",
    ...current.world.vkeys.flatMap((k) => ["--witness", k]),
    "--quorum",
    "2",
  ];

  it("reports entering the list, stays quiet while nothing changes, flags a dropped enrolled site and a rewritten list", async () => {
    const saved = current;
    const state = join(mkdtempSync(join(tmpdir(), "sealroom-monitor-")), "state.json");
    const w = new PreloadWorld();
    w.append("mon.example", M(1), NOW_REAL - 100);
    w.append("other.example", M(2), NOW_REAL - 100);
    current = { world: w, list: live(w) };
    try {
      const first = await cli(monitor(state));
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/^mon\.example entered the preload list \(v0\)$/m);
      expect(JSON.parse(readFileSync(state, "utf8")).preload).toMatchObject({ version: "0", listed: true });

      const again = await cli(monitor(state));
      expect(again.code).toBe(0);
      expect(again.out).not.toMatch(/preload list/);

      // The service publishes a list without mon.example, which is still enrolled.
      current.list = live(w, ["other.example"]);
      const dropped = await cli(monitor(state));
      expect(dropped.code).toBe(1);
      expect(dropped.out).toMatch(/mon\.example left the preload list \(v1\)/);
      expect(dropped.out).toContain(
        "mon.example PRELOAD_DROPPED: preload list v1 leaves out mon.example, whose chain head is not a tombstone\n",
      );
      expect(JSON.parse(readFileSync(state, "utf8")).preload.version).toBe("0");

      // Another past for the same service (mon.example's own chain is identical, its list
      // history is not): the recorded list head is not in that history.
      const fork = new PreloadWorld();
      fork.append("mon.example", M(1), NOW_REAL - 100);
      live(fork, ["other.example"]);
      current = { world: fork, list: live(fork) };
      const rewritten = await cli(monitor(state));
      expect(rewritten.code).toBe(1);
      expect(rewritten.out).toBe(
        "mon.example PRELOAD_REWRITE: preload list v1 does not extend the recorded v0\n",
      );
    } finally {
      current = saved;
    }
  });
});
