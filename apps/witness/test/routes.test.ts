/** HTTP routes: /healthz, /vkey, /status (JSON and HTML), /notify and the admin reset. */

import { env, exports } from "cloudflare:workers";
import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { describe, expect, it } from "vitest";
import { app } from "../src/app.ts";
import { event, HonestLog, Scenario } from "./support/service-script.ts";
import { testKey, witnessFor } from "./support/witness-helpers.ts";

const withServices = (sc: Scenario, mode = "compact") => ({
  ...env,
  SERVICES: JSON.stringify([{ url: sc.url, tree_domain: sc.treeDomain, mode }]),
});

describe("witness routes", () => {
  it("answers /healthz and /vkey", async () => {
    const res = await exports.default.fetch("http://witness.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "@sealroom/witness" });
    const vk = await exports.default.fetch("http://witness.test/vkey");
    expect(await vk.text()).toBe(`${formatCosignerVerifierKey(testKey)}\n`);
  });

  it("/vkey without a key is a 503 with a JSON reason", async () => {
    const res = await app.request("/vkey", {}, { ...env, WITNESS_SKEY: "" });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "WITNESS_SKEY is not set" });
    const bad = await app.request("/vkey", {}, { ...env, WITNESS_SKEY: "PRIVATE+KEY+x+00000000+AAAA" });
    expect(bad.status).toBe(503);
  });

  it("shows per-service state and refusals on the status page, escaping service text", async () => {
    const log = new HonestLog();
    log.seal([event("a.example", 1)]);
    const sc = new Scenario();
    await sc.publish(log, { tree_domain: "<script>alert(1)</script>" });
    const w = await witnessFor(sc, "compact");
    expect(await w.poll()).toMatchObject({ state: "refused", kind: "domain" });
    const e = withServices(sc);
    const page = await app.request("/", {}, e);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain(sc.treeDomain);
    expect(text).toContain("HALTED");
    expect(text).toContain("&lt;script&gt;");
    expect(text).not.toContain("<script>alert");
    const json = (await (await app.request("/status", {}, e)).json()) as {
      services: { size: number; halted: boolean; refusals: { kind: string }[] }[];
    };
    expect(json.services[0]).toMatchObject({ size: 0, halted: true, refusals: [{ kind: "domain" }] });
  });

  it("/notify answers 202 and wakes the followed services", async () => {
    const sc = new Scenario();
    const res = await app.request("/notify", { method: "POST", body: "hint" }, withServices(sc));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ woken: 1 });
  });

  it("admin reset needs the bearer token and clears a halt", async () => {
    const log = new HonestLog();
    log.seal([event("a.example", 1)]);
    const sc = new Scenario();
    await sc.publish(log, { size: 1, root: new Uint8Array(32) });
    const w = await witnessFor(sc, "replay");
    expect(await w.poll()).toMatchObject({ state: "refused", kind: "fork" });
    const e = withServices(sc, "replay");
    const path = `/admin/services/${sc.treeDomain}/reset`;
    expect((await app.request(path, { method: "POST" }, e)).status).toBe(401);
    const auth = { authorization: "Bearer test-admin-token" };
    expect(
      (await app.request(path, { method: "POST", headers: { authorization: "Bearer nope" } }, e)).status,
    ).toBe(401);
    expect((await app.request(path, { method: "POST" }, { ...e, ADMIN_TOKEN: "" })).status).toBe(403);
    const bad = await app.request(path, { method: "POST", headers: auth, body: '{"forget": 1}' }, e);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "forget must be a boolean" });
    const unknown = await app.request(
      "/admin/services/nobody.example/reset",
      { method: "POST", headers: auth },
      e,
    );
    expect(unknown.status).toBe(404);
    const ok = await app.request(path, { method: "POST", headers: auth, body: "{}" }, e);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ halted: false, size: 0 });
    await sc.publish(log);
    expect(await w.poll()).toMatchObject({ state: "ok", size: 1 });
  });

  it("unknown routes are JSON 404s", async () => {
    const res = await app.request("/nope", {}, env);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});
