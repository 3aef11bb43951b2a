/**
 * Endpoint fuzzing (fast-check): malformed domains, indexes, headers, bodies, path tricks and
 * forged signatures always get a 4xx with a JSON `{error}` reason, never a 5xx, and leave the
 * stored state (tree size, root, enrolled domains, the site's chain) unchanged.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  appendRequest,
  batchEvents,
  call,
  checkpoint,
  entryBody,
  makeSite,
  type Site,
  whileCosigning,
} from "./helpers.ts";

let site: Site;

beforeAll(async () => {
  site = await makeSite(12);
  const r = await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
  if (r.status !== 200) throw new Error(`enrol answered ${r.status}`);
});

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "..",
    "%2e%2e",
    "%2F",
    "x000/001",
    "x001",
    "18446744073709551616",
    "-1",
    "00",
    "1e3",
    "é",
    "a/../b",
  ),
  // Indexes from 1000 up: no test creates that many batches or entries, so every one names
  // nothing (a small one such as 0 names a real batch and rightly answers 200).
  fc.bigInt({ min: 1000n, max: 1n << 70n }).map(String),
);
const domain = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", ".", "a..b", "-a.test", "UPPER.TEST", "x".repeat(300), "%73ite12.test"),
);
const seg = (s: string) => encodeURI(s).replace(/\?/g, "%3F").replace(/#/g, "%23");

const requests = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        "tree-event-batch",
        "batch-proof",
        "entries-tile/site12.test",
        "chain-hash/site12.test",
      ),
      junk,
    )
    .map(([p, j]) => ({ path: `/${p}/${seg(j)}`, init: {} as RequestInit })),
  fc.tuple(fc.constantFrom("leaf", "chain-proof", "enroll"), domain).map(([p, d]) => ({
    path: `/${p}/${seg(d)}`,
    init: { method: p === "enroll" ? "POST" : "GET" } as RequestInit,
  })),
  fc.tuple(junk, junk).map(([a, b]) => ({
    path: `/chain-proof/site12.test?from=${seg(a)}&to=${seg(b)}`,
    init: {} as RequestInit,
  })),
  fc.tuple(junk, fc.uint8Array({ maxLength: 300 })).map(([n, body]) => ({
    path: `/upload-cosignature/${seg(n)}`,
    init: { method: "POST", body } as RequestInit,
  })),
  // Appends to the enrolled site: random positions, signatures and bodies never verify.
  fc
    .record({
      pos: fc.oneof(junk, fc.constantFrom("0", "1", "2")),
      sig: fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => btoa(String.fromCharCode(...b))),
      ),
      body: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(entryBody(3))),
    })
    .map(({ pos, sig, body }) => ({
      path: "/append/site12.test",
      init: {
        method: "POST",
        body,
        headers: { "Sealroom-Append-Position": pos, "Sealroom-Signature": sig },
      } as RequestInit,
    })),
  fc.tuple(junk, domain, fc.uint8Array({ maxLength: 100 })).map(([d, dom, body]) => ({
    path: `/upload/${seg(d)}`,
    init: {
      method: "PUT",
      body,
      headers: { "Sealroom-Domain": dom, "Sealroom-Signature": `${"A".repeat(86)}==` },
    } as RequestInit,
  })),
  fc.tuple(junk).map(([d]) => ({ path: `/fetch/${seg(d)}`, init: {} as RequestInit })),
  fc.tuple(junk).map(([d]) => ({ path: `/asset-hosts/${seg(d)}`, init: {} as RequestInit })),
);

/**
 * The state the fuzzer could touch: the enrolled site's sealed chain and the tree's domains. Other
 * test files may append to their own sites concurrently, so the check is that nothing the fuzzer
 * could have caused appears: no new entry for site12, no domain outside the tests' own sites.
 */
async function state() {
  const cp = await checkpoint();
  const tile = new Uint8Array(await (await call(`/entries-tile/${site.domain}/000.p/1`)).arrayBuffer());
  const next = await call(`/entries-tile/${site.domain}/000.p/2`);
  return { size: cp.size, tile: Array.from(tile), second: next.status };
}

async function eventsSince(size: number) {
  const out: string[] = [];
  const now = (await checkpoint()).size;
  for (let n = size; n < now; n++) out.push(...(await batchEvents(n)).map((e) => e.domain));
  return out;
}

describe("fuzzing every endpoint", () => {
  it("answers malformed requests with a 4xx JSON reason and changes nothing", async () => {
    const before = await state();
    await fc.assert(
      fc.asyncProperty(requests, async ({ path, init }) => {
        // `..` segments are resolved by the URL parser before any server sees them; a path that
        // resolved out of its endpoint (e.g. to the explorer's `/`) is not a request to that endpoint.
        const first = path.split("/")[1]!;
        if (!new URL(path, "http://x").pathname.startsWith(`/${first}`)) return;
        let res: Response;
        try {
          res = await call(path, init);
        } catch (e) {
          // The URL itself was refused by the client (not a server answer): nothing to check.
          if (e instanceof TypeError) return;
          throw e;
        }
        expect(res.status, `${init.method ?? "GET"} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(500);
        const body = (await res.json()) as { error?: unknown };
        expect(typeof body.error).toBe("string");
      }),
      { numRuns: 400 },
    );
    // A replayed, genuinely signed append is refused too.
    expect((await call(`/append/${site.domain}`, appendRequest(site, 0n, entryBody(9)))).status).toBe(409);
    const after = await state();
    expect(after.tile).toEqual(before.tile);
    expect(after.second).toBe(404);
    for (const d of await eventsSince(before.size)) {
      expect(d).not.toBe(site.domain);
      // Test sites, or the service's own preload chain (src/preload-lists.ts) logging their list.
      expect(d).toMatch(/^(site\d+\.test|preload\.transparency\.test)$/);
    }
    const pl = (await (await call("/preload-list")).json()) as { domains: string[] };
    for (const d of pl.domains) expect(d).toMatch(/^site\d+\.test$/);
  });
});
