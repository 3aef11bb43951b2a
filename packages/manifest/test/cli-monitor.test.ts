/**
 * `sealroom monitor` through `runCli` against a transparency service in memory on 127.0.0.1
 * (test/helpers/service-world.ts): the first check replays the whole chain, later checks report only
 * new entries, and each way a log can misbehave — a shrunk or rewritten chain, a fork, a tombstone,
 * an unexpected resource, a proof that does not verify, a root without the witness quorum — gives
 * exit 1, its flag, and leaves the state file as it was.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChainNode, encodeChainConsistencyProof, nextChainHash } from "@sealroom/hash-chain";
import { encodeBase64 } from "@sealroom/hash-chain/base64";
import { keyForDomain, treeValueForHead } from "@sealroom/prefix-tree";
import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeChainHeadWithProof } from "../src/chain-head-with-proof.ts";
import { cli } from "./helpers/run-cli.ts";
import { ServiceWorld } from "./helpers/service-world.ts";
import { pseudoRandom32, witnessKeys } from "./helpers/world.ts";

const D = "site.example";
const HOSTS = ["https://assets.example"];
const h = (n: number) => pseudoRandom32(500 + n);
const b64 = (n: number) => encodeBase64(h(n));

let world: ServiceWorld;
let dir: string;
let state: string;

beforeEach(async () => {
  world = await new ServiceWorld().start();
  world.write(D, h(0), HOSTS);
  world.write(D, h(1));
  world.write("other.example", h(9), HOSTS);
  dir = mkdtempSync(join(tmpdir(), "sealroom-monitor-"));
  state = join(dir, "state.json");
});
afterEach(async () => world.stop());

const witnessArgs = () => [...world.vkeys.flatMap((k) => ["--witness", k]), "--quorum", "2"];
const monitor = (...extra: string[]) =>
  cli(["monitor", D, "--service", world.url, "--state", state, ...extra]);
const readState = () => JSON.parse(readFileSync(state, "utf8"));
const timeOf = (pos: number) => world.chains.get(D)!.entry(BigInt(pos)).timeCreated.toString();

describe("sealroom monitor: clean checks", () => {
  it("the first check replays the whole chain and records the head", async () => {
    const r = await monitor(...witnessArgs());
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toBe(
      `${D} entry 0 time ${timeOf(0)} resource_hash ${b64(0)}\n` +
        `${D} entry 1 time ${timeOf(1)} resource_hash ${b64(1)}\n` +
        `${D}: 2 entries, consistent (tree size ${world.size})\n`,
    );
    const c = world.chains.get(D)!;
    expect(readState()).toEqual({
      domain: D,
      created: timeOf(0),
      size: "2",
      digest: encodeBase64(c.digest),
      lastTime: timeOf(1),
    });
    expect(world.served.map((s) => s.path)).toEqual([`/leaf/${D}`, `/chain-proof/${D}?from=0&to=2`]);
    expect(existsSync(`${state}.tmp`)).toBe(false);
  });

  it("a later check reports only the new entries and keeps the creation time", async () => {
    expect((await monitor()).code).toBe(0);
    world.write(D, h(2));
    world.write(D, h(3));
    world.served.length = 0;
    const r = await monitor(...witnessArgs(), "--json");
    expect(r.code).toBe(0);
    expect(world.served.map((s) => s.path)).toEqual([`/leaf/${D}`, `/chain-proof/${D}?from=2&to=4`]);
    expect(JSON.parse(r.out)).toEqual({
      domain: D,
      ok: true,
      size: "4",
      treeSize: String(world.size),
      newEntries: [2, 3].map((i) => ({
        position: String(i),
        time: timeOf(i),
        resourceHash: b64(i),
        tombstone: false,
      })),
      flags: [],
      tombstoned: false,
    });
    expect(readState()).toMatchObject({ created: timeOf(0), size: "4", lastTime: timeOf(3) });
    // Nothing new: no entry lines, still consistent.
    const again = await monitor(...witnessArgs());
    expect(again.out).toBe(`${D}: 4 entries, consistent (tree size ${world.size})\n`);
  });

  it("without --witness it warns that cosignatures are not checked", async () => {
    const r = await monitor();
    expect(r.code).toBe(0);
    expect(r.err).toBe("warning: no --witness given, cosignatures are not checked\n");
    const w = await monitor(...witnessArgs());
    expect(w.err).toBe("");
  });

  it("--witness @file reads the key from a file; a missing file is an error", async () => {
    const f = join(dir, "w.vkey");
    writeFileSync(f, `\n  ${world.vkeys[0]}  \n`);
    const r = await monitor("--witness", `@${f}`, "--quorum", "1");
    expect(r.code).toBe(0);
    expect((await monitor("--witness", ` ${world.vkeys[0]}\n`, "--quorum", "1")).code).toBe(0);
    const bad = await monitor("--witness", `@${join(dir, "none.vkey")}`);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`sealroom monitor: ${join(dir, "none.vkey")}: ENOENT`);
  });

  it("without --state nothing is written and every check starts from the empty chain", async () => {
    const r = await cli(["monitor", D, "--service", world.url]);
    expect(r.code).toBe(0);
    const again = await cli(["monitor", D, "--service", world.url]);
    expect(again.out).toContain(`${D} entry 0 `);
    expect(existsSync(state)).toBe(false);
  });

  it("--expect-resource: only on later checks, a resource not listed is flagged", async () => {
    // First check: the history before monitoring started is not judged.
    expect((await monitor("--expect-resource", b64(7))).code).toBe(0);
    world.write(D, h(2));
    const ok = await monitor("--expect-resource", b64(2), "--expect-resource", b64(7));
    expect(ok.code).toBe(0);
    world.write(D, h(3));
    const before = readFileSync(state, "utf8");
    const r = await monitor("--expect-resource", b64(2));
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      `${D} entry 3 time ${timeOf(3)} resource_hash ${b64(3)}\n` +
        `${D} UNEXPECTED_APPEND: entry 3 logs unexpected resource ${b64(3)}\n`,
    );
    expect(readFileSync(state, "utf8")).toBe(before);
    // Without --expect-resource every append is fine.
    expect((await monitor()).code).toBe(0);
  });
});

describe("sealroom monitor: flags", () => {
  it("a tombstone is flagged and marked", async () => {
    expect((await monitor()).code).toBe(0);
    world.write(D, new Uint8Array(32));
    const r = await monitor();
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      `${D} entry 2 time ${timeOf(2)} resource_hash ${encodeBase64(new Uint8Array(32))} TOMBSTONE\n` +
        `${D} TOMBSTONE: entry 2 is a tombstone: the site unenrolled\n`,
    );
    const j = JSON.parse((await monitor("--json")).out);
    expect(j).toMatchObject({ ok: false, tombstoned: true, flags: [{ flag: "tombstone" }] });
  });

  it("a chain that shrank, was rewritten, or forked at the same size is flagged; state kept", async () => {
    expect((await monitor()).code).toBe(0);
    const before = readFileSync(state, "utf8");
    world.rewrite(D, [h(0)]);
    const shrunk = await monitor();
    expect(shrunk.code).toBe(1);
    expect(shrunk.out).toBe(`${D} REWRITE: the chain shrank from 2 to 1 entries\n`);
    world.rewrite(D, [h(0), h(5), h(6)]);
    const longer = await monitor();
    expect(longer.code).toBe(1);
    expect(longer.out).toBe(`${D} REWRITE: the chain of 3 entries does not extend the recorded 2 entries\n`);
    world.rewrite(D, [h(0), h(5)]);
    const fork = await monitor("--json");
    expect(fork.code).toBe(1);
    expect(JSON.parse(fork.out)).toMatchObject({
      ok: false,
      size: "2",
      flags: [{ flag: "fork", message: "same size 2, different chain digest" }],
      newEntries: [],
    });
    expect(readFileSync(state, "utf8")).toBe(before);
  });

  it("an entry dated before the recorded last one is a rewrite: times never go back across checks", async () => {
    expect((await monitor()).code).toBe(0);
    const node1 = world.chains.get(D)!.node(1n);
    const back: ChainNode = {
      entry: {
        positionInChain: 2n,
        timeCreated: node1.entry.timeCreated - 100n,
        resourceHash: h(2),
        assetHostsHash: node1.entry.assetHostsHash,
      },
      chainHash: nextChainHash(node1),
    };
    world.tree.set(keyForDomain(D), treeValueForHead(back));
    const sealed = world.seal(world.clock);
    const incProof = world.tree.proveInclusion(keyForDomain(D))!;
    world.leafOverride = () =>
      encodeChainHeadWithProof({ head: back, incProof, signedPrefixRoot: sealed.signedRoot });
    world.chainProofOverride = () => encodeChainConsistencyProof({ oldSize: 2n, entries: [back.entry] });
    const r = await monitor(...witnessArgs());
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${D} REWRITE: the chain of 3 entries does not extend the recorded 2 entries\n`);
    // The recorded time is what catches it: a state file without one accepts the same chain.
    writeFileSync(state, JSON.stringify({ ...readState(), lastTime: null }));
    expect((await monitor(...witnessArgs())).code).toBe(0);
  });

  it("a head proof that does not decode, or is another site's, is a bad proof", async () => {
    world.leafOverride = () => new Uint8Array([1, 2, 3]);
    const garbled = await monitor("--json");
    expect(garbled.code).toBe(1);
    expect(JSON.parse(garbled.out)).toMatchObject({
      ok: false,
      size: "0",
      treeSize: "0",
      newEntries: [],
      flags: [{ flag: "bad_proof" }],
    });
    expect(JSON.parse(garbled.out).flags[0].message).toMatch(/^ChainHeadWithProof: /);
    world.leafOverride = () => encodeChainHeadWithProof(world.latest!.proofs.get("other.example")!);
    const other = await monitor();
    expect(other.code).toBe(1);
    expect(other.out).toBe(`${D} BAD_PROOF: the head is not included under the signed root\n`);
    expect(existsSync(state)).toBe(false);
  });

  it("a root without the witness quorum is a bad proof; with the right keys it passes", async () => {
    const strangers = witnessKeys(6).slice(3).map(formatCosignerVerifierKey);
    const r = await monitor(...strangers.flatMap((k) => ["--witness", k]));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^${D} BAD_PROOF: .*\\n$`));
    const one = await monitor("--witness", world.vkeys[0]!, "--witness", strangers[0]!, "--quorum", "2");
    expect(one.code).toBe(1);
    const quorum1 = await monitor("--witness", world.vkeys[0]!, "--witness", strangers[0]!, "--quorum", "1");
    expect(quorum1.code).toBe(0);
    // Default quorum: every --witness given.
    expect((await monitor("--witness", world.vkeys[0]!, "--witness", strangers[0]!)).code).toBe(1);
  });

  it("a chain proof that does not decode is a bad proof", async () => {
    world.chainProofOverride = () => new Uint8Array([0xff]);
    const r = await monitor("--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.flags).toHaveLength(1);
    expect(j.flags[0].flag).toBe("bad_proof");
    expect(j.flags[0].message).toMatch(/^chain proof: /);
  });

  it("a chain proof of other entries does not verify: rewrite", async () => {
    expect((await monitor()).code).toBe(0);
    world.write(D, h(2));
    const forged = world.chains.get("other.example")!;
    forged.append({ timeCreated: BigInt(world.clock), resourceHash: h(3) });
    forged.append({ timeCreated: BigInt(world.clock), resourceHash: h(4) });
    world.chainProofOverride = () => encodeChainConsistencyProof(forged.proveConsistency(2n, 3n));
    const r = await monitor();
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${D} REWRITE: the chain of 3 entries does not extend the recorded 2 entries\n`);
  });
});

describe("sealroom monitor: service answers and arguments", () => {
  it("a root not cosigned yet: exit 3 once, or wait with --watch", async () => {
    world.leafPending = true;
    const r = await monitor();
    expect(r.code).toBe(3);
    expect(r.out).toBe("");
    expect(r.err).toContain(`${D}: the latest tree is not cosigned yet; try again\n`);
    // --watch: keeps checking while pending; once cosigned it records the state, and the next
    // check sees a tombstone and stops with exit 1.
    world.served.length = 0;
    const poll = setInterval(() => {
      if (world.served.filter((s) => s.path.startsWith("/leaf/")).length >= 3) world.leafPending = false;
    }, 5);
    const w = join(dir, "w.json");
    const done = await cli(
      ["monitor", D, "--service", world.url, "--state", w, "--watch", "--interval", "0.02"],
      {
        onOut: (t) => {
          if (t.includes("consistent")) world.write(D, new Uint8Array(32));
        },
      },
    );
    clearInterval(poll);
    expect(done.code).toBe(1);
    expect(done.err).not.toContain("try again");
    expect(done.out).toContain(`${D}: 2 entries, consistent`);
    expect(done.out).toContain("TOMBSTONE: entry 2");
    expect(JSON.parse(readFileSync(w, "utf8")).size).toBe("2");
    expect(world.served.filter((s) => s.path.startsWith("/leaf/")).length).toBeGreaterThanOrEqual(4);
  });

  it("--watch waits --interval seconds between checks", async () => {
    const leafs = () => world.served.filter((s) => s.path.startsWith("/leaf/")).length;
    world.served.length = 0;
    let seenAfter100ms = -1;
    const r = await cli(["monitor", D, "--service", world.url, "--watch", "--interval", "0.4"], {
      onOut: (t) => {
        if (t.includes("consistent") && seenAfter100ms < 0)
          setTimeout(() => {
            seenAfter100ms = leafs();
            world.write(D, new Uint8Array(32));
          }, 100);
      },
    });
    expect(r.code).toBe(1);
    // A slow machine only delays the second check: it cannot come before the interval.
    expect(seenAfter100ms).toBe(1);
    expect(leafs()).toBe(2);
  });

  it("a service error is exit 2 with its reason", async () => {
    const r = await cli(["monitor", "none.example", "--service", world.url]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "sealroom monitor: GET /leaf/none.example: HTTP 404 not_found: none.example is not in the tree\n",
    );
  });

  it("a chain proof the service refuses is exit 2 with its reason", async () => {
    world.chains.delete(D);
    const r = await monitor();
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "sealroom monitor: GET /chain-proof: HTTP 400 bad_request: range outside the chain\n",
    );
  });

  it("refuses bad arguments and state files before asking the service", async () => {
    const cases: [string[], string][] = [
      [["--quorum", "0"], "--quorum must be a positive integer"],
      [["--quorum", "1.5"], "--quorum must be a positive integer"],
      [["--quorum", "x"], "--quorum must be a positive integer"],
      [["--interval", "0"], "--interval must be a positive number of seconds"],
      [["--interval=-1"], "--interval must be a positive number of seconds"],
      [["--interval", "soon"], "--interval must be a positive number of seconds"],
      [["--preload"], "--preload needs --witness keys"],
    ];
    for (const [a, msg] of cases) {
      const r = await monitor(...a);
      expect(r.code, a.join(" ")).toBe(2);
      expect(r.err).toContain(`sealroom monitor: ${msg}\n`);
    }
    const files: [string, string][] = [
      ["[]", "not a monitor state file (missing fields)"],
      ['{"size":"2"}', "not a monitor state file (missing fields)"],
      ['{"digest":"AA=="}', "not a monitor state file (missing fields)"],
      ['{"size":"2","digest":"AAAA"}', "state file: bad digest"],
      ['{"size":"2","digest":"not base64!"}', "state file: bad digest"],
    ];
    for (const [text, msg] of files) {
      writeFileSync(state, text);
      const r = await monitor();
      expect(r.code, text).toBe(2);
      expect(r.err).toContain(msg);
    }
    const asDir = await cli(["monitor", D, "--service", world.url, "--state", dir]);
    expect(asDir.code).toBe(2);
    expect(asDir.err).toContain(`sealroom monitor: ${dir}: EISDIR`);
    expect(world.served.filter((s) => s.path.startsWith("/chain-proof")).length).toBe(0);
  });

  it("a state file with a null lastTime is read (a chain recorded before times were kept)", async () => {
    expect((await monitor()).code).toBe(0);
    const s = readState();
    writeFileSync(state, JSON.stringify({ ...s, lastTime: null }));
    world.write(D, h(2));
    const r = await monitor();
    expect(r.code).toBe(0);
    expect(readState().lastTime).toBe(timeOf(2));
  });
});

describe("sealroom monitor --preload", () => {
  const withPreload = (...extra: string[]) => monitor("--preload", ...witnessArgs(), ...extra);
  const preloadPaths = () =>
    world.served.filter((s) => s.path.startsWith("/preload-list")).map((s) => s.path);

  it("a list not published yet is no news; without --preload the list is never fetched", async () => {
    expect((await monitor(...witnessArgs())).code).toBe(0);
    expect(preloadPaths()).toEqual([]);
    const r = await withPreload();
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${D}: 2 entries, consistent (tree size ${world.size})\n`);
    expect(preloadPaths()).toEqual(["/preload-list/transparency"]);
    expect(readState().preload).toBeUndefined();
  });

  it("not listed, then listed: notes; the next fetch asks for the extension only", async () => {
    world.publishPreload(["other.example"]);
    const first = await withPreload();
    expect(first.code).toBe(0);
    expect(first.out).toBe(
      `${D} entry 0 time ${timeOf(0)} resource_hash ${b64(0)}\n` +
        `${D} entry 1 time ${timeOf(1)} resource_hash ${b64(1)}\n` +
        `${D} not on the preload list (v0)\n` +
        `${D}: 2 entries, consistent (tree size ${world.size})\n`,
    );
    expect(readState().preload).toMatchObject({ version: "0", listed: false });
    // Still not listed: said once, not on every check.
    expect(JSON.parse((await withPreload("--json")).out).preload).toEqual([]);
    world.publishPreload();
    world.served.length = 0;
    const second = await withPreload("--json");
    expect(second.code).toBe(0);
    expect(preloadPaths()).toEqual(["/preload-list/transparency?from=1"]);
    expect(JSON.parse(second.out)).toMatchObject({
      ok: true,
      preload: ["entered the preload list (v1)"],
      flags: [],
    });
    expect(readState().preload).toMatchObject({ version: "1", listed: true });
    // Still listed: nothing to say.
    expect(JSON.parse((await withPreload("--json")).out).preload).toEqual([]);
  });

  it("listed from the first check: one note, entered", async () => {
    world.publishPreload();
    const r = await withPreload("--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).preload).toEqual(["entered the preload list (v0)"]);
  });

  it("a root not cosigned yet, or a flagged check, does not touch the list", async () => {
    world.publishPreload();
    expect((await withPreload()).code).toBe(0);
    const before = readFileSync(state, "utf8");
    world.leafPending = true;
    world.served.length = 0;
    const pending = await withPreload();
    expect(pending.code).toBe(3);
    expect(preloadPaths()).toEqual([]);
    // Also without --preload, with a preload head recorded.
    expect((await monitor(...witnessArgs())).code).toBe(3);
    world.leafPending = false;
    world.leafOverride = () => new Uint8Array([9]);
    const flagged = await withPreload();
    expect(flagged.code).toBe(1);
    expect(preloadPaths()).toEqual([]);
    expect(readFileSync(state, "utf8")).toBe(before);
  });

  it("a list not cosigned yet keeps the recorded membership for the next check", async () => {
    world.publishPreload();
    expect((await withPreload()).code).toBe(0);
    const recorded = readState().preload;
    world.preloadPending = true;
    world.write(D, h(2));
    const r = await withPreload();
    expect(r.code).toBe(0);
    expect(r.err).toBe(`${D}: the preload list is not cosigned yet; checked next time\n`);
    expect(readState()).toMatchObject({ size: "3", preload: recorded });
    // A check without --preload keeps it too.
    world.write(D, h(3));
    expect((await monitor(...witnessArgs())).code).toBe(0);
    expect(readState()).toMatchObject({ size: "4", preload: recorded });
    world.preloadPending = false;
    world.served.length = 0;
    expect((await withPreload()).code).toBe(0);
    expect(preloadPaths()).toEqual([`/preload-list/transparency?from=${BigInt(recorded.version) + 1n}`]);
  });

  it("a list that vanishes after one was recorded is an error; one that does not verify is a bad proof", async () => {
    world.publishPreload();
    expect((await withPreload()).code).toBe(0);
    const before = readFileSync(state, "utf8");
    world.preloadList = undefined;
    const gone = await withPreload();
    expect(gone.code).toBe(2);
    expect(gone.err).toBe(
      "sealroom monitor: GET /preload-list/transparency: HTTP 404 not_found: no preload list\n",
    );
    world.preloadOverride = new Uint8Array([0, 1, 2]);
    const bad = await withPreload("--json");
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.out);
    expect(j.ok).toBe(false);
    expect(j.flags).toHaveLength(1);
    expect(j.flags[0].flag).toBe("bad_proof");
    expect(j.flags[0].message).toMatch(/^preload list: /);
    expect(j.preload).toEqual([]);
    expect(readFileSync(state, "utf8")).toBe(before);
  });

  it("a tombstoned site leaving the list is noted, not flagged as dropped", async () => {
    world.publishPreload();
    expect((await withPreload()).code).toBe(0);
    world.write(D, new Uint8Array(32));
    world.publishPreload(["other.example"]);
    const r = await withPreload();
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${D} left the preload list (v1)\n`);
    expect(r.out).toContain(`${D} TOMBSTONE: `);
    expect(r.out).not.toContain("PRELOAD_DROPPED");
  });
});
