/** Explorer pages: server-rendered, linkable, escaped. */
import { describe, expect, it } from "vitest";
import { call, makeSite, whileCosigning } from "./helpers.ts";

describe("explorer", () => {
  it("renders the overview, a domain's history and a batch, with links between them", async () => {
    const site = await makeSite(15);
    await whileCosigning(call(`/enroll/${site.domain}`, { method: "POST" }));
    const home = await call("/");
    expect(home.headers.get("content-type")).toContain("text/html");
    const html = await home.text();
    expect(html).toContain('name="viewport"');
    expect(html).toContain("witness-a.test");
    const batch = /href="\/explore\/batch\/(\d+)"/.exec(html)![1];
    const b = await (await call(`/explore/batch/${batch}`)).text();
    expect(b).toContain("/explore/domain/");
    const d = await call(`/explore/domain/${site.domain}`);
    expect(d.status).toBe(200);
    expect(await d.text()).toContain("sealed");
    expect(
      (await call("/explore/domain?d=SITE15.test", { redirect: "manual" })).headers.get("location"),
    ).toBe(`/explore/domain/${site.domain}`);
    expect((await call("/explore/domain/nobody.test")).status).toBe(404);
    expect((await call("/explore/domain/%3Cscript%3E")).status).toBe(400);
    expect((await call("/explore/batch/999999")).status).toBe(404);
  });
});
