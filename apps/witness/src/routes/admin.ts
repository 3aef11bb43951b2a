/**
 * Operator routes, enabled only when the `ADMIN_TOKEN` secret is set and called with
 * `Authorization: Bearer <token>`:
 *
 * - `POST /admin/services/<tree_domain>/reset` body `{"forget"?: bool, "forgetSignatures"?: bool}`:
 *   clears a refusal halt (README "Reset").
 */
import { Hono } from "hono";
import type { Env } from "../env.ts";
import { badRequest, WitnessError, WitnessErrorKind } from "../errors.ts";
import { stubFor } from "../services.ts";

async function digest(s: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
}

export const admin = new Hono<{ Bindings: Env }>()
  .use("/admin/*", async (c, next) => {
    const token = c.env.ADMIN_TOKEN;
    if (!token)
      throw new WitnessError(WitnessErrorKind.Forbidden, "admin routes are disabled (no ADMIN_TOKEN)");
    const got = c.req.header("authorization")?.match(/^Bearer (.+)$/)?.[1] ?? "";
    // Equal-length digests, compared in constant time.
    if (!crypto.subtle.timingSafeEqual(await digest(got), await digest(token)))
      throw new WitnessError(WitnessErrorKind.Unauthorized, "bad admin token");
    await next();
  })
  .post("/admin/services/:tree_domain/reset", async (c) => {
    const domain = c.req.param("tree_domain");
    const stub = stubFor(c.env, domain);
    // A service dropped from SERVICES keeps its object and may still be reset.
    if ((await stub.status()).service === null)
      throw new WitnessError(WitnessErrorKind.NotFound, `no state for tree domain ${domain}`);
    const text = await c.req.text();
    let body: unknown = {};
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        throw badRequest("body is not JSON");
      }
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw badRequest("body must be an object");
    const { forget, forgetSignatures, ...rest } = body as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw badRequest(`unknown fields: ${Object.keys(rest).join(", ")}`);
    for (const [k, v] of Object.entries({ forget, forgetSignatures }))
      if (v !== undefined && typeof v !== "boolean") throw badRequest(`${k} must be a boolean`);
    await stub.reset({ forget: forget === true, forgetSignatures: forgetSignatures === true });
    return c.json(await stub.status());
  });
