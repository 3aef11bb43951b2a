/**
 * Tests run in workerd with the app's wrangler config plus test vars: two witness keys (their
 * seeds are fixed in test/helpers.ts, which re-derives and checks these vkeys), a 100 ms epoch,
 * and DEV_ORIGINS mapping test domains to loopback ports. Miniflare's outbound service stands in
 * for those sites: a test PUTs a site's well-known document to `http://sites.test/<port>`, and
 * the service's enrolment fetch of `http://127.0.0.1:<port>/.well-known/waict-enroll` gets it.
 */
import { workerConfig } from "@sealroom/vitest-config";

export const TEST_SITES = Array.from({ length: 40 }, (_, i) => `site${i}.test`);
const port = (i: number) => 41000 + i;
const docs = new Map<string, { status: number; body: string }>();

export default workerConfig("./wrangler.jsonc", {
  bindings: {
    TREE_DOMAIN: "transparency.test",
    // 16 shards: the test sites spread over several shards and most stay empty (routing, top).
    TREE_SHARDS: "16",
    WITNESS_KEYS: [
      "witness-a.test+cef7f8b8+BtBKsjJ0K7SrOhNovUYV5ObQIkq3GgFrr4UgozLJd4c3",
      "witness-b.test+c0f79670+BqCapfR6Z1mAL/lV+NwtKhSlyZ0jvpf4ZBJ/+Tg0VaTw",
    ].join("\n"),
    WITNESS_QUORUM: "1",
    WITNESS_NOTIFY_URLS: "",
    EPOCH_MS: "100",
    // Long enough for enrol -> seal across shards -> cosign on a loaded 2-core machine.
    APPEND_TIMEOUT_MS: "4000",
    DEV_ORIGINS: JSON.stringify(
      Object.fromEntries(TEST_SITES.map((d, i) => [d, `http://127.0.0.1:${port(i)}`])),
    ),
  },
  outboundService: async (req: Request) => {
    const u = new URL(req.url);
    if (u.hostname === "sites.test" && req.method === "PUT") {
      const j = (await req.json()) as { status: number; body: string };
      docs.set(u.pathname.slice(1), j);
      return new Response("ok");
    }
    if (u.hostname === "127.0.0.1" && u.pathname === "/.well-known/waict-enroll") {
      const d = docs.get(u.port);
      if (d)
        return new Response(d.body, { status: d.status, headers: { "content-type": "application/json" } });
    }
    return new Response("no such test site", { status: 404 });
  },
});
