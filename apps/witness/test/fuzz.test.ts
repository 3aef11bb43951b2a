/**
 * Fuzz (fast-check): whatever a hostile service serves as batch N — random bytes, or an honest
 * batch or proof bundle with any one bit flipped — with a checkpoint claiming the honest root for
 * N + 1, the witness refuses, keeps its state and obtains no cosignature beyond the honest ones.
 */
import { encodeBase64 as base64Encode } from "@sealroom/hash-chain/base64";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { event, HonestLog, Scenario } from "./support/service-script.ts";
import { expectOnlyHonestCosignatures, witnessFor } from "./support/witness-helpers.ts";

const log = new HonestLog();
log.seal([event("a.example", 10), event("b.example", 10)]);
const next = log.seal([event("a.example", 11, null, 2), event("c.example", 12, ["https://c"])]);

async function attempt(mode: "replay" | "compact", served: Uint8Array) {
  const sc = new Scenario();
  await sc.control({
    batches: { 0: base64Encode(log.sealed[0]!.batch), 1: base64Encode(served) },
    bundles: { 0: base64Encode(log.sealed[0]!.bundle), 1: base64Encode(served) },
    checkpoint: {
      tree_domain: sc.treeDomain,
      size: 1,
      root: base64Encode(log.rootAt(1)),
      time: 0,
      cosignatures: [],
    },
  });
  const w = await witnessFor(sc, mode);
  expect(await w.poll()).toMatchObject({ state: "ok", size: 1 });
  await sc.control({
    checkpoint: {
      tree_domain: sc.treeDomain,
      size: 2,
      root: base64Encode(log.rootAt(2)),
      time: 0,
      cosignatures: [],
    },
  });
  const r = await w.poll();
  expect(r.state).toBe("refused");
  expect(await w.state()).toEqual({ size: 1, root: log.rootAt(1) });
  expect(await expectOnlyHonestCosignatures(sc, log)).toBe(1);
}

for (const mode of ["replay", "compact"] as const) {
  describe(`${mode} mode`, () => {
    const honest = mode === "replay" ? next.batch : next.bundle;
    it("refuses every single-bit flip of the honest batch N", async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: honest.length * 8 - 1 }), async (bit) => {
          const b = honest.slice();
          b[bit >> 3]! ^= 1 << (bit & 7);
          await attempt(mode, b);
        }),
        { numRuns: 12 },
      );
    });

    it("refuses random bytes as batch N", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (b) => attempt(mode, b)),
        { numRuns: 6 },
      );
    });
  });
}
