/**
 * ManifestServer: which manifest and head it serves after several heads, exact `keep` bounds, the
 * store read once and in position order, copies of caller buffers (issue 18's mutation survivors).
 */
import { describe, expect, it } from "vitest";
import { ManifestServer } from "../src/manifest-server.ts";
import type { LoggedManifest } from "../src/manifest-store.ts";
import { makeWorld } from "./helpers/world.ts";

const line = (v: number) =>
  JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" }, v });
const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

const worlds = new Map<string, ReturnType<typeof makeWorld>>();
/** A cosigned head logging manifest `v` at `position` (cached: building one signs three cosignatures). */
function world(v: number, position = 3) {
  const k = `${v}@${position}`;
  let w = worlds.get(k);
  if (!w) {
    w = makeWorld({ manifest: line(v), position });
    worlds.set(k, w);
  }
  return w;
}

/** A head source the test switches; `bytes === undefined` = unavailable. */
function source(bytes?: Uint8Array) {
  const s = { bytes, fetch: async () => s.bytes };
  return s;
}

function store(rows: LoggedManifest[] = []) {
  const s = {
    rows,
    lists: 0,
    puts: [] as LoggedManifest[],
    list: async () => {
      s.lists++;
      return [...s.rows];
    },
    put: async (e: LoggedManifest) => {
      s.puts.push(e);
    },
  };
  return s;
}

const logged = (v: number, position: number): LoggedManifest => ({
  line: enc(line(v)),
  proof: world(v, position).proof,
  position: BigInt(position),
});

describe("ManifestServer options", () => {
  it("epochMs must be a positive number", () => {
    for (const epochMs of [0, -1, Number.NaN])
      expect(() => new ManifestServer({ fetchHead: source().fetch, epochMs }), String(epochMs)).toThrow(
        RangeError,
      );
    expect(() => new ManifestServer({ fetchHead: source().fetch, epochMs: 0.5 })).not.toThrow();
  });
  it("the default clock is Date.now", async () => {
    const s = new ManifestServer({ fetchHead: source(world(1).proof).fetch, epochMs: 60_000 });
    const before = Date.now();
    const r = await s.respond(enc(line(1)));
    expect(r?.fetchedAt).toBeGreaterThanOrEqual(before);
    expect(r?.fetchedAt).toBeLessThanOrEqual(Date.now());
    expect(s.nextFetch).toBe((Math.floor((r?.fetchedAt ?? 0) / 60_000) + 1) * 60_000);
  });
});

describe("ManifestServer answers", () => {
  it("fetchedAt is when the head was fetched, not when it is served; the decoded head is reused", async () => {
    let now = 1_000_100;
    const s = new ManifestServer({ fetchHead: source(world(1).proof).fetch, epochMs: 1000, now: () => now });
    const a = await s.respond(enc(line(1)));
    now = 1_000_900;
    const b = await s.respond(enc(line(1)));
    expect(b?.fetchedAt).toBe(1_000_100);
    expect(b?.head).toBe(a?.head);
  });

  it("serves the newest logged manifest when the head logs one it does not hold", async () => {
    let now = 0;
    const src = source(world(1).proof);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now });
    await s.respond(enc(line(1)));
    await s.respond(enc(line(2)));
    src.bytes = world(2, 4).proof;
    now = 1000;
    expect((await s.respond(enc(line(3))))?.state).toBe("previous");
    src.bytes = world(9, 5).proof; // a manifest this process never held
    now = 2000;
    const r = await s.respond(enc(line(3)));
    expect(r?.state).toBe("previous");
    expect(text(r?.manifest)).toBe(line(2));
    expect(r?.head.head.entry.positionInChain).toBe(4n);
  });

  it("keeps its own copies of the manifest line and of the fetched head", async () => {
    const head = world(1).proof.slice();
    const src = source(head);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => 0 });
    const mine = enc(line(1));
    const first = await s.respond(mine);
    const body = first?.body.slice();
    mine.fill(0x20);
    head.fill(0);
    const again = await s.respond(enc(line(1)));
    expect(again?.body).toEqual(body);
    expect(text(again?.manifest)).toBe(line(1));
  });
});

describe("ManifestServer keep", () => {
  async function servedAfter(keep: number, lines: number[], head: number) {
    let now = 0;
    const src = source(undefined);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now, keep });
    for (const v of lines) await s.respond(enc(line(v)));
    src.bytes = world(head).proof;
    now = 1000;
    return s.respond(enc(line(lines.at(-1) as number)));
  }
  it("holds exactly keep manifests besides the current one", async () => {
    expect((await servedAfter(2, [1, 2, 3], 1))?.state).toBe("previous");
    expect((await servedAfter(2, [1, 2, 3, 4], 1))?.state).toBe("unlogged");
    expect((await servedAfter(1, [1, 2], 1))?.state).toBe("previous");
  });
  it("serving a manifest again makes it the most recently used", async () => {
    expect((await servedAfter(1, [1, 2, 1, 3], 1))?.state).toBe("previous");
    expect((await servedAfter(1, [1, 2, 1, 3], 2))?.state).toBe("unlogged");
  });
});

describe("ManifestServer with a store", () => {
  it("reads a non-empty store once, an empty one again at the next fetch", async () => {
    let now = 0;
    const empty = store();
    const a = new ManifestServer({
      fetchHead: source(world(1).proof).fetch,
      epochMs: 1000,
      now: () => now,
      store: empty,
    });
    await a.respond(enc(line(1)));
    now = 1000;
    await a.respond(enc(line(1)));
    expect(empty.lists).toBe(2);
    const full = store([logged(1, 3)]);
    const b = new ManifestServer({
      fetchHead: source(world(1).proof).fetch,
      epochMs: 1000,
      now: () => now,
      store: full,
    });
    for (now = 1000; now <= 4000; now += 1000) await b.respond(enc(line(1)));
    expect(full.lists).toBe(1);
  });

  it("stored manifests count as logged in position order, whatever order the store lists them in", async () => {
    const s = store([logged(2, 5), logged(3, 7), logged(1, 3)]);
    const server = new ManifestServer({ fetchHead: source(undefined).fetch, epochMs: 1000, store: s });
    const r = await server.respond(enc(line(8)));
    expect(r?.state).toBe("previous");
    expect(text(r?.manifest)).toBe(line(3));
    expect(r?.head.head.entry.positionInChain).toBe(7n);
  });

  it("the store's buffers are copied on load", async () => {
    const e = logged(1, 3);
    const rows = [{ line: e.line.slice(), proof: e.proof.slice(), position: e.position }];
    const server = new ManifestServer({
      fetchHead: source(undefined).fetch,
      epochMs: 1000,
      store: store(rows),
    });
    const first = await server.respond(enc(line(1)));
    rows[0]?.line.fill(0x20);
    rows[0]?.proof.fill(0);
    const again = await server.respond(enc(line(1)));
    expect(again?.body).toEqual(first?.body);
    expect(again?.body).toEqual(world(1).response);
  });

  it("a stored line this process never served is copied on load too", async () => {
    const e = logged(3, 7);
    const rows = [{ line: e.line.slice(), proof: e.proof, position: e.position }];
    const server = new ManifestServer({
      fetchHead: source(undefined).fetch,
      epochMs: 1000,
      store: store(rows),
    });
    const first = await server.respond(enc(line(1)));
    expect(text(first?.manifest)).toBe(line(3));
    rows[0]?.line.fill(0x20);
    const again = await server.respond(enc(line(1)));
    expect(text(again?.manifest)).toBe(line(3));
    expect(again?.body).toEqual(world(3, 7).response);
  });

  it("after loading past keep, this process's manifest stays and the newest stored ones are kept", async () => {
    // keep 1: the current manifest (stored as the oldest) and the newest stored one survive the load.
    const s = store([logged(1, 3), logged(2, 5), logged(3, 7)]);
    const down = new ManifestServer({ fetchHead: source(undefined).fetch, epochMs: 1000, store: s, keep: 1 });
    const r = await down.respond(enc(line(1)));
    expect(r?.state).toBe("logged");
    expect(r?.body).toEqual(world(1).response);
    // A head logging manifest 2 (forgotten at load) is not matched: the newest held, 3, is served.
    const src = source(world(2, 5).proof);
    const t = store([logged(1, 3), logged(2, 5), logged(3, 7)]);
    const up = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, store: t, keep: 1 });
    const u = await up.respond(enc(line(1)));
    expect(u?.state).toBe("previous");
    expect(text(u?.manifest)).toBe(line(3));
    // keep 2 holds manifest 2 as well: the head logs it, served with the fetched head.
    const wide = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, store: store(t.rows), keep: 2 });
    const w = await wide.respond(enc(line(1)));
    expect(text(w?.manifest)).toBe(line(2));
    expect(w?.head.head.entry.positionInChain).toBe(5n);
  });

  it("a stored head seen again at the same position is recorded once, then every persistEveryMs", async () => {
    let now = 5_000_000;
    const s = store([logged(1, 3)]);
    const server = new ManifestServer({
      fetchHead: source(world(1, 3).proof).fetch,
      epochMs: 1000,
      now: () => now,
      store: s,
      persistEveryMs: 10_000,
    });
    await server.respond(enc(line(1)));
    expect(s.puts.length).toBe(1);
    for (now = 5_001_000; now < 5_010_000; now += 1000) await server.respond(enc(line(1)));
    expect(s.puts.length).toBe(1);
    now = 5_010_000;
    await server.respond(enc(line(1)));
    expect(s.puts.length).toBe(2);
    expect(s.puts[1]?.position).toBe(3n);
  });
});
