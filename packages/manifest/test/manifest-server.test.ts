import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeManifestResponse } from "../src/manifest-response.ts";
import { ManifestServer } from "../src/manifest-server.ts";
import type { LoggedManifest } from "../src/manifest-store.ts";
import { verifyTransparency } from "../src/verify-transparency.ts";
import { makeWorld, optionsFor } from "./helpers/world.ts";

const line = (v: number) =>
  JSON.stringify({ hashes: { "/": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" }, v });
const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A head source the test controls, counting fetches. */
function source(initial?: Uint8Array | Error) {
  const s = {
    bytes: initial as Uint8Array | undefined | Error,
    calls: 0,
    fetch: async () => {
      s.calls++;
      if (s.bytes instanceof Error) throw s.bytes;
      return s.bytes;
    },
  };
  return s;
}

describe("ManifestServer", () => {
  const v1 = makeWorld({ manifest: line(1) });
  const v2 = makeWorld({ manifest: line(2) });

  it("serves the logged manifest with its head; the body verifies", async () => {
    const src = source(v1.proof);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => 5_500 });
    const r = await s.respond(enc(line(1)));
    expect(r?.state).toBe("logged");
    expect(r?.body).toEqual(v1.response);
    const t = await verifyTransparency(r!.body, optionsFor(v1));
    expect(t.ok && t.status).toBe("verified");
    expect(s.nextFetch).toBe(6_000);
  });

  it("fetches the head once per epoch, again after the boundary", async () => {
    let now = 10_100;
    const src = source(v1.proof);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now });
    await Promise.all([s.respond(enc(line(1))), s.respond(enc(line(1)))]);
    now = 10_999;
    await s.respond(enc(line(1)));
    expect(src.calls).toBe(1);
    now = 11_000;
    await s.respond(enc(line(1)));
    expect(src.calls).toBe(2);
    s.invalidate();
    await s.respond(enc(line(1)));
    expect(src.calls).toBe(3);
  });

  it("keeps the old manifest until a cosigned head logs the new one", async () => {
    let now = 0;
    const src = source(v1.proof);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now });
    expect((await s.respond(enc(line(1))))?.state).toBe("logged");
    // New release deployed; the service still answers the head logging v1.
    now = 1000;
    let r = await s.respond(enc(line(2)));
    expect(r?.state).toBe("previous");
    expect(text(r!.manifest)).toBe(line(1));
    expect(r?.body).toEqual(v1.response);
    // Between the seal and the cosignatures the service answers 503: nothing changes.
    now = 2000;
    src.bytes = undefined;
    r = await s.respond(enc(line(2)));
    expect(text(r!.manifest)).toBe(line(1));
    // Cosigned: the new manifest is served.
    now = 3000;
    src.bytes = v2.proof;
    r = await s.respond(enc(line(2)));
    expect(r?.state).toBe("logged");
    expect(r?.body).toEqual(v2.response);
  });

  it("appended before deploy: the deployed build keeps its manifest and last head", async () => {
    let now = 0;
    const src = source(v1.proof);
    const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now });
    await s.respond(enc(line(1)));
    now = 1000;
    src.bytes = v2.proof; // v2 logged, not deployed yet
    const r = await s.respond(enc(line(1)));
    expect(r?.state).toBe("previous");
    expect(r?.body).toEqual(v1.response);
  });

  it("a tombstone head is served with the current manifest and verifies as unenrolled", async () => {
    const tomb = makeWorld({ manifest: line(1), tombstone: true });
    const s = new ManifestServer({ fetchHead: source(tomb.proof).fetch, epochMs: 1000 });
    const r = await s.respond(enc(line(1)));
    expect(r?.state).toBe("tombstone");
    const t = await verifyTransparency(r!.body, optionsFor(tomb));
    expect(t.ok && t.status).toBe("unenrolled");
  });

  it("no head yet: undefined; a head logging nothing known: the current manifest, which then fails", async () => {
    const none = new ManifestServer({ fetchHead: source(new Error("down")).fetch, epochMs: 1000 });
    expect(await none.respond(enc(line(1)))).toBeUndefined();
    const s = new ManifestServer({ fetchHead: source(v2.proof).fetch, epochMs: 1000 });
    const r = await s.respond(enc(line(3)));
    expect(r?.state).toBe("unlogged");
    const t = await verifyTransparency(r!.body, optionsFor(v2));
    expect(t.ok).toBe(false);
    expect(!t.ok && t.detail).toBe("resource_hash_mismatch");
  });

  it("fuzz: malformed head bytes never replace a good head and never throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (junk) => {
        let now = 0;
        const src = source(v1.proof);
        const s = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => now });
        await s.respond(enc(line(1)));
        src.bytes = junk;
        now = 1000;
        const r = await s.respond(enc(line(1)));
        expect(decodeManifestResponse(r!.body).proofText).toBe(decodeManifestResponse(v1.response).proofText);
      }),
      { numRuns: 100 },
    );
  });

  it("forgets the oldest manifests beyond `keep`", async () => {
    const s = new ManifestServer({ fetchHead: source(v1.proof).fetch, epochMs: 1000, keep: 1 });
    await s.respond(enc(line(1)));
    await s.respond(enc(line(7)));
    await s.respond(enc(line(8)));
    s.invalidate();
    // v1 was forgotten: the head now logs nothing known.
    expect((await s.respond(enc(line(8))))?.state).toBe("unlogged");
  });
});

/** A store as a Durable Object holds it, in memory for these tests (the DO one: apps/room's tests). */
function memoryStore() {
  const rows = new Map<string, LoggedManifest>();
  const store = {
    rows,
    puts: 0,
    fail: false,
    list: async () => {
      if (store.fail) throw new Error("store down");
      return [...rows.values()];
    },
    put: async (e: LoggedManifest) => {
      if (store.fail) throw new Error("store down");
      store.puts++;
      const k = text(e.line);
      const old = rows.get(k);
      if (!old || e.position >= old.position) rows.set(k, { ...e });
    },
  };
  return store;
}

describe("ManifestServer with a store", () => {
  const v1 = makeWorld({ manifest: line(1) });
  const v2 = makeWorld({ manifest: line(2) });

  it("a process started between the append and the deploy serves its manifest with the stored head", async () => {
    const store = memoryStore();
    const src = source(v1.proof);
    const old = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => 0, store });
    expect((await old.respond(enc(line(1))))?.state).toBe("logged");
    expect(store.rows.get(line(1))?.proof).toEqual(v1.proof);
    // v2 appended and cosigned, not deployed: a fresh process of the old build starts.
    src.bytes = v2.proof;
    const fresh = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => 5_000, store });
    const r = await fresh.respond(enc(line(1)));
    expect(r?.state).toBe("previous");
    expect(r?.body).toEqual(v1.response);
    expect((await verifyTransparency(r!.body, optionsFor(v1))).ok).toBe(true);
    // Without the store the same process could only serve the unlogged current manifest.
    const bare = new ManifestServer({ fetchHead: src.fetch, epochMs: 1000, now: () => 5_000 });
    expect((await bare.respond(enc(line(1))))?.state).toBe("unlogged");
  });

  it("the deployed build serves its own manifest once logged, whatever the store holds", async () => {
    const store = memoryStore();
    await store.put({ line: enc(line(1)), proof: v1.proof, position: 3n });
    const s = new ManifestServer({ fetchHead: source(v2.proof).fetch, epochMs: 1000, store });
    const r = await s.respond(enc(line(2)));
    expect(r?.state).toBe("logged");
    expect(r?.body).toEqual(v2.response);
    expect(store.rows.get(line(2))?.proof).toEqual(v2.proof);
  });

  it("records an unchanged head at most every persistEveryMs, and at once when its position moves", async () => {
    const store = memoryStore();
    let now = 0;
    const src = source(v1.proof);
    const s = new ManifestServer({
      fetchHead: src.fetch,
      epochMs: 1000,
      now: () => now,
      store,
      persistEveryMs: 10_000,
    });
    await s.respond(enc(line(1)));
    expect(store.puts).toBe(1);
    for (now = 1000; now < 10_000; now += 1000) {
      s.invalidate();
      await s.respond(enc(line(1)));
    }
    expect(store.puts).toBe(1);
    now = 10_000;
    s.invalidate();
    await s.respond(enc(line(1)));
    expect(store.puts).toBe(2);
    const later = makeWorld({ manifest: line(1), position: 4 });
    src.bytes = later.proof;
    now = 11_000;
    s.invalidate();
    await s.respond(enc(line(1)));
    expect(store.puts).toBe(3);
    expect(store.rows.get(line(1))?.position).toBe(4n);
  });

  it("a failing store does not stop serving from memory, and is read once it answers", async () => {
    const store = memoryStore();
    await store.put({ line: enc(line(1)), proof: v1.proof, position: 3n });
    store.fail = true;
    let now = 0;
    const s = new ManifestServer({ fetchHead: source(v2.proof).fetch, epochMs: 1000, now: () => now, store });
    expect((await s.respond(enc(line(1))))?.state).toBe("unlogged");
    store.fail = false;
    now = 1000;
    const r = await s.respond(enc(line(1)));
    expect(r?.state).toBe("previous");
    expect(r?.body).toEqual(v1.response);
  });

  it("service unreachable since start: serves the stored head of the current manifest, else of an older one", async () => {
    const store = memoryStore();
    const down = source(new Error("service down"));
    const none = new ManifestServer({ fetchHead: down.fetch, epochMs: 1000, store });
    expect(await none.respond(enc(line(1)))).toBeUndefined();
    await store.put({ line: enc(line(1)), proof: v1.proof, position: 3n });
    // The empty store was read again: the head another process stored is served.
    let r = await none.respond(enc(line(1)));
    expect(r?.state).toBe("logged");
    expect(r?.body).toEqual(v1.response);
    const next = new ManifestServer({ fetchHead: down.fetch, epochMs: 1000, store });
    r = await next.respond(enc(line(2)));
    expect(r?.state).toBe("previous");
    expect(r?.body).toEqual(v1.response);
  });
});
