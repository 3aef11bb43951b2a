/** `GET /vkey`: this witness's signed-note verifier key (`name+keyid+base64(0x06 || pubkey)`). */
import { formatCosignerVerifierKey } from "@sealroom/prefix-tree/note";
import { Hono } from "hono";
import { signerKey } from "../config.ts";
import type { Env } from "../env.ts";

export const vkey = new Hono<{ Bindings: Env }>().get("/vkey", (c) =>
  c.text(`${formatCosignerVerifierKey(signerKey(c.env))}\n`),
);
