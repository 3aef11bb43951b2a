/**
 * `GET /preload-list/transparency` and `GET /preload-list/dev-ids`, optional `?from=<chain size>`
 * (Sealroom extension, @sealroom/manifest docs/preload-list.md): the newest logged preload list
 * with its cosigned inclusion proof and the preload chain's consistency proof from `from`, as
 * `PreloadListResponse` bytes. `GET /preload-list` (tree.ts) stays the plain JSON view.
 */
import { PreloadListKind } from "@sealroom/manifest";
import { Hono } from "hono";
import { bad } from "../errors.ts";
import { type AppEnv, decimalParam, logOf, octets, unwrap } from "./common.ts";

export const preload = new Hono<AppEnv>();

const KINDS: Record<string, number> = {
  transparency: PreloadListKind.transparency,
  "dev-ids": PreloadListKind.devIds,
};

preload.get("/preload-list/:kind", async (c) => {
  const kind = KINDS[c.req.param("kind")];
  if (kind === undefined) throw bad('the list kind must be "transparency" or "dev-ids"');
  const raw = c.req.query("from");
  const from =
    raw === undefined ? undefined : Number(decimalParam(raw, BigInt(Number.MAX_SAFE_INTEGER), "from"));
  const bytes = unwrap(await logOf(c.env).preloadListResponse(kind, from));
  return octets(bytes, "no-store");
});
