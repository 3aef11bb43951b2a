import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("witness worker", () => {
  it("answers /healthz", async () => {
    const res = await exports.default.fetch("http://witness.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "@sealroom/witness" });
  });

  it("starts at the empty tree and persists a checkpoint that only moves forward", async () => {
    const stub = env.WITNESS_STATE.getByName("service.example");
    const start = await stub.checkpoint();
    expect(start.size).toBe(0);
    expect(Buffer.from(start.root).toString("hex")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    const root = new Uint8Array(32).fill(7);
    expect(await stub.advance({ size: 3, root })).toEqual({ ok: true });
    expect(await stub.checkpoint()).toEqual({ size: 3, root });
    expect(await stub.advance({ size: 2, root })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/older/),
    });
    expect(await stub.advance({ size: 3, root: new Uint8Array(32) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/different root/),
    });
    expect(await stub.advance({ size: 4, root: new Uint8Array(31) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/32 bytes/),
    });
    expect(await stub.checkpoint()).toEqual({ size: 3, root });
  });
});
