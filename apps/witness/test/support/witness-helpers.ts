/** Helpers for driving a witness Durable Object step by step and checking what it signed. */

import { env, runInDurableObject } from "cloudflare:test";
import {
  cosignerVerifierKey,
  generateCosignerKey,
  parseSignatureLines,
  verifyCosignature,
} from "@sealroom/prefix-tree/note";
import { expect } from "vitest";
import type { WitnessMode } from "../../src/config.ts";
import type { HonestLog, Scenario } from "./service-script.ts";

/** The key vitest.config.ts gives the witness (same seed). */
export const testKey = generateCosignerKey("witness.test", new Uint8Array(32).fill(0x42));
export const testVkey = cosignerVerifierKey(testKey);

/** A witness following `sc` in `mode`, with its alarm loop stopped so that tests poll by hand. */
export async function witnessFor(sc: Scenario, mode: WitnessMode) {
  const stub = env.WITNESS_STATE.getByName(sc.treeDomain);
  await stub.configure({ url: sc.url, tree_domain: sc.treeDomain, mode });
  await quiet(stub);
  return stub;
}

export async function quiet(stub: DurableObjectStub<import("../../src/witness-state.ts").WitnessState>) {
  await runInDurableObject(stub, (_obj, state) => state.storage.deleteAlarm());
}

/**
 * Every cosignature the service ever received verifies, under the witness key, for the honest
 * root at its N: the service never obtained a signature on a root that does not follow.
 */
export async function expectOnlyHonestCosignatures(sc: Scenario, log: HonestLog): Promise<number> {
  const uploads = await sc.uploads();
  for (const u of uploads) {
    const sigs = parseSignatureLines(u.body);
    expect(sigs).toHaveLength(1);
    const cp = { tdomain: sc.treeDomain, size: BigInt(u.n), root: log.rootAt(u.n) };
    expect(verifyCosignature(testVkey, cp, sigs[0]!), `upload for N=${u.n}`).toBe(true);
  }
  return uploads.length;
}
