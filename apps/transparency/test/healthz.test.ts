import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("transparency worker", () => {
  it("answers /healthz with name, version and the schema version read from Durable Object SQLite", async () => {
    const res = await exports.default.fetch("http://transparency.test/healthz");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: "@sealroom/transparency", schema: 3 });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("migrates once: a second read sees the same schema, tables exist", async () => {
    const stub = env.LOG.getByName("log");
    expect(await stub.schemaVersion()).toBe(3);
    expect(await stub.schemaVersion()).toBe(3);
  });

  it("has a working R2 asset store binding", async () => {
    await env.ASSET_STORE.put("probe", new Uint8Array([1, 2, 3]));
    const got = await env.ASSET_STORE.get("probe");
    expect(new Uint8Array(await got!.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("answers unknown paths with a JSON 404", async () => {
    const res = await exports.default.fetch("http://transparency.test/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});
