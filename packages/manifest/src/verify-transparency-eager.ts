/**
 * `verifyTransparency` with the cosignature check imported statically (for "./browser-worker"): the
 * same function as verify-transparency.ts, whose dynamic import of cosigned-root.ts a bundler then
 * drops, so the check lands in the caller's chunk. See browser-worker.ts for when that is better.
 */
import * as cosignedRoot from "./cosigned-root.ts";
import { type verifyTransparency as lazy, verifyTransparencyWith } from "./verify-transparency.ts";

const load = () => Promise.resolve(cosignedRoot);

/** `verifyTransparency` (verify-transparency.ts), with no lazy chunk. */
export const verifyTransparency: typeof lazy = ((response, options) =>
  verifyTransparencyWith(load, response, options)) as typeof lazy;
